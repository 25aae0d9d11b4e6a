/**
 * The data-loss guard: before a migration's pass (up or down) runs, the drops it would make are
 * counted on the live database, and any row at stake refuses the whole migration, nothing run.
 * A down is generated (the reverse of a `createTable` is a `dropTable`) and never reviewed as an
 * up is; an up's drop, written when the column was empty, may meet values in production. What
 * counts: `dropTable` and `dropColumn` (a generated column's values are derived: not counted), and
 * in `execute` SQL `DROP TABLE`, `ALTER TABLE ... DROP [COLUMN]`, `TRUNCATE` and `DELETE` without
 * `WHERE` (sql-drops.ts); SQL that may delete rows in a way its text does not show is refused
 * unconfirmed. Confirmed by the operation (`allowDataLoss: true`, which `migrate new
 * --allow-data-loss` writes on the drops it accepts) or for the run (`--allow-data-loss`).
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import { tableKey, type SchemaModel, type TableModel } from "../../core/schema/schema-model.js";
import type { Connection } from "../../engine/connection.js";
import { executeSql } from "../apply/render.js";
import { describeOperation } from "../operations/describe.js";
import type { Operation, TableRef } from "../operations/operation.js";
import { MigrationHistoryError } from "./errors.js";
import { sqlDrops } from "./sql-drops.js";
import { liveSchema, schemasNamed } from "./steps.js";

/** One drop of a pass and the rows it would destroy. */
export interface DownLoss {
  /** The operation, as progress output names it (`drop table books`, `drop column books.isbn`, `delete all rows of books (SQL: TRUNCATE books)`). */
  readonly operation: string;
  /**
   * Rows of the table (a dropped or emptied table), or rows with a value in the column (a dropped
   * column), counted up to 10 000: 10 001 stands for more. Absent for SQL the guard cannot read
   * (a `DO` block, a `CALL`): what it deletes cannot be counted, so it is refused unconfirmed.
   */
  readonly rows?: number;
}

/** Rows counted at most; more are reported as "more than" it. */
const COUNT_BOUND = 10_000;

/**
 * A migration's pass would destroy rows (see `losses`); nothing of it was run. Caught as one type
 * for both directions: `DownDataLossError` (a down) and `UpDataLossError` (an up) extend it.
 *
 * ```ts
 * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
 * const runner = new MigrationRunner({ connection: conn, graph });
 * try {
 *   await runner.up();
 * } catch (error) {
 *   if (!(error instanceof MigrationDataLossError)) throw error;
 *   console.log(error.direction, error.id, error.losses); // "up", "2026..._drop_isbn", [{ operation: "drop column books.isbn", rows: 3 }]
 * }
 * ```
 */
export class MigrationDataLossError extends MigrationHistoryError {
  override name = "MigrationDataLossError";
  constructor(
    /** The migration whose pass was refused. */
    readonly id: string,
    readonly direction: "up" | "down",
    readonly losses: readonly DownLoss[],
  ) {
    const count = (n: number) => (n > COUNT_BOUND ? `more than ${COUNT_BOUND} rows` : `${n} ${n === 1 ? "row" : "rows"}`);
    const lines = losses.map((l) =>
      l.rows === undefined
        ? `  - ${l.operation}: may delete rows (SQL the check cannot read)`
        : `  - ${l.operation}: ${count(l.rows)}${l.operation.startsWith("drop column") ? " with a value" : ""}`,
    );
    const verb = direction === "up" ? "applying" : "reverting";
    super(
      [
        `${verb} ${id} would lose data; nothing of it was run:`,
        ...lines,
        `Move or back up the data first, or confirm the loss: 'athanor migrate ${direction} --allow-data-loss' (runner.${direction}(target, { allowDataLoss: true })), ` +
          `or in the migration, on each operation meant to lose it: { allowDataLoss: true } (op.dropColumn(table, column, { allowDataLoss: true })).`,
      ].join("\n"),
    );
  }
}

