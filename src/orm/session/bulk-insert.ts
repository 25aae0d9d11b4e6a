/**
 * ORM bulk INSERT of plain objects: `session.execute(insert(Book), rows)` (SQLAlchemy 2.0's "ORM
 * bulk INSERT"). The rows, keyed by attribute and typed by the model, become one Core multi-row
 * INSERT (split into chunks at the dialect's parameter limit): no object per row, no unit of
 * work. Client-side column defaults are applied per row. With `.returning(Book)` the inserted
 * rows come back as persistent objects of the identity map.
 *
 * The statement runs in the session's transaction, after the autoflush: a rollback undoes it, and
 * the objects it returned leave the session. Since the session cannot write these rows again, a
 * later failed flush leaves the transaction to be rolled back (as statements on
 * `session.connection()` do) rather than quietly retrying without them.
 */
import { ArgumentError } from "../../core/errors.js";
import type { Insert } from "../../core/statements/insert.js";
import type { NewValues } from "../create.js";
import type { BACK } from "../typing/checks.js";
import type { BulkHost } from "./bulk.js";
import { returningTuples, type DmlResult } from "./returning-rows.js";
import { upsertWithVersionBump } from "./bulk-version.js";
import { upsertVersioned } from "./upsert-version.js";
import { upsertFollower } from "./upsert-sync.js";
import { mapperOfClass } from "../mapped.js";
import { PopulateRun } from "../loading/populate.js";
import { selectWithCriteria } from "../loading/criteria.js";
import { insertSpanning } from "./bulk-insert-joined.js";

type RelationshipAttribute<M> = { [K in keyof M & string]: typeof BACK extends keyof NonNullable<M[K]> ? K : never }[keyof M & string];

/** A row of `session.execute(insert(Model), rows)`: the model's column attributes, its `Given` keys required. */
export type InsertValues<M> = Omit<NewValues<M>, RelationshipAttribute<M>>;

/** `insert(Model)` (possibly with `.returning(...)`), as `session.execute(statement, rows)` takes it. */
export type BulkInsert<M, Tuple> = Insert<any, any, M, Tuple>;

/** `session.execute(insert(Model), rows)`: the rows inserted, or the RETURNING rows as tuples (entities as objects). */
export type BulkInsertResult<Tuple> = DmlResult<Tuple>;

/** Inserts the rows in bulk (the session has autoflushed); see the file's comment. */
export async function executeBulkInsert(host: BulkHost, statement: BulkInsert<unknown, unknown>, rows: readonly object[] | undefined): Promise<number | unknown[][]> {
  const name = statement.entity?.name ?? statement.table.name;
  const given = statement.node.rows.length > 0 || statement.node.select !== undefined;
  if (given === (rows !== undefined)) {
    throw new ArgumentError(`session.execute(insert(${name}), rows): give the rows either in values() or as rows (an array of plain objects), once.`);
  }
  if (rows !== undefined && !Array.isArray(rows)) throw new ArgumentError(`session.execute(insert(${name}), rows): rows must be an array of plain objects.`);
  const returning = statement.node.returning.length > 0;
  if (rows?.length === 0) return returning ? [] : 0;
  const tx = await host.transactions.current();
  const connection = await host.transactions.lend();
  // A joined subclass's rows span several tables: inserted one table at a time (bulk-insert-joined.ts).
  const spanning = statement.node.unwritable !== undefined ? mapperOfClass(statement.entity!) : undefined;
  if (spanning) {
    try {
      return await insertSpanning(connection, spanning, statement, rows!);
    } catch (error) {
      tx.statementFailed(error);
      throw error;
    }
  }
  const withRows = rows === undefined ? statement : statement.values(rows as Record<string, unknown>[]);
  // INSERT ... SELECT reads: the session's loader criteria filter what it reads.
  const select = withRows.node.select;
  const full = select ? { node: { ...withRows.node, select: selectWithCriteria(select, host.criteria) } } : withRows;
  const mapper = statement.entity && full.node.onConflict ? mapperOfClass(statement.entity) : undefined;
  const onConflict = mapper && upsertWithVersionBump(mapper, full.node.onConflict!);
  const bumped = onConflict !== undefined && onConflict !== full.node.onConflict;
  // Not versioned: the session's objects of the rows it updated are expired (upsert-sync.ts).
  const follower = mapper && !bumped ? upsertFollower(host, connection, mapper, full.node) : undefined;
  const execute = () => connection.execute<unknown>(bumped ? { node: { ...full.node, onConflict } } : follower ? { node: follower.node } : full, { rowShape: "arrays" });
  let result;
  try {
    // The counter moved on: the session's objects of the rows follow (upsert-version.ts).
    result = await (bumped ? upsertVersioned(connection, host.identity, host.owner, tx.journal, mapper!, full.node, onConflict, execute) : execute());
  } catch (error) {
    tx.statementFailed(error);
    throw error;
  }
  let returned;
  try {
    // Before the caller's RETURNING is read: its objects are then overwritten with their rows.
    const rowsBack = follower ? await follower.follow(result.rows as unknown[][], tx.journal) : (result.rows as unknown[][]);
    if (!returning) return result.rowCount;
    returned = returningTuples(rowsBack, statement.returningLayout, { identity: host.identity, owner: host.owner, populate: full.node.onConflict ? new PopulateRun() : undefined }, `insert(${name})`);
  } catch (error) {
    // The rows are in, but could not be read back (a key a Date cannot hold), or the objects
    // could not follow them: not to be committed.
    tx.failedAfterWrite(error);
    throw error;
  }
  const { tuples, made: inserted } = returned;
  // Recorded as a flush's inserts are: a rollback takes these objects out of the session again.
  // Not the session's own objects an upsert returned: their rows were there before.
  if (inserted.length) tx.journal.inserted.push(inserted);
  // Inside a savepoint, as objects added in it: its rollback takes them out of the session (they
  // were put back as pending, and the outer commit inserted the rows the rollback had undone).
  for (const state of inserted) tx.joined(state);
  return tuples;
}
