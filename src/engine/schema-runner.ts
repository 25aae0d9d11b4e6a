/**
 * `metadata.createAll()` / `dropAll()`: DDL in foreign-key dependency order. Foreign keys that
 * close a cycle are added after all tables exist (and dropped before any table), where the
 * database can alter constraints; SQLite, which cannot, accepts them inline.
 */
import type { MetaData } from "../core/schema/metadata.js";
import type { ForeignKey } from "../core/schema/constraints.js";
import type { Connection } from "./connection.js";

export async function runSchemaOperation(
  conn: Connection,
  operation: "create" | "drop",
  metadata: MetaData,
  options: { checkFirst: boolean },
): Promise<void> {
  const dialect = conn.dialect;
  const ddl = dialect.createDdlCompiler();
  const { order, cyclic } = metadata.dependencyOrder();
  const raw = { execute: (sql: string, params: readonly unknown[]) => conn.run(sql, params), release: () => undefined };
  const existing = new Set(options.checkFirst ? await dialect.tableNames(raw, undefined) : []);
  const exists = (name: string) => existing.has(name);
  const deferred: ReadonlySet<ForeignKey> = new Set(dialect.alterForeignKeys ? cyclic : []);

  if (operation === "create") {
    const created = order.filter((t) => !(options.checkFirst && exists(t.name)));
    // All of it compiled before any of it runs: a name the database cannot hold fails here, not
    // after MySQL (whose DDL commits itself) has created half of the tables.
    const statements: string[] = [];
    for (const table of created) {
      statements.push(ddl.createTable(table, deferred));
      for (const index of table.indexes) statements.push(ddl.createIndex(table, index));
    }
    for (const fk of deferred) if (created.includes(fk.table)) statements.push(ddl.addForeignKey(fk));
    await conn.transaction(async () => {
      for (const statement of statements) await conn.run(statement);
    });
    return;
  }

  const dropped = [...order].reverse().filter((t) => !options.checkFirst || exists(t.name));
  const needsUnchecked = !dialect.alterForeignKeys && cyclic.length > 0;
  if (needsUnchecked) for (const s of dialect.foreignKeyChecks(false)) await conn.run(s);
  try {
    await conn.transaction(async () => {
      for (const fk of deferred) {
        if (dropped.includes(fk.table) && dropped.includes(fk.referredTable)) await conn.run(ddl.dropForeignKey(fk));
      }
      for (const table of dropped) await conn.run(ddl.dropTable(table));
    });
  } finally {
    if (needsUnchecked) for (const s of dialect.foreignKeyChecks(true)) await conn.run(s);
  }
}
