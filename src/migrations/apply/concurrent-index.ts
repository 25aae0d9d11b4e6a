/**
 * PostgreSQL `CREATE INDEX CONCURRENTLY` commits the index's catalog entry before it builds it: a
 * build cut short (the connection killed, a lock wait timed out) leaves the index behind, marked
 * invalid (`pg_index.indisvalid = false`), unused by queries but kept up to date by every write.
 * The rerun failed with "already exists". A rerun of the migration (its row says the step was not
 * recorded done) now finds the index first: invalid, it is dropped (`DROP INDEX CONCURRENTLY`) and
 * built again; valid, on the step's table, the step ran and only its record was lost: it counts as
 * done. Likewise a `DROP INDEX CONCURRENTLY` whose index is gone counts as done on a rerun.
 */
import type { Connection } from "../../engine/connection.js";
import type { Operation } from "../operations/operation.js";
import type { Step } from "./step.js";
import { pgQualified, pgRegclass } from "./catalog-sql.js";

/** What a rerun checks before a concurrent index step (see the file comment). */
export interface ConcurrentIndex {
  /** A row `{ valid }` when the index exists on the step's table, none when it does not. */
  readonly lookup: string;
  /** Drops an invalid index left by an interrupted build. */
  readonly dropInvalid: string;
  /** Whether the step creates the index (else it drops it). */
  readonly creates: boolean;
}

/** The rerun check of a PostgreSQL `createIndex` / `dropIndex` with `concurrently`, if `op` is one. */
export function concurrentIndexOf(op: Operation): ConcurrentIndex | undefined {
  if ((op.op !== "createIndex" && op.op !== "dropIndex") || !op.concurrently) return undefined;
  return {
    lookup: `SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = ${pgRegclass(op.table, op.index.name)} AND i.indrelid = ${pgRegclass(op.table)}`,
    dropInvalid: `DROP INDEX CONCURRENTLY IF EXISTS ${pgQualified(op.table, op.index.name)}`,
    creates: op.op === "createIndex",
  };
}

/**
 * On a rerun, before the step: whether it is done already (skip it); an invalid index its
 * interrupted build left is dropped first, through `run`.
 */
export async function concurrentIndexDone(connection: Connection, step: Step, run: (sql: string) => Promise<unknown>): Promise<boolean> {
  const check = step.concurrentIndex!;
  const row = (await connection.run(check.lookup)).rows[0] as { valid?: unknown } | undefined;
  if (!check.creates) return row === undefined;
  if (row === undefined) return false;
  if (row.valid === true) return true;
  await run(check.dropInvalid);
  return false;
}
