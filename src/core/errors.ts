/**
 * The error hierarchy, modelled on SQLAlchemy's `sqlalchemy.exc`.
 *
 * Errors that come from the database driver are wrapped in a `DBAPIError` subclass that keeps the
 * driver's original error (`cause`), the SQL and its parameters. Errors raised by athanor itself
 * (bad arguments, compile problems, configuration) derive from `AthanorError` directly.
 */

export class AthanorError extends Error {
  override name = "AthanorError";
}

/** An argument passed to an athanor function is not acceptable. */
export class ArgumentError extends AthanorError {
  override name = "ArgumentError";
}

/** A statement cannot be rendered for the target dialect. */
export class CompileError extends AthanorError {
  override name = "CompileError";
}

/** An operation was requested in a state that does not allow it. */
export class InvalidRequestError extends AthanorError {
  override name = "InvalidRequestError";
}

/** A foreign key names a table or column that does not exist in the metadata. */
export class NoReferencedTableError extends InvalidRequestError {
  override name = "NoReferencedTableError";
}

/** No foreign key links two selectables that should be joined. */
export class NoForeignKeysError extends ArgumentError {
  override name = "NoForeignKeysError";
}

/** More than one foreign key links two selectables, so the join condition is ambiguous. */
export class AmbiguousForeignKeysError extends ArgumentError {
  override name = "AmbiguousForeignKeysError";
}

/** A connection, transaction or result was used after it was closed. */
export class ResourceClosedError extends InvalidRequestError {
  override name = "ResourceClosedError";
}

/** `one()` found no row. */
export class NoResultFoundError extends InvalidRequestError {
  override name = "NoResultFoundError";
}

/** `one()` or `oneOrNull()` found more than one row. */
export class MultipleResultsFoundError extends InvalidRequestError {
  override name = "MultipleResultsFoundError";
}

export interface DBAPIErrorDetails {
  readonly sql?: string;
  readonly params?: readonly unknown[];
  /** Driver error code: SQLSTATE for PostgreSQL, errno name for MySQL, result code for SQLite. */
  readonly code?: string;
  /** True when retrying the whole transaction may succeed (serialization failure, deadlock, busy). */
  readonly retryable?: boolean;
  /** True when the connection is no longer usable (lost, reset, terminated). */
  readonly connectionInvalidated?: boolean;
  /** True when the database rolled the whole transaction back (a MySQL/MariaDB deadlock). */
  readonly transactionRolledBack?: boolean;
}

/** An error raised by the database driver, wrapped. `cause` is the driver's own error. */
export class DBAPIError extends AthanorError {
  override name = "DBAPIError";
  readonly sql: string | undefined;
  readonly params: readonly unknown[] | undefined;
  readonly code: string | undefined;
  readonly retryable: boolean;
  readonly connectionInvalidated: boolean;
  readonly transactionRolledBack: boolean;

  constructor(message: string, details: DBAPIErrorDetails, cause: unknown) {
    super(details.sql ? `${message}\n[SQL: ${details.sql}]` : message, { cause });
    this.sql = details.sql;
    this.params = details.params;
    this.code = details.code;
    this.retryable = details.retryable ?? false;
    this.connectionInvalidated = details.connectionInvalidated ?? false;
    this.transactionRolledBack = details.transactionRolledBack ?? false;
  }
}

/** The driver could not talk to the database (bad URL, refused connection, closed socket). */
export class InterfaceError extends DBAPIError {
  override name = "InterfaceError";
}

export class DatabaseError extends DBAPIError {
  override name = "DatabaseError";
}

/** A value does not fit its column (too long, out of range, invalid input syntax). */
export class DataError extends DatabaseError {
  override name = "DataError";
}

/** The database could not complete the operation: lost connection, deadlock, serialization failure, lock timeout. */
export class OperationalError extends DatabaseError {
  override name = "OperationalError";
}

/** A constraint was violated: unique, foreign key, not null, check. */
export class IntegrityError extends DatabaseError {
  override name = "IntegrityError";
}

export class InternalError extends DatabaseError {
  override name = "InternalError";
}

/** The SQL is wrong for this database: syntax error, unknown table or column. */
export class ProgrammingError extends DatabaseError {
  override name = "ProgrammingError";
}

/** The database does not support the requested feature. */
export class NotSupportedError extends DatabaseError {
  override name = "NotSupportedError";
}

export type DBAPIErrorClass = new (message: string, details: DBAPIErrorDetails, cause: unknown) => DBAPIError;

/**
 * The transaction can only be rolled back: the database rolled it back after an error (a
 * deadlock, a lost connection, PostgreSQL's aborted transaction). Call `rollback()`.
 */
export class PendingRollbackError extends InvalidRequestError {
  override name = "PendingRollbackError";
}

/**
 * The connection was lost after COMMIT was sent and before its answer came: the transaction may
 * or may not have committed. Do not simply run it again; check (by a natural key, say) first.
 */
export class CommitOutcomeUnknownError extends AthanorError {
  override name = "CommitOutcomeUnknownError";
}

/**
 * A name given for a table, column, constraint or index is longer than the database allows
 * (PostgreSQL: 63 bytes, MySQL/MariaDB: 64 characters). Raised when the DDL is compiled, before any
 * of it runs. Names athanor generates are shortened instead.
 */
export class IdentifierTooLongError extends CompileError {
  override name = "IdentifierTooLongError";
}

/** Who holds a checked-out connection, and for how long it has held it. */
export interface ConnectionHolder {
  /** The label given to `engine.connect({ holder })`, or the caller's source location. */
  readonly holder: string;
  readonly heldMs: number;
}

/**
 * No pooled connection became free within `acquireTimeoutMs`. The message names the pool size
 * and who holds the connections: usually a session or connection that was never closed.
 */
export class PoolTimeoutError extends AthanorError {
  override name = "PoolTimeoutError";

  constructor(
    message: string,
    readonly poolSize: number,
    readonly timeoutMs: number,
    readonly holders: readonly ConnectionHolder[],
  ) {
    super(message);
  }
}

/**
 * `engine.dispose()` waited `disposeTimeoutMs` and some connections were still checked out: it
 * closed them (their open transactions roll back) and emits this through
 * `process.emitWarning`, where `process.on("warning", ...)` sees it and Node prints it by default.
 */
export class ConnectionsNotReturnedWarning extends AthanorError {
  override name = "ConnectionsNotReturnedWarning";

  constructor(
    message: string,
    readonly holders: readonly ConnectionHolder[],
  ) {
    super(message);
  }
}
