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

/**
 * A database URL `createEngine` cannot use: an unknown scheme, or a URL that does not parse. The
 * message names the URL (password hidden) and the forms that are understood.
 */
export class DatabaseUrlError extends ArgumentError {
  override name = "DatabaseUrlError";
}

/**
 * A value given to INSERT, UPDATE or an upsert's SET does not fit its column's type: a value the
 * database would refuse, or store as another (rounded, replaced, converted). Raised while the
 * statement is built; nothing was sent. (A flush raises the ORM's `InvalidValueError`.)
 */
export class InvalidColumnValueError extends ArgumentError {
  override name = "InvalidColumnValueError";

  constructor(
    /** The statement, e.g. `insert(books)`. */
    readonly statement: string,
    /** The column's key (an attribute, for a statement on a model). */
    readonly column: string,
    /** The value given. */
    readonly value: unknown,
    /** What the column accepts. */
    readonly expected: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A value was given for a generated column (`.generatedAs()`), which the database computes and
 * refuses to be written: by `insert().values()`, `update().set()`, an upsert's `set`, or an
 * assignment to a model's attribute. Raised before anything is sent; nothing was changed.
 */
export class GeneratedColumnError extends ArgumentError {
  override name = "GeneratedColumnError";

  constructor(
    /** The statement (`insert(lines)`) or the model (`LineItem`) the value was given to. */
    readonly target: string,
    /** The column's key, or the model's attribute. */
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

/** A statement cannot be rendered for the target dialect. */
export class CompileError extends AthanorError {
  override name = "CompileError";
}

/**
 * The statement uses a form the target dialect's SQL cannot express (e.g. `ON CONFLICT` on
 * MySQL). Raised when compiling, so no SQL the server would reject is ever sent.
 */
export class UnsupportedCompilationError extends CompileError {
  override name = "UnsupportedCompilationError";
}

/**
 * A SQL feature (window FILTER, DISTINCT ON, LATERAL, INTERSECT ALL, ...) that the target database
 * does not have. Raised when compiling, naming the feature and the database.
 */
export class UnsupportedFeatureError extends UnsupportedCompilationError {
  override name = "UnsupportedFeatureError";
  constructor(
    /** The feature, as SQL: "FILTER (WHERE ...)", "DISTINCT ON", ... */
    readonly feature: string,
    /** The database, e.g. "MariaDB 10.11". */
    readonly dialect: string,
    hint: string,
  ) {
    super(`${feature} is not supported by this dialect (${dialect}); ${hint}`);
  }
}

/**
 * A keyset-pagination cursor that is not one `paginate` made for this query's ORDER BY: not
 * base64url JSON, altered, or from a query ordered differently.
 */
export class InvalidCursorError extends ArgumentError {
  override name = "InvalidCursorError";
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

/**
 * The transaction a stream's cursor reads in ended while its loop ran (a `commit()`, a
 * `rollback()`, a failed flush, which rolls it back, or the rollback of the savepoint the cursor
 * was opened in: PostgreSQL closes the cursor then), so the stream stops: the rows it had read
 * may be gone with the transaction's writes.
 *
 * ```ts
 * try {
 *   for await (const post of session.stream(select(Post))) await session.commit(); // ends the cursor
 * } catch (error) {
 *   if (error instanceof StreamEndedError) console.log("start a new stream");
 * }
 * ```
 */
export class StreamEndedError extends ResourceClosedError {
  override name = "StreamEndedError";
}

/**
 * A statement was sent on a connection whose open stream holds it (MySQL/MariaDB read a result
 * to its end before the next command).
 */
export class StreamInProgressError extends InvalidRequestError {
  override name = "StreamInProgressError";
}

/** `one()` found no row. */
export class NoResultFoundError extends InvalidRequestError {
  override name = "NoResultFoundError";
}

/** `one()` or `oneOrNull()` found more than one row. */
export class MultipleResultsFoundError extends InvalidRequestError {
  override name = "MultipleResultsFoundError";
}

/** What a driver error carries over to a `DBAPIError`: the SQL, its parameters and the database's code. */
export interface DBAPIErrorDetails {
  readonly sql?: string;
  readonly params?: readonly unknown[];
  /** Driver error code: SQLSTATE for PostgreSQL, errno name for MySQL, result code for SQLite. */
  readonly code?: string;
  /** True when retrying the whole transaction may succeed (serialization failure, deadlock, busy). */
  readonly retryable?: boolean;
  /** True when the connection is no longer usable (lost, reset, terminated). */
  readonly connectionInvalidated?: boolean;
  /**
   * What the error did to an open transaction: `innermost` — the innermost savepoint (or the
   * transaction) can only be rolled back (any PostgreSQL error); `all` — the database rolled the
   * whole transaction back, savepoints included (a MySQL/MariaDB deadlock). Undefined: only the
   * statement failed.
   */
  readonly abortsTransaction?: "innermost" | "all";
  /**
   * A duplicate the database refused: of the table's primary key, or of another unique
   * constraint. Undefined for any other error. PostgreSQL names only the constraint: looked up in the
   * metadata of the table an INSERT or UPDATE names (SQL text: `<table>_pkey` is the key).
   *
   * ```ts
   * try { await conn.execute(insert(users).values({ id: 1, email: "ann@example.com" })); }
   * catch (e) { if (e instanceof IntegrityError && e.duplicate === "primaryKey") console.log("id 1 is taken"); }
   * ```
   */
  readonly duplicate?: "primaryKey" | "unique";
  /**
   * The constraint (or unique index) violated, as the database names it: PostgreSQL for any,
   * MySQL/MariaDB for a duplicate (MySQL 8 as `users.PRIMARY`); SQLite names none.
   * ```ts
   * try { await conn.execute(insert(users).values({ id: 2, email: "ann@example.com" })); }
   * catch (e) { if (e instanceof IntegrityError && e.constraint === "uq_users_email") console.log("email taken"); }
   * ```
   */
  readonly constraint?: string;
}

/** An error raised by the database driver, wrapped. `cause` is the driver's own error. */
export class DBAPIError extends AthanorError {
  override name = "DBAPIError";
  readonly sql: string | undefined;
  readonly params: readonly unknown[] | undefined;
  readonly code: string | undefined;
  readonly retryable: boolean;
  readonly connectionInvalidated: boolean;
  readonly abortsTransaction: "innermost" | "all" | undefined;
  /** See `DBAPIErrorDetails.duplicate`. */
  readonly duplicate: "primaryKey" | "unique" | undefined;
  /** See `DBAPIErrorDetails.constraint`. */
  readonly constraint: string | undefined;

  constructor(message: string, details: DBAPIErrorDetails, cause: unknown) {
    super(details.sql ? `${message}\n[SQL: ${details.sql}]` : message, { cause });
    this.sql = details.sql;
    this.params = details.params;
    this.code = details.code;
    this.retryable = details.retryable ?? false;
    this.connectionInvalidated = details.connectionInvalidated ?? false;
    this.abortsTransaction = details.abortsTransaction;
    this.duplicate = details.duplicate;
    this.constraint = details.constraint;
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

/**
 * A lock the statement needed was not granted: another transaction holds the row and the read
 * asked not to wait (`forUpdate({ nowait: true })`), or the wait ran out (PostgreSQL's
 * `lock_timeout`, SQLSTATE 55P03; MariaDB's `innodb_lock_wait_timeout`, 1205; MySQL's NOWAIT,
 * 3572). Retryable: the lock may be free when the transaction runs again. On PostgreSQL the
 * transaction is failed until rolled back; on MySQL/MariaDB only the statement failed.
 */
export class LockNotAvailableError extends OperationalError {
  override name = "LockNotAvailableError";
}

/**
 * A new connection was not ready within `pool.connectTimeoutMs`: the server (or something in
 * front of it) accepted the TCP connection but did not finish the handshake, or did not answer
 * the connection's setup statements (its session settings, `pool.connectStatements`): a host
 * gone silent, a server stuck starting up. The socket was closed, never pooled; nothing ran.
 * Retryable: the next `connect()` opens another connection.
 */
export class ConnectTimeoutError extends OperationalError {
  override name = "ConnectTimeoutError";
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

/**
 * The database refused a write because the transaction is read-only (PostgreSQL SQLSTATE 25006):
 * a hot-standby replica, or an engine made with `{ readOnly: true }`. Nothing was written. Send
 * writes through an engine on the primary. A subclass of `InternalError`, as SQLSTATE class 25 is.
 */
export class ReadOnlyDatabaseError extends InternalError {
  override name = "ReadOnlyDatabaseError";
}

/**
 * A named prepared statement went missing or collided (`prepared statement "athanor_..." does
 * not exist` / `already exists`): the URL points at a pooler in transaction mode (PgBouncer's
 * `pool_mode = transaction`), which runs each transaction on any of its server connections.
 * Fix: `createEngine(url, { transactionPooler: true })`. Nothing was run by that statement.
 */
export class TransactionPoolerError extends OperationalError {
  override name = "TransactionPoolerError";
}

/** A `DBAPIError` subclass, as a dialect's error translation picks one for a driver error. */
export type DBAPIErrorClass = new (message: string, details: DBAPIErrorDetails, cause: unknown) => DBAPIError;

/**
 * The transaction (or savepoint) was rolled back by the database, or can only be rolled back: a
 * statement in it failed (any error on PostgreSQL, a deadlock on MySQL/MariaDB) or the connection
 * was lost. Raised by `commit()` and by any statement on it, without reaching the database, until
 * `rollback()` is called. `cause` is the error that failed it. SQLAlchemy's `PendingRollbackError`.
 */
export class TransactionRolledBackError extends InvalidRequestError {
  override name = "TransactionRolledBackError";

  constructor(
    message: string,
    /** The error that failed the transaction. */
    override readonly cause: Error,
  ) {
    super(message, { cause });
  }

  /** True when running the whole transaction again may succeed (deadlock, serialization failure, lost connection). */
  get retryable(): boolean {
    return this.cause instanceof DBAPIError && (this.cause.retryable || this.cause.connectionInvalidated);
  }
}

/**
 * A rollback that could undo nothing: MySQL/MariaDB committed the transaction before `statement`
 * (the SQL text) ran (DDL, `LOCK TABLES`, `TRUNCATE`...), and each statement after it as it ran.
 * Thrown by `rollback()`, and by `transaction(fn)` rolling back after `fn` threw or its COMMIT was
 * refused, with that error as `cause`: the work is committed all the same.
 *
 * ```ts
 * await engine.transaction(async (conn) => {
 *   await conn.execute(insert(users).values({ email: "ann@example.com" }));
 *   await conn.run("CREATE TABLE audit (id INT)"); // MySQL/MariaDB: ann is committed here
 *   throw new Error("changed my mind"); // ImplicitlyCommittedError, cause: this error
 * });
 * ```
 */
export class ImplicitlyCommittedError extends InvalidRequestError {
  override name = "ImplicitlyCommittedError";

  constructor(message: string, readonly statement: string, options?: { readonly cause: unknown }) {
    super(message, options);
  }
}

/**
 * The connection was lost after COMMIT was sent and before the database answered: the
 * transaction may or may not have been committed. Check whether its changes are there before
 * running it again. `cause` is the connection error.
 */
export class CommitOutcomeUnknownError extends OperationalError {
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

/**
 * A MetaData's `namingConvention` is unusable (an unknown key or token), or cannot name a
 * constraint (a token the constraint has no value for, such as `{constraint_name}` of an unnamed one).
 */
export class NamingConventionError extends ArgumentError {
  override name = "NamingConventionError";
}

/**
 * A package athanor loads only when it is needed (a database driver, `@viz-js/viz` for SVG) is not
 * installed. `packageName` is what to install: the message ends with the `npm install` command.
 */
export class MissingPackageError extends AthanorError {
  override name = "MissingPackageError";

  constructor(
    message: string,
    readonly packageName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
