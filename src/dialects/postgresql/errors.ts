/** Maps node-postgres errors, by SQLSTATE class, to the hierarchy. */
import {
  DataError,
  IntegrityError,
  InternalError,
  LockNotAvailableError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
  TransactionPoolerError,
  type DBAPIError,
  type DBAPIErrorClass,
} from "../../core/errors.js";
import { connectionFailure, readOnly, wrapDriverError, explainTlsRefusal } from "../shared/translate-error.js";

const byClass: Record<string, DBAPIErrorClass> = {
  "22": DataError,
  "23": IntegrityError,
  "25": InternalError, // invalid transaction state, e.g. "current transaction is aborted"
  "42": ProgrammingError,
  "0A": NotSupportedError,
  XX: InternalError,
};

/**
 * Errors after which the server has closed the connection: the 08 class, administrator and crash
 * shutdowns (57P01, 57P02), a server not accepting connections yet (57P03), and the idle
 * timeouts (25P03 idle in transaction, 57P05 idle session), which the server reports as the
 * statement's error when the statement and the timeout cross.
 */
const ENDS_CONNECTION = new Set(["57P01", "57P02", "57P03", "25P03", "57P05"]);

/**
 * Retrying the whole transaction may succeed: 40001 serialization_failure, 40P01
 * deadlock_detected, and 55P03 lock_not_available (`lock_timeout` ran out, or NOWAIT found the
 * row locked), as MariaDB's lock wait timeout (1205) is. The error aborted the transaction, so a
 * retry starts from a rollback: nothing of the failed attempt is written. Not 57014 (a statement
 * cancelled, by `statement_timeout` too): a query too slow once is as slow again.
 */
const RETRYABLE = new Set(["40001", "40P01", "55P03"]);

export function translatePostgresError(error: unknown, sql: string | undefined, params: readonly unknown[] | undefined): DBAPIError {
  const lost = connectionFailure(error, sql, params);
  if (lost) return lost;
  explainTlsRefusal(error);
  const code = (error as { code?: unknown })?.code;
  const sqlstate = typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const pooled = pooledStatementFailure(sqlstate, error);
  const ErrorClass = pooled
    ? TransactionPoolerError
    : sqlstate === READ_ONLY
      ? readOnly(error)
      : sqlstate === LOCK_NOT_AVAILABLE
        ? LockNotAvailableError
        : (sqlstate && byClass[sqlstate.slice(0, 2)]) || OperationalError;
  if (pooled) (error as Error).message += POOLER_FIX;
  if (sqlstate === "22021" && error instanceof Error && /0x00/.test(error.message)) {
    error.message += ". PostgreSQL text cannot hold NUL (\\u0000) characters; store such data in a binary() column.";
  }
  const constraint = (error as { constraint?: unknown }).constraint;
  const connectionInvalidated = sqlstate !== undefined && (sqlstate.startsWith("08") || ENDS_CONNECTION.has(sqlstate));
  return wrapDriverError(ErrorClass, error, {
    ...(sql === undefined ? {} : { sql }),
    ...(params === undefined ? {} : { params }),
    ...(sqlstate ? { code: sqlstate } : {}),
    retryable: sqlstate !== undefined && RETRYABLE.has(sqlstate),
    connectionInvalidated,
    // Any error the server reports aborts the transaction block: everything is refused (25P02)
    // until it, or the innermost savepoint, is rolled back. Errors without a SQLSTATE were
    // raised by pg before sending and leave the transaction as it was.
    ...(sqlstate && !connectionInvalidated ? { abortsTransaction: "innermost" as const } : {}),
    // unique_violation: of the primary key when the constraint has the name PostgreSQL gives an
    // unnamed one; a session's flush looks the name up in its metadata (core/schema/duplicate-key.ts).
    ...(sqlstate === "23505" ? { duplicate: /_pkey$/.test(String(constraint)) ? ("primaryKey" as const) : ("unique" as const) } : {}),
    ...(typeof constraint === "string" ? { constraint } : {}),
  });
}

/** lock_not_available: NOWAIT found the row locked, or `lock_timeout` ran out. */
const LOCK_NOT_AVAILABLE = "55P03";

/** read_only_sql_transaction: a write on a hot standby, or in a read-only transaction. */
const READ_ONLY = "25006";

/**
 * invalid_sql_statement_name (26000) or duplicate_prepared_statement (42P05) on one of athanor's
 * statement names: pg prepared it on another server connection than the one it now talks to,
 * which only a pooler in transaction mode does.
 */
function pooledStatementFailure(sqlstate: string | undefined, error: unknown): boolean {
  return (sqlstate === "26000" || sqlstate === "42P05") && error instanceof Error && /prepared statement "athanor_/.test(error.message);
}

const POOLER_FIX =
  ". The connection goes through a pooler in transaction mode (PgBouncer pool_mode = transaction), which runs each " +
  "transaction on any of its server connections, where this connection's named prepared statements are not. " +
  "Create the engine with createEngine(url, { transactionPooler: true }) (statements unnamed, migrations refused), " +
  "or connect to PostgreSQL directly.";
