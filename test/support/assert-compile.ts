/**
 * Compile-only assertions: the exact SQL text and driver parameters a statement becomes on each
 * dialect, with no server. Statements go through a `StatementCache` built on the dialect, the same
 * path `Connection.compile` takes, so parameters are pinned as the driver receives them (after the
 * dialect's bind conversions). DDL goes through the dialect's own DDL compiler.
 *
 * ```ts
 * assertCompile(select(users.c.id).where(users.c.id.eq(1)), {
 *   sqlite: ['SELECT "users"."id" FROM "users" WHERE "users"."id" = ?', [1]],
 *   postgresql: ['SELECT "users"."id" FROM "users" WHERE "users"."id" = $1', [1]],
 *   mysql: ["SELECT `users`.`id` FROM `users` WHERE `users`.`id` = ?", [1]],
 * });
 * ```
 */
import assert from "node:assert/strict";
import type { DdlCompiler } from "../../src/core/compiler/ddl-compiler.js";
import { StatementCache } from "../../src/core/compiler/statement-cache.js";
import { mysqlDialect } from "../../src/dialects/mysql/dialect.js";
import { postgresDialect } from "../../src/dialects/postgresql/dialect.js";
import { sqliteDialect } from "../../src/dialects/sqlite/dialect.js";
import type { EngineDialect } from "../../src/engine/driver.js";
import type { Executable } from "../../src/index.js";

/** MySQL as `mysql://` compiles before connecting (no RETURNING); MariaDB 10.5+ adds INSERT/DELETE ... RETURNING. */
export const compileDialects = {
  sqlite: sqliteDialect(),
  postgresql: postgresDialect(),
  mysql: mysqlDialect(),
  mariadb: mysqlDialect("10.11.6-MariaDB"),
  /** MySQL 8 once connected: FOR UPDATE OF, LATERAL. */
  mysql8: mysqlDialect("8.0.36"),
} as const satisfies Record<string, EngineDialect>;

export type CompileDialect = keyof typeof compileDialects;

/** The SQL and parameters expected, or the error compiling must raise. */
export type Expected = readonly [sql: string, params: readonly unknown[]] | Raises;

export interface Raises {
  readonly raises: new (...args: any[]) => Error;
  readonly message: RegExp;
}

export function raises(error: Raises["raises"], message: RegExp): Raises {
  return { raises: error, message };
}

/**
 * `mariadb` and `mysql8` are checked only when given: they differ from `mysql` only where
 * RETURNING (MariaDB) or FOR UPDATE OF and LATERAL (MySQL 8) are concerned. The three others are required, so no dialect is left out by accident.
 */
export type ExpectedPerDialect = { readonly sqlite: Expected; readonly postgresql: Expected; readonly mysql: Expected; readonly mariadb?: Expected; readonly mysql8?: Expected };

/** A fresh cache per call: nothing compiled earlier (a same-shaped statement) can stand in. */
export function compileOn(dialect: CompileDialect, statement: Executable<unknown>): { sql: string; params: readonly unknown[] } {
  const { sql, params } = new StatementCache(compileDialects[dialect]).compile(statement.node);
  return { sql, params };
}

export function assertCompile(statement: Executable<unknown>, expected: ExpectedPerDialect): void {
  for (const dialect of Object.keys(expected) as CompileDialect[]) {
    const want = expected[dialect]!;
    if ("raises" in want) {
      assertRaises(dialect, () => compileOn(dialect, statement), want);
      continue;
    }
    const actual = compileOn(dialect, statement);
    assert.deepEqual({ dialect, sql: actual.sql, params: actual.params }, { dialect, sql: want[0], params: want[1] });
  }
}

function assertRaises(dialect: string, fn: () => unknown, want: Raises): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof want.raises, `${dialect}: expected ${want.raises.name}, got ${String(error)}`);
    assert.match((error as Error).message, want.message, dialect);
    return true;
  }, `${dialect}: expected ${want.raises.name}`);
}

/** The dialect's DDL compiler (CREATE/DROP TABLE, indexes, foreign keys). */
export function ddlFor(dialect: CompileDialect): DdlCompiler {
  return compileDialects[dialect].createDdlCompiler();
}

/** A DDL statement: one string, or its lines (joined with newlines); or the error rendering it raises. */
type ExpectedDdl = string | readonly string[] | Raises;

/** Asserts one DDL statement per dialect: `assertDdl((ddl) => ddl.dropTable(t), { sqlite: "...", ... })`. */
export function assertDdl(
  render: (ddl: DdlCompiler) => string,
  expected: { readonly sqlite: ExpectedDdl; readonly postgresql: ExpectedDdl; readonly mysql: ExpectedDdl },
): void {
  for (const dialect of ["sqlite", "postgresql", "mysql"] as const) {
    const want = expected[dialect];
    if (typeof want === "object" && "raises" in want) {
      assertRaises(dialect, () => render(ddlFor(dialect)), want);
      continue;
    }
    assert.deepEqual({ dialect, ddl: render(ddlFor(dialect)).split("\n") }, { dialect, ddl: typeof want === "string" ? [want] : want });
  }
}
