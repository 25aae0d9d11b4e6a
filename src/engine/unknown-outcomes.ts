/**
 * Writes whose outcome a lost connection hides: a COMMIT, or a statement that may write run in
 * autocommit (it commits as it runs), sent and never answered. The database may or may not have
 * applied it, so the error says exactly that (`CommitOutcomeUnknownError`), and nothing retries it:
 * `sessionMaker().transaction` runs a unit of work again after a plain lost connection, and would
 * write it twice.
 */
import { CommitOutcomeUnknownError, type DBAPIError } from "../core/errors.js";
import { mayWrite } from "./statement-kind.js";

/** The error for a COMMIT whose connection was lost before the answer. */
export function commitOutcomeUnknown(error: DBAPIError): CommitOutcomeUnknownError {
  return new CommitOutcomeUnknownError(
    `The connection was lost after COMMIT was sent and before the database answered (${firstLine(error.message)}): ` +
      "the transaction may or may not have been committed. Check whether its changes are there before running it again.",
    { sql: "COMMIT", ...(error.code === undefined ? {} : { code: error.code }), connectionInvalidated: true },
    error,
  );
}

/**
 * The error for `sql`, run outside a transaction, that failed with `error`: a
 * `CommitOutcomeUnknownError` when the connection was lost after a statement that may write was
 * sent. It used to be the plain lost connection, which reads as "nothing happened, retry".
 */
export function autocommitOutcome(error: DBAPIError, sql: string): DBAPIError {
  if (!error.connectionInvalidated || !mayWrite(sql) || SESSION_ONLY.test(sql) || UNSENT.test(error.message)) return error;
  return new CommitOutcomeUnknownError(
    `The connection was lost after a statement that may write was sent outside a transaction (autocommit), before the ` +
      `database answered (${firstLine(error.message)}): it may or may not have been applied. Check whether its changes ` +
      `are there before running it again.`,
    { sql, ...(error.code === undefined ? {} : { code: error.code }), connectionInvalidated: true },
    error,
  );
}

/** Settings of the connection's own session: lost with it, whatever became of them. */
const SESSION_ONLY = /^\s*(set|reset|discard|deallocate|listen|unlisten)\b/i;
/** The drivers' refusals on a connection they know is closed: the statement was never sent. */
const UNSENT = /not queryable|closed state/i;

const firstLine = (message: string): string => message.split("\n")[0]!;
