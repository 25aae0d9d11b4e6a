/**
 * `sessionMaker(engine, options)`: a factory of sessions with shared settings, and `transaction`,
 * which runs a unit of work and retries it when the database reports a serialization failure or
 * deadlock or a lock wait timeout (PostgreSQL 40001/40P01/55P03, MySQL 1213/1205/1020, SQLite busy), a row changed by another
 * transaction since it was read (`StaleDataError`) or a connection lost before COMMIT, with a
 * fresh session each time; never after a COMMIT whose outcome is unknown, nor once `fn` committed
 * part of its work itself (its session's commit, or any other made through athanor inside it).
 */
import { CommitOutcomeUnknownError, DBAPIError, TransactionRolledBackError } from "../../core/errors.js";
import type { Engine } from "../../engine/engine.js";
import { abandonRun, endWatchedRun, newWatchedRun, unsettledWork, watchCommits } from "../../engine/committed-work.js";
import { AfterTransactionListenerError, NotRetriedAfterCommitError, NotRetriedWorkInFlightError, StaleDataError } from "../errors.js";
import { hasCommitted } from "./committed.js";
import { Session, type SessionOptions } from "./session.js";
import { listenersOf } from "./session-events.js";

export interface RetryOptions {
  /** Attempts after the first (default 3). */
  readonly retries?: number;
  /** Base delay in ms, doubled each retry, with jitter (default 20). */
  readonly backoffMs?: number;
  /**
   * Before a retry, how long to wait for the connections `fn` checked out and has not given back
   * (work it started without awaiting it) to be given back, in ms (default 5000). Work still out
   * then may yet commit: `fn` is not run again (`NotRetriedWorkInFlightError`).
   */
  readonly settleTimeoutMs?: number;
}

/** Makes sessions with shared options: `const Session = sessionMaker(engine)`, then `Session()`. */
export interface SessionFactory {
  /** A new session with the factory's options. */
  (): Session;
  /**
   * Runs `fn` in a new session and commits; on a retryable error, rolls back and runs it again in
   * another new session, up to `retries` more times. Other errors roll back and propagate. A
   * session that `fn` committed itself is never run again.
   *
   * ```ts
   * const Sessions = sessionMaker(engine);
   * await Sessions.transaction(async (session) => {
   *   const user = (await session.get(User, 1))!;
   *   user.name = "Ann"; // flushed and committed when fn resolves; run again on a deadlock
   * }, { retries: 5, backoffMs: 50 });
   * ```
   */
  transaction<T>(fn: (session: Session) => Promise<T>, options?: RetryOptions & SessionOptions): Promise<T>;
}

/**
 * A factory of sessions on `engine` with `defaults`, and `transaction(fn)` that retries on retryable errors.
 *
 * ```ts
 * const Sessions = sessionMaker(engine, { expireOnCommit: false });
 * const session = Sessions(); // a Session with those options
 *
 * // A unit of work run again, in a fresh session, on a deadlock or serialization failure:
 * const post = await Sessions.transaction(async (s) => {
 *   const author = await s.get(User, 1);
 *   if (!author) throw new Error("no user 1");
 *   const p = create(Post, { title: "Hello", author });
 *   s.add(p);
 *   return p;
 * }, { retries: 5 });
 * ```
 */
