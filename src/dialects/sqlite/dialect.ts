/** The SQLite dialect: the embedded default. */
import type { ParamNode } from "../../core/ast/nodes.js";
import type { DialectCapabilities } from "../../core/compiler/sql-compiler.js";
import { importOptionalPackage } from "../../core/optional-package.js";
import type { DriverConnection, EngineDialect, IsolationLevel, TableInfo } from "../../engine/driver.js";
import { SqliteCompiler } from "./compiler.js";
import { SqliteDdlCompiler } from "./ddl-compiler.js";
import { translateSqliteError } from "./errors.js";
import { reflectSqlite } from "./reflect.js";
import { sqliteBindProcessor, sqliteResultProcessor } from "./values.js";

const capabilities: DialectCapabilities = {
  displayName: "SQLite",
  aggregateFilter: true,
  distinctOn: false,
  lateral: false,
  intersectExcept: true,
  intersectExceptAll: false,
  parenthesizedSetMembers: false,
  withBeforeWrites: true,
  dataModifyingCtes: false,
  insertReturning: true,
  generatedKeyOrder: "perRow",
  updateReturning: true,
  deleteReturning: true,
  fullJoin: true,
  ilike: false,
  generatedKeyInValues: "null",
  maxParameters: 32_766,
  insertPageRows: 500,
  inValuesInWrites: true,
  transactionalDdl: true,
  caseInsensitiveText: false,
  forUpdateOf: false,
  // No row locks: FOR UPDATE (and with it NOWAIT, SKIP LOCKED) compiles to nothing (compiler.ts).
  forUpdateNowait: true,
  forUpdateNullable: true,
  integerBooleans: true,
  lastInsertIdOf: "last",
  indexExpressions: true,
  partialIndexes: true,
};

const dialect: EngineDialect = {
  name: "sqlite",
  capabilities,
  createCompiler: (paramIndex: ReadonlyMap<ParamNode, number>) => new SqliteCompiler(capabilities, paramIndex),
  identifierLimit: undefined, // SQLite does not limit the length of names
  createDdlCompiler: () => new SqliteDdlCompiler(new SqliteCompiler(capabilities, new Map())),
  bindProcessor: sqliteBindProcessor,
  resultProcessor: sqliteResultProcessor,
  async createDriver(url, options) {
    const { createSqliteDriver } = await importOptionalPackage("better-sqlite3", "A sqlite: engine", () => import("./driver.js"));
    return createSqliteDriver(url, options);
  },
  translateError: translateSqliteError,
  beginStatements: (isolation: IsolationLevel | undefined) => [isolation === "serializable" ? "BEGIN IMMEDIATE" : "BEGIN"],
  alterForeignKeys: false,
  foreignKeyChecks: (enabled) => [`PRAGMA foreign_keys = ${enabled ? "ON" : "OFF"}`],
  async tableNames(conn: DriverConnection) {
    const { rows } = await conn.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      [],
    );
    return rows.map((r) => String(r.name));
  },
  async describeTable(conn: DriverConnection, name: string): Promise<TableInfo | undefined> {
    const { rows } = await conn.execute("SELECT name, type, \"notnull\" AS not_null FROM pragma_table_info(?)", [name]);
    if (!rows.length) return undefined;
    return { name, columns: rows.map((r) => ({ name: String(r.name), type: String(r.type), nullable: !r.not_null })) };
  },
  async constraintNames(conn: DriverConnection, name: string) {
    const { rows: tables } = await conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [name]);
    const { rows: indexes } = await conn.execute("SELECT name FROM pragma_index_list(?) WHERE origin = 'c'", [name]);
    const named = namedConstraints(String(tables[0]?.sql ?? ""));
    return {
      primaryKey: named("PRIMARY")[0],
      foreignKeys: named("FOREIGN"),
      uniques: named("UNIQUE"),
      checks: named("CHECK"),
      indexes: indexes.map((r) => String(r.name)).sort(),
    };
  },
  reflect: reflectSqlite,
};
// Shared by every engine: nobody may change it.
Object.freeze(dialect);

/**
 * The dialect. It holds no state of its own, so every engine shares one: what is compiled for it
 * (the statement cache, the flush's INSERT shapes) is then compiled once per process, not once
 * per engine.
 */
export function sqliteDialect(): EngineDialect {
  return dialect;
}

/**
 * `CONSTRAINT <name> <kind>` clauses of a CREATE TABLE: SQLite keeps constraint names only in the
 * table's SQL text. The name may be quoted in any of the ways SQLite accepts.
 */
function namedConstraints(createTable: string): (kind: string) => string[] {
  const found: { name: string; kind: string }[] = [];
  const clause = /\bCONSTRAINT\s+("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]|[\w$]+)\s+(FOREIGN|UNIQUE|CHECK|PRIMARY)\b/gi;
  for (const [, name, kind] of createTable.matchAll(clause)) found.push({ name: unquote(name!), kind: kind!.toUpperCase() });
  return (kind) => found.filter((c) => c.kind === kind).map((c) => c.name).sort();
}

function unquote(name: string): string {
  const open = name[0]!;
  if (open === "[") return name.slice(1, -1);
  if (open === '"' || open === "`") return name.slice(1, -1).split(open + open).join(open);
  return name;
}
