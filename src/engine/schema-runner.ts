/**
 * `metadata.createAll()` / `dropAll()`: DDL in foreign-key dependency order. Foreign keys that
 * close a cycle are added after all tables exist (and dropped before any table), where the
 * database can alter constraints; SQLite, which cannot, accepts them inline.
 */
import type { MetaData } from "../core/schema/metadata.js";
import type { ForeignKey } from "../core/schema/constraints.js";
import type { Table } from "../core/schema/table.js";
import type { Connection } from "./connection.js";
import { escapeModes } from "./mysql-escapes.js";

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
  // Keyed like `Table.fullName`: a table in a schema is looked up in that schema, so that
  // `createAll` run twice skips `app.users` instead of trying to create it again.
  const existing = new Set<string>();
  if (options.checkFirst) {
    for (const schema of new Set(order.map((t) => t.schema))) {
      for (const name of await dialect.tableNames(raw, schema)) existing.add(schema ? `${schema}.${name}` : name);
    }
  }
  const exists = (table: Table) => existing.has(table.fullName);
  const deferred: ReadonlySet<ForeignKey> = new Set(dialect.alterForeignKeys ? cyclic : []);

  if (operation === "create") {
    // Where each DDL statement commits on its own (MySQL/MariaDB), a run cut short keeps what it
    // made, and the next run's checkFirst skips those tables: each is made whole, in one
    // statement with its indexes and foreign keys, those to a table not made yet too (accepted
    // with the checks off). A table used to be left without its unique index, or the foreign key
    // closing a cycle, which the next run never added.
    const whole = ddl.makesTablesWhole;
    const later: ReadonlySet<ForeignKey> = whole ? new Set() : deferred;
    const created = order.filter((t) => !(options.checkFirst && exists(t)));
    // All of it compiled before any of it runs: a name the database cannot hold fails here, not
    // after MySQL (whose DDL commits itself) has created half of the tables.
    const statements: string[] = [];
    for (const table of created) statements.push(...ddl.createTableWhole(table, later));
    for (const fk of later) if (created.includes(fk.table)) statements.push(ddl.addForeignKey(fk));
    const forward = whole && cyclic.some((fk) => created.includes(fk.table));
    // Written for the default sql_mode: a MariaDB session under NO_BACKSLASH_ESCAPES would read them otherwise.
    const modes = await escapeModes(conn);
    await modes?.use("athanor");
    try {
      if (forward) for (const s of dialect.foreignKeyChecks(false)) await conn.run(s);
      await conn.transaction(async () => {
        for (const statement of statements) await conn.run(statement);
      });
    } finally {
      if (forward) for (const s of dialect.foreignKeyChecks(true)) await conn.run(s);
      await modes?.use("user");
    }
    return;
  }

  const dropped = [...order].reverse().filter((t) => !options.checkFirst || exists(t));
  const needsUnchecked = !dialect.alterForeignKeys && cyclic.length > 0;
  // MySQL/MariaDB: a run cut short after dropping a cycle's key kept that drop; the next run
  // (checkFirst) drops only the keys still there, where it failed on the missing one every time.
  const keyStillThere = async (fk: ForeignKey): Promise<boolean> =>
    !options.checkFirst || dialect.capabilities.transactionalDdl || (await dialect.constraintNames(raw, fk.table.name, fk.table.schema)).foreignKeys.includes(ddl.foreignKeyName(fk));
  if (needsUnchecked) for (const s of dialect.foreignKeyChecks(false)) await conn.run(s);
  try {
    await conn.transaction(async () => {
      for (const fk of deferred) {
        if (dropped.includes(fk.table) && dropped.includes(fk.referredTable) && (await keyStillThere(fk))) await conn.run(ddl.dropForeignKey(fk));
      }
      for (const table of dropped) await conn.run(ddl.dropTable(table));
    });
  } finally {
    if (needsUnchecked) for (const s of dialect.foreignKeyChecks(true)) await conn.run(s);
  }
}
