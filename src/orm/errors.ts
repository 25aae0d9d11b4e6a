/** Errors of the ORM layer. Configuration problems are collected and reported together. */
import { ArgumentError, AthanorError, InvalidRequestError } from "../core/errors.js";

/** One thing wrong with the model configuration, with where it is and how to fix it. */
export interface ConfigurationProblem {
  /** The model (class name) the problem belongs to. */
  readonly model: string;
  /** The attribute, when the problem is about one. */
  readonly attribute: string | undefined;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** Where the model is defined (`file:line`), when known. */
  readonly file: string | undefined;
}

/** The models cannot be configured; `problems` lists every problem found, not only the first. */
export class MappingConfigurationError extends AthanorError {
  override name = "MappingConfigurationError";

  constructor(readonly problems: readonly ConfigurationProblem[]) {
    super(formatProblems(problems));
  }
}

/**
 * A relationship's resolution (target, join columns, back-reference) was read before its registry
 * was configured: `registry.configure()`, which `registry.mapperFor()` and every query or flush run.
 */
export class NotConfiguredError extends InvalidRequestError {
  override name = "NotConfiguredError";
}

/**
 * A Registry's `naming` option is unusable: an unknown style, or a naming function that returned
 * no name for a class or attribute.
 */
export class NamingStrategyError extends ArgumentError {
  override name = "NamingStrategyError";
}

/** An object of a class that is not mapped was given where a mapped instance is needed. */
export class UnmappedClassError extends InvalidRequestError {
  override name = "UnmappedClassError";
}

export function formatProblem(p: ConfigurationProblem): string {
  const where = p.attribute ? `${p.model}.${p.attribute}` : p.model;
  return `${where}: ${p.message}\n     fix: ${p.fix}${p.file ? `\n     at ${p.file}` : ""}`;
}

function formatProblems(problems: readonly ConfigurationProblem[]): string {
  const head = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return `The model configuration has ${head}:\n${problems.map((p, i) => `  ${i + 1}. ${formatProblem(p)}`).join("\n")}`;
}

/**
 * A stream was asked for a loading it cannot do batch by batch: a joined-loaded collection; or,
 * on MySQL/MariaDB, select-in loads when the session's transaction may have written (their second
 * connection would not see the writes) or no second connection is free.
 */
export class StreamingLoadError extends InvalidRequestError {
  override name = "StreamingLoadError";
}

/** A relationship was read synchronously before being loaded. */
export class RelationshipNotLoadedError extends InvalidRequestError {
  override name = "RelationshipNotLoadedError";
}

/** An attribute was read after it was expired (by commit or `expire()`), before a refresh. */
export class ExpiredAttributeError extends InvalidRequestError {
  override name = "ExpiredAttributeError";
}

/**
 * A column attribute of a loaded object was read while not loaded: deferred by its mapping or
 * left out by the query (`defer`, `loadOnly`). Reading cannot wait for the database; the message
 * names the fix (`await session.load(obj, "key")`, or `undefer(Model, "key")` in the query).
 */
export class UnloadedAttributeError extends InvalidRequestError {
  override name = "UnloadedAttributeError";

  constructor(
    message: string,
    /** The model's name. */
    readonly model: string,
    /** The attribute not loaded. */
    readonly attribute: string,
  ) {
    super(message);
  }
}

/**
 * A column property (`@columnProperty`) was assigned: its value is a SQL expression the database
 * computes when the object is loaded, never written. Raised at the assignment; nothing changed.
 */
export class ReadOnlyAttributeError extends ArgumentError {
  override name = "ReadOnlyAttributeError";

  constructor(
    message: string,
    /** The model's name. */
    readonly model: string,
    /** The attribute assigned. */
    readonly attribute: string,
  ) {
    super(message);
  }
}

/**
 * A write-only collection (`lazy: "writeOnly"`) was used as a list: read, iterated, assigned,
 * loaded by a loader option or `lazy()`. It is never loaded; the message names the fix (its
 * `.select()`, executed with `session.scalars`, or `add`/`remove`).
 */
export class WriteOnlyCollectionError extends InvalidRequestError {
  override name = "WriteOnlyCollectionError";