/**
 * A migration's down would destroy rows (see `losses`); nothing of it was run. Confirm with
 * `allowDataLoss`, or move the data first.
 *
 * ```ts
 * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
 * const runner = new MigrationRunner({ connection: conn, graph });
 * try {
 *   await runner.down();
 * } catch (error) {
 *   if (!(error instanceof DownDataLossError)) throw error;
 *   console.log(error.id, error.losses); // [{ operation: "drop table books", rows: 3 }]
 *   await runner.down(undefined, { allowDataLoss: true }); // the loss is meant
 * }
 * ```
 */
export class DownDataLossError extends MigrationDataLossError {
  override name = "DownDataLossError";
  constructor(id: string, losses: readonly DownLoss[]) {
    super(id, "down", losses);
  }
}

/**
 * A migration's up would destroy rows with a drop it does not mark as meant (see `losses`);
 * nothing of it was run. Mark the operation (`{ allowDataLoss: true }`), confirm the run, or move the data first.
 *
 * ```ts
 * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
 * const runner = new MigrationRunner({ connection: conn, graph });
 * try {
 *   await runner.up();
 * } catch (error) {
 *   if (!(error instanceof UpDataLossError)) throw error;
 *   console.log(error.losses); // [{ operation: "drop column books.isbn", rows: 3 }]
 *   await runner.up(undefined, { allowDataLoss: true }); // the loss is meant
 * }
 * ```
 */
export class UpDataLossError extends MigrationDataLossError {
  override name = "UpDataLossError";
  constructor(id: string, losses: readonly DownLoss[]) {
    super(id, "up", losses);
  }
}

/** What one drop destroys: a table's rows, or a column's values. */
interface Target {
  readonly operation: string;
  readonly table: TableRef;
  readonly column?: string;
  /** Written quoted: matched exactly; unquoted, as the database folds it. */
  readonly exact?: boolean;
}

/** @internal Refuses the pass of `id` when `ops` (the operations of the steps about to run) destroy rows the live database holds. */
export async function assertKeepsData(connection: Connection, id: string, direction: "up" | "down", ops: readonly Operation[]): Promise<void> {
  const dialect = connection.dialect.name;
  const losses: DownLoss[] = [];
  const targets: Target[] = [];
  const backslashEscapes = dialect === "mysql" && ops.some((op) => op.op === "execute") ? !(await sqlModes(connection)).includes("NO_BACKSLASH_ESCAPES") : false;
  for (const op of ops) {
    if (op.op === "dropTable" && !op.allowDataLoss) targets.push({ operation: describeOperation(op), table: op.table, exact: true });
    else if (op.op === "dropColumn" && !op.allowDataLoss) targets.push({ operation: describeOperation(op), table: op.table, column: op.column.name, exact: true });
    else if (op.op === "execute" && !op.allowDataLoss) targets.push(...sqlTargets(executeSql(op, dialect), dialect, backslashEscapes, losses));
  }
  if (!targets.length && !losses.length) return;
  await unqualifyDefaultSchema(connection, targets);
  const ddl = connection.dialect.createDdlCompiler();
  // Tables of other schemas (PostgreSQL schemas, MariaDB databases) are read only when asked for.
  const schemas = [...new Set([...schemasNamed(ops), ...targets.flatMap((t) => (t.table.schema ? [t.table.schema] : []))])];
  const live = targets.length ? await liveSchema(connection, schemas) : undefined;
  for (const target of targets) {
    const table = findTable(live!, target, dialect);
    // Not there (yet): an earlier step makes it, empty; nothing of it can be lost now.
    if (!table) continue;
    let where = "";
    if (target.column !== undefined) {
      const column = table.columns.find((c) => sameName(c.name, target.column!, target.exact, dialect));
      // Only values are lost: a column of NULLs holds nothing, a generated one is computed from the row.
      if (!column || column.generated) continue;
      where = ` WHERE ${ddl.identifier(column.name)} IS NOT NULL`;
    }
    // Counted up to a bound: a full count of a big table would hold the migration for minutes.
    const sql = `SELECT COUNT(*) AS n FROM (SELECT 1 AS x FROM ${ddl.tableName(table)}${where} LIMIT ${COUNT_BOUND + 1}) counted`;
    const rows = Number(Object.values((await connection.run(sql)).rows[0] ?? {})[0] ?? 0);
    if (rows > 0) losses.push({ operation: target.operation, rows });
  }
  if (losses.length) throw direction === "up" ? new UpDataLossError(id, losses) : new DownDataLossError(id, losses);
}