export function sessionMaker(engine: Engine, defaults: SessionOptions = {}): SessionFactory {
  const factory = (() => new Session(engine, defaults)) as SessionFactory;
  factory.transaction = async <T>(fn: (session: Session) => Promise<T>, options: RetryOptions & SessionOptions = {}) => {
    const retries = options.retries ?? 3;
    const backoff = options.backoffMs ?? 20;
    const settleMs = options.settleTimeoutMs ?? 5000;
    for (let attempt = 0; ; attempt++) {
      // The factory's listeners and the call's both run (defaults first).
      const criteria = [...(defaults.criteria ?? []), ...(options.criteria ?? [])];
      const session = new Session(engine, { ...defaults, ...options, events: listenersOf(defaults.events, options.events), criteria });
      // Any commit made through athanor inside fn, on whatever connection, is noted in `watched`; inside
      // the commit too (a flush listener's write elsewhere), whose own COMMIT counts only once it succeeded.
      const watched = newWatchedRun();
      try {
        return await watchCommits(watched, async () => {
          const result = await fn(session);
          await session.commit();
          return result;
        });
      } catch (error) {
        const listenerFailed = await session.rollback().then(() => undefined, (failed: unknown) => failed);
        // Rolled back, then an afterRollback listener threw: said, not retried (its error was lost before).
        if (listenerFailed instanceof AfterTransactionListenerError && !(error instanceof AfterTransactionListenerError)) throw withFailure(listenerFailed, error);
        const retryable = isRetryable(error);
        if (retryable && hasCommitted(session)) throw committedBefore(error, "fn called session.commit()");
        // Work fn started and did not await may still commit: the decision waits for it (committed-work.ts).
        const unsettled = retryable && attempt < retries && watched.committed === undefined ? await unsettledWork(watched, settleMs) : [];
        if (retryable && watched.committed !== undefined) throw committedBefore(error, `fn committed work through athanor: ${watched.committed}`);
        if (unsettled.length) throw stillInFlight(error, unsettled, settleMs);
        if (!retryable || attempt >= retries) throw error;
        abandonRun(watched); // what it left behind and starts later is refused: the next attempt does it
        await new Promise((resolve) => setTimeout(resolve, backoff * 2 ** attempt * (0.5 + Math.random())));
      } finally {
        endWatchedRun(watched);
        await session.close();
      }
    }
  };
  return factory;
}

/**
 * Whether running the whole function again may succeed: a deadlock, a serialization failure, a
 * lost connection, directly or as the cause of a transaction the database rolled back. Never a
 * commit whose outcome is unknown: its rows may be in, and running it again could write them twice.
 * A stale row too (a version counter, or an UPDATE/DELETE matching no row): another transaction
 * changed what this one read, the optimistic form of a serialization failure. On a Galera cluster
 * it is how a write that lost to another node's often shows; `fn` runs again on fresh reads.
 */
function isRetryable(error: unknown): boolean {
  if (error instanceof CommitOutcomeUnknownError) return false;
  if (error instanceof StaleDataError) return true;
  if (error instanceof TransactionRolledBackError) return error.retryable;
  // A connection lost before COMMIT: the database rolled the transaction back.
  return error instanceof DBAPIError && (error.retryable || error.connectionInvalidated);
}

/**
 * `fn` committed part of its work before the error: its own `session.commit()`, or a commit made
 * elsewhere in its async context (another session, `engine.transaction`, a write in autocommit).
 * Running it again would write that part twice, so it is not retried. It used to be, and the
 * retried call resolved with the committed rows written twice.
 */
function committedBefore(error: unknown, committed: string): NotRetriedAfterCommitError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new NotRetriedAfterCommitError(
    `sessionMaker().transaction(fn) is not retried: ${committed} before failing (${reason}), and running it again would write what it committed twice. ` +
      `Leave the commit to transaction() (use session.flush() inside fn, and do other writes through fn's session, session.execute()), ` +
      `or move the work that commits on its own out of fn (before or after transaction()), or split the work into one transaction() call per commit.`,
    committed,
    { cause: error },
  );
}

/**
 * `fn` failed while work it started and did not await (`void engine.transaction(...)`) was still
 * out past `settleTimeoutMs`: it may commit yet, and running `fn` again would then write it twice.
 */
function stillInFlight(error: unknown, unsettled: readonly string[], ms: number): NotRetriedWorkInFlightError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new NotRetriedWorkInFlightError(
    `sessionMaker().transaction(fn) is not retried: fn failed (${reason}) while work it started was still out ${ms} ms later ` +
      `(settleTimeoutMs): ${unsettled.join("; ")}. It may still commit, and running fn again would then write it twice. ` +
      `Await the work fn starts (and close the connections and sessions it opens) before fn returns or throws.`,
    unsettled,
    { cause: error },
  );
}

/** The afterRollback listener's error, naming the error that made `transaction()` roll back. */
function withFailure(listenerError: AfterTransactionListenerError, failure: unknown): AfterTransactionListenerError {
  const what = failure instanceof Error ? `${failure.name}: ${failure.message.split("\n")[0]}` : String(failure);
  return new AfterTransactionListenerError(`${listenerError.message} It rolled back after ${what}.`, "afterRollback", false, { cause: listenerError.cause, failure });
}