  constructor(
    message: string,
    /** The model's name. */
    readonly model: string,
    /** The write-only attribute. */
    readonly attribute: string,
  ) {
    super(message);
  }
}

/**
 * `session.merge(obj, { load: false })` was given an object with changes not flushed: merging
 * without loading copies the object as the database holds it, so it must be clean.
 */
export class MergeDirtyObjectError extends InvalidRequestError {
  override name = "MergeDirtyObjectError";
}

/**
 * An object was changed while its session's flush or commit was in flight (a promise not awaited
 * yet): the flush could have written part of the change, or the commit's expiry dropped it, so
 * the change is refused rather than lost. Await the flush or commit, then change the object.
 */
export class ChangeDuringFlushError extends InvalidRequestError {
  override name = "ChangeDuringFlushError";
}

/**
 * An UPDATE or DELETE matched another number of rows than the flush expected (mostly none: another
 * transaction deleted the row, or changed the version of a versioned one, first).
 */
export class StaleDataError extends InvalidRequestError {
  override name = "StaleDataError";
}

/**
 * `sessionMaker().transaction(fn)` met a retryable error (its `cause`) but does not run `fn` again:
 * `fn` had already committed work of its own, and a second run would write that work twice.
 * `committed` names it: `fn`'s own `session.commit()`, or a commit made through athanor anywhere
 * in `fn`'s async context (another session's, `engine.transaction`, a write outside a transaction,
 * a MySQL/MariaDB implicit commit). Nothing of the failed attempt but that work is in the database.
 *
 * ```ts
 * const Sessions = sessionMaker(engine);
 * try {
 *   await Sessions.transaction(async (session) => {
 *     await engine.execute(insert(orders).values({ userId: 1, total: "9.50", placedAt: new Date() })); // commits at once
 *     (await session.get(User, 1))!.name = "Ann"; // then a deadlock, say
 *   });
 * } catch (error) {
 *   if (error instanceof NotRetriedAfterCommitError) console.log(error.committed, error.cause);
 * }
 * ```
 */
export class NotRetriedAfterCommitError extends InvalidRequestError {
  override name = "NotRetriedAfterCommitError";

  constructor(
    message: string,
    /** What `fn` committed first, as the message names it. */
    readonly committed: string,
    options: { readonly cause: unknown },
  ) {
    super(message, options);
  }
}

/**
 * `sessionMaker().transaction(fn)` did not run `fn` again after a retryable error (its `cause`)
 * because work `fn` had started and not awaited (a connection, a transaction, a session it opened)
 * was still out after `settleTimeoutMs`: it may yet commit, and a second run would then write it
 * twice. `inFlight` names each (who checked the connection out, and what its open transaction
 * wrote). A `NotRetriedAfterCommitError`, whose `committed` lists them too.
 *
 * ```ts
 * const Sessions = sessionMaker(engine);
 * try {
 *   await Sessions.transaction(async (session) => {
 *     void engine.transaction((conn) => conn.execute(insert(orders).values({ userId: 1, total: "9.50", placedAt: new Date() }))); // not awaited
 *     (await session.get(User, 1))!.name = "Ann"; // then a deadlock, say, and the order's COMMIT not back in time
 *   }, { settleTimeoutMs: 2000 });
 * } catch (error) {
 *   if (error instanceof NotRetriedWorkInFlightError) console.log(error.inFlight, error.cause);
 * }
 * ```
 */
export class NotRetriedWorkInFlightError extends NotRetriedAfterCommitError {
  override name = "NotRetriedWorkInFlightError";

  constructor(
    message: string,
    /** The work still out, each described. */
    readonly inFlight: readonly string[],
    options: { readonly cause: unknown },
  ) {
    super(message, `work still in flight: ${inFlight.join("; ")}`, options);
  }
}

/**
 * A commit would leave out what the object graph shows, because an object it links is not in the
 * session (its relationship does not cascade save-update, or it was expunged): a row's
 * many-to-one names it, so the foreign key would stay empty; or a list holds it, so its row, its
 * foreign key or its link would not be written. The commit is refused and its work is pending
 * again: add the object to the session (or set the attribute to null, or take the object out of
 * the list), then commit again.
 */