/** The drops of an `execute`'s SQL; what it cannot read goes to `losses` at once. */
function sqlTargets(sql: string, dialect: DialectName, backslashEscapes: boolean, losses: DownLoss[]): Target[] {
  const targets: Target[] = [];
  for (const drop of sqlDrops(sql, dialect, backslashEscapes)) {
    const statement = drop.statement.length > 80 ? `${drop.statement.slice(0, 77)}...` : drop.statement;
    if (drop.kind === "unreadable") {
      losses.push({ operation: `execute ${statement}` });
      continue;
    }
    const name = tableKey(drop.table);
    const sql = `(SQL: ${statement})`;
    if (drop.kind === "dropColumn") targets.push({ operation: `drop column ${name}.${drop.column} ${sql}`, table: drop.table, column: drop.column, exact: drop.quoted && drop.columnQuoted });
    else targets.push({ operation: `${drop.kind === "dropTable" ? "drop table" : "delete all rows of"} ${name} ${sql}`, table: drop.table, exact: drop.quoted });
  }
  return targets;
}

/** MariaDB/MySQL: the session's sql_mode, in which a migration's own SQL runs (engine/mysql-escapes.ts). */
async function sqlModes(connection: Connection): Promise<string[]> {
  const row = (await connection.run("SELECT @@SESSION.sql_mode AS mode")).rows[0] as Record<string, unknown> | undefined;
  return String(row?.["mode"] ?? "").split(",");
}

/**
 * SQL may qualify a table of the connection's own schema (`public.books`, `app.books`, SQLite's
 * `main.books`), which reflection lists without a schema: such a name loses its qualifier.
 */
async function unqualifyDefaultSchema(connection: Connection, targets: Target[]): Promise<void> {
  if (!targets.some((t) => t.table.schema !== undefined)) return;
  const dialect = connection.dialect.name;
  const query = dialect === "postgresql" ? "SELECT current_schema() AS n" : dialect === "mysql" ? "SELECT DATABASE() AS n" : "SELECT 'main' AS n";
  const current = String(Object.values((await connection.run(query)).rows[0] ?? {})[0] ?? "");
  targets.forEach((t, i) => {
    if (t.table.schema !== undefined && sameName(current, t.table.schema, t.exact, dialect)) targets[i] = { ...t, table: { name: t.table.name } };
  });
}

/** The live table a drop names; a name written unquoted matches as the database folds it. */
function findTable(live: SchemaModel, target: Target, dialect: DialectName): TableModel | undefined {
  const exact = live.tables.find((t) => tableKey(t) === tableKey(target.table));
  if (exact) return exact;
  return live.tables.find((t) => sameName(t.name, target.table.name, target.exact, dialect) && sameName(t.schema ?? "", target.table.schema ?? "", target.exact, dialect));
}

/**
 * PostgreSQL folds an unquoted name to lower case and matches a quoted one exactly; SQLite and
 * MariaDB/MySQL compare column names without case (table names too, but for a case-sensitive
 * file system, where the table will not be found and the statement fails).
 */
function sameName(actual: string, written: string, exact: boolean | undefined, dialect: DialectName): boolean {
  if (actual === written) return true;
  if (dialect === "postgresql") return !exact && actual === written.toLowerCase();
  return actual.toLowerCase() === written.toLowerCase();
}
