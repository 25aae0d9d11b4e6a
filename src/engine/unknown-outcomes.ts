/**
 * Writes whose outcome a lost connection hides: a COMMIT, or a statement that may write run in
 * autocommit (it commits as it runs), sent and never answered. The database may or may not have
 * applied it, so the error says exactly that (`CommitOutcomeUnknownError`), and nothing retries it:
 * `sessionMaker().transaction` runs a unit of work again after a plain lost connection, and would
 * write it twice.
 */
import { clip, noteCommit } from "./committed-work.js";
import { CommitOutcomeUnknownError, type DBAPIError } from "../core/errors.js";
import { mayWrite, sessionOnly } from "./statement-kind.js";

/** The error for a COMMIT whose connection was lost before the answer. */
export function commitOutcomeUnknown(error: DBAPIError, firstWrite: string | undefined): CommitOutcomeUnknownError {
  if (firstWrite !== undefined) noteCommit(() => `the COMMIT, its outcome unknown (the connection was lost), of a transaction that ran "${clip(firstWrite)}"`);
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
  if (!error.connectionInvalidated || !mayWrite(sql) || sessionOnly(sql) || UNSENT.test(error.message)) return error;
  noteCommit(() => `"${clip(sql)}", run outside a transaction, its outcome unknown (the connection was lost)`);
  return new CommitOutcomeUnknownError(
    `The connection was lost after a statement that may write was sent outside a transaction (autocommit), before the ` +
      `database answered (${firstLine(error.message)}): it may or may not have been applied. Check whether its changes ` +
      `are there before running it again.`,
    { sql, ...(error.code === undefined ? {} : { code: error.code }), connectionInvalidated: true },
    error,
  );
}

/** The drivers' refusals on a connection they know is closed: the statement was never sent. */
const UNSENT = /not queryable|closed state/i;

const firstLine = (message: string): string => message.split("\n")[0]!;