export class UnsavedReferenceError extends InvalidRequestError {
  override name = "UnsavedReferenceError";
}

/** Rows depend on each other in a cycle that no insert order can satisfy. */
export class FlushOrderError extends InvalidRequestError {
  override name = "FlushOrderError";
}

/**
 * `session.merge(obj)` named a row that the session's loader criteria exclude (another tenant's, a
 * soft-deleted one): merging would write into a row the session must not see, or insert it again
 * (a duplicate key). Nothing was merged; the session is usable.
 */
export class ExcludedRowError extends InvalidRequestError {
  override name = "ExcludedRowError";
}

/** The object's row is gone from the database (another transaction deleted it). */
export class ObjectDeletedError extends InvalidRequestError {
  override name = "ObjectDeletedError";
}

/** The object is not in a session, and what was asked needs one (a lazy load, a refresh). */
export class DetachedInstanceError extends InvalidRequestError {
  override name = "DetachedInstanceError";
}

/**
 * A value the flush was about to write does not fit its column: a type the column does not
 * accept, a value outside an enum, null (or nothing) for a NOT NULL column without a default.
 * Raised before any statement of the flush is sent; the objects keep their values.
 */
export class InvalidValueError extends InvalidRequestError {
  override name = "InvalidValueError";

  constructor(
    /** The model (class name). */
    readonly model: string,
    /** The attribute holding the value. */
    readonly attribute: string,
    /** The value given (null or undefined for a missing one). */
    readonly value: unknown,
    /** What the column accepts. */
    readonly expected: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A new object has the primary key of a row the session already holds (loaded or added before),
 * or of another new object of the flush (two association objects for one link): the database
 * would refuse the second row. Raised by the flush before any statement, naming the class and the
 * key; the flush is rolled back and the session stays usable. `session.merge(obj)` copies a
 * detached or new object's values onto the one the session holds; or expunge one of the two.
 *
 * ```ts
 * const held = await session.get(User, 1);
 * session.add(Object.assign(new User(), { id: 1, name: "copy" }));
 * await session.flush(); // DuplicateKeyError: use session.merge(obj) instead of add()
 * ```
 */
export class DuplicateKeyError extends InvalidRequestError {
  override name = "DuplicateKeyError";
}

/**
 * A new object would be left without a primary key: no value given for a key column, and none the
 * database generates and the flush reads back (SQLAlchemy's "NULL identity key"). Raised before
 * the INSERT where that can be known; else when the INSERT returned no key. Either way the flush
 * is rolled back and the objects keep their values: set the key and flush again.
 */
export class NullIdentityKeyError extends InvalidRequestError {
  override name = "NullIdentityKeyError";

  constructor(
    /** The model (class name). */
    readonly model: string,
    /** The key attributes without a value. */
    readonly attributes: readonly string[],
    /** Every primary-key column of the model's table, as `table.column`. */
    readonly keyColumns: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * A session bound to a read-only engine (`createEngine(replicaUrl, { readOnly: true })`) was
 * asked to write: a flush with changes, or an INSERT/UPDATE/DELETE through `session.execute`.
 * Refused before anything is sent; the session stays usable and its changes stay pending (make
 * them in a session on the primary's engine, or `expunge` them / `rollback()`).
 */
export class ReadOnlySessionError extends InvalidRequestError {
  override name = "ReadOnlySessionError";
}

/**
 * A session's `afterCommit` or `afterRollback` listener threw, once the transaction had ended:
 * `committed` says how it ended (`true`: the COMMIT succeeded and every change is in the
 * database; do not run the work again). `cause` is the listener's error; `failure`, the error
 * that made the session roll back, when it did so itself (a failed flush). The session is usable.
 * `sessionMaker().transaction` never retries it.
 */
export class AfterTransactionListenerError extends InvalidRequestError {
  override name = "AfterTransactionListenerError";

  constructor(
    message: string,
    /** The listener that threw. */
    readonly event: "afterCommit" | "afterRollback",
    /** Whether the transaction committed (else it was rolled back). */
    readonly committed: boolean,
    options: { readonly cause: unknown; readonly failure?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.failure = options.failure;
  }

  /** The error that made the session roll back, when it rolled back on its own. */
  readonly failure: unknown;
}
