/**
 * What a statement's error becomes, kept out of connection.ts (which runs the statements): the
 * driver's error translated by the dialect, recorded against the open transactions (a lost
 * connection or a database that rolled back fails them, and their commits are refused until the
 * rollback), and a duplicate key read by the metadata of the table the statement names.
 */
import type { StatementNode } from "../core/ast/nodes.js";
import { IntegrityError, InvalidRequestError, type DBAPIError } from "../core/errors.js";
import { classifyDuplicate } from "../core/schema/duplicate-key.js";
import { Table } from "../core/schema/table.js";
import type { Connection } from "./connection.js";
import { RowMapperFailure } from "./convert-rows.js";
import { forgetImplicitCommit, type Transaction } from "./transaction.js";
import { autocommitOutcome } from "./unknown-outcomes.js";

/** @internal Whether `error` is athanor's own (a refusal, the caller's row mapper): passed on as it is, not the database's. */
export function notTheDatabases(error: unknown): error is Error {
  return error instanceof InvalidRequestError || error instanceof RowMapperFailure;
}

/**
 * @internal The translated error of `sql`, once recorded against the transactions `open`: what the
 * caller gets. A duplicate key refused on a statement that names `table` is read by the tables of
 * its metadata (`classifyDuplicate`): on PostgreSQL the constraint's name alone took a primary key
 * named by a naming convention for a unique constraint, and a unique constraint named `..._pkey`
 * for the primary key.
 */
export function failureOutcome(connection: Connection, translated: DBAPIError, sql: string, open: readonly Transaction[], table: Table | undefined): DBAPIError {
  if (table !== undefined) classifiedDuplicate(connection, translated, table);
  forgetImplicitCommit(open, sql, translated.code === "ER_PARSE_ERROR");
  // Outside a transaction a write commits as it runs: lost before its answer, it may have.
  return open.length === 0 ? autocommitOutcome(translated, sql) : translated;
}

/**
 * @internal Records what `error` did to the open transactions `open`, and returns the outermost
 * failed one (`failed` unchanged when none is): a lost connection, or a database that rolled the
 * transaction back (a MySQL deadlock; SQLite reporting no transaction open any more), fails them
 * all; an error that aborts the innermost one (PostgreSQL) fails that one.
 */
export function failedTransaction(connection: Connection, error: DBAPIError, open: readonly Transaction[], failed: Transaction | undefined): Transaction | undefined {
  if (!open.length) return failed;
  if (error.connectionInvalidated || error.abortsTransaction === "all" || connection.driverInTransaction() === false) {
    for (const tx of open) tx.markFailed(error, true);
    return open[0];
  }
  if (error.abortsTransaction === "innermost") {
    const innermost = open[open.length - 1]!;
    innermost.markFailed(error, false);
    return failed ?? innermost;
  }
  return failed;
}

/**
 * @internal The table of an INSERT (an upsert too) or UPDATE, whose metadata names its keys: a
 * duplicate key it causes is read by them (`failureOutcome`). Undefined for any other statement.
 */
export function keyedTable(node: StatementNode): Table | undefined {
  if (node.kind !== "insert" && node.kind !== "update") return undefined;
  const table = node.table.table;
  return table instanceof Table ? table : undefined;
}

/** @internal `error`, thrown by a statement that names `table`, its duplicate key read as `failureOutcome` says. */
export function classifiedDuplicate(connection: Connection, error: unknown, table: Table): unknown {
  if (error instanceof IntegrityError) classifyDuplicate(error, [table.metadata], connection.dialect.identifierLimit);
  return error;
}
