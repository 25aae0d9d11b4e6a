/**
 * A down that drops a table or a column holding rows destroys them without a word: `migrate new`
 * refuses such a drop in an up unless `--allow-data-loss`, but a down is generated (the reverse of
 * a `createTable` is a `dropTable`) and never confirmed. Before a down's pass runs, its drops are
 * counted on the live database; any row at stake refuses the whole migration, nothing run, unless
 * the caller confirms (`down(target, { allowDataLoss: true })`, `migrate down --allow-data-loss`).
 */
import { tableKey } from "../../core/schema/schema-model.js";
import type { Connection } from "../../engine/connection.js";
import { describeOperation } from "../operations/describe.js";
import type { Operation } from "../operations/operation.js";
import { MigrationHistoryError } from "./errors.js";
import { liveSchema, schemasNamed } from "./steps.js";

/** One drop of a down and the rows it would destroy. */
export interface DownLoss {
  /** The operation, as progress output names it (`drop table books`, `drop column books.isbn`). */
  readonly operation: string;
  /**
   * Rows of the table (a dropped table), or rows with a value in the column (a dropped column),
   * counted up to 10 000: 10 001 stands for more.
   */
  readonly rows: number;
}

/** Rows counted at most; more are reported as "more than" it. */
const COUNT_BOUND = 10_000;

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
export class DownDataLossError extends MigrationHistoryError {
  override name = "DownDataLossError";
  constructor(
    /** The migration whose down was refused. */
    readonly id: string,
    readonly losses: readonly DownLoss[],
  ) {
    const count = (n: number) => (n > COUNT_BOUND ? `more than ${COUNT_BOUND} rows` : `${n} ${n === 1 ? "row" : "rows"}`);
    const lines = losses.map((l) => `  - ${l.operation}: ${count(l.rows)}${l.operation.startsWith("drop column") ? " with a value" : ""}`);
    super(
      [
        `reverting ${id} would lose data; nothing of it was run:`,
        ...lines,
        `Move or back up the data first, or confirm the loss: 'athanor migrate down --allow-data-loss' (runner.down(target, { allowDataLoss: true })).`,
      ].join("\n"),
    );
  }
}

/** @internal Refuses the down of `id` when `ops` (the operations of the steps about to run) drop rows the live database holds. */
export async function assertDownKeepsData(connection: Connection, id: string, ops: readonly Operation[]): Promise<void> {
  const drops = ops.filter((op) => op.op === "dropTable" || op.op === "dropColumn");
  if (!drops.length) return;
  const ddl = connection.dialect.createDdlCompiler();
  // Tables of other schemas (PostgreSQL schemas, MariaDB databases) are read only when asked for.
  const live = await liveSchema(connection, schemasNamed(drops));
  const losses: DownLoss[] = [];
  for (const op of drops) {
    const table = live.tables.find((t) => tableKey(t) === tableKey(op.table));
    // Not there (yet): an earlier step of the down makes it, empty; nothing of it can be lost now.
    if (!table) continue;
    let where = "";
    if (op.op === "dropColumn") {
      if (!table.columns.some((c) => c.name === op.column.name)) continue;
      // Only values are lost: a column of NULLs holds nothing.
      where = ` WHERE ${ddl.identifier(op.column.name)} IS NOT NULL`;
    }
    // Counted up to a bound: a full count of a big table would hold the down for minutes.
    const sql = `SELECT COUNT(*) AS n FROM (SELECT 1 AS x FROM ${ddl.tableName(op.table)}${where} LIMIT ${COUNT_BOUND + 1}) counted`;
    const rows = Number(Object.values((await connection.run(sql)).rows[0] ?? {})[0] ?? 0);
    if (rows > 0) losses.push({ operation: describeOperation(op), rows });
  }
  if (losses.length) throw new DownDataLossError(id, losses);
}
