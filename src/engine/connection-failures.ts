/**
 * What a statement's error becomes, kept out of connection.ts (which runs the statements): the
 * driver's error translated by the dialect, recorded against the open transactions (a lost
 * connection or a database that rolled back fails them, and their commits are refused until the
 * rollback).
 */
import { InvalidRequestError, type DBAPIError } from "../core/errors.js";
import type { Connection } from "./connection.js";
import { RowMapperFailure } from "./convert-rows.js";
import { forgetImplicitCommit, type Transaction } from "./transaction.js";
import { autocommitOutcome } from "./unknown-outcomes.js";

/** @internal Whether `error` is athanor's own (a refusal, the caller's row mapper): passed on as it is, not the database's. */
export function notTheDatabases(error: unknown): error is Error {
  return error instanceof InvalidRequestError || error instanceof RowMapperFailure;
}

/** @internal The translated error of `sql`, once recorded against the transactions `open`: what the caller gets. */
export function failureOutcome(translated: DBAPIError, sql: string, open: readonly Transaction[]): DBAPIError {
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
