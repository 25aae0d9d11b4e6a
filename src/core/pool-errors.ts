/**
 * The connection pool's errors and warnings: a checkout that waited too long, and connections
 * still checked out when the engine was disposed, each naming who holds them; a checkout refused
 * to work left behind by a retried attempt.
 */
import { AthanorError, InvalidRequestError } from "./errors.js";

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

/**
 * `engine.connect()` (and so `engine.transaction`, `engine.execute`, a session's first statement)
 * called by work that a failed attempt of `sessionMaker().transaction(fn)` left behind (started
 * without being awaited), after the decision to run `fn` again: refused, since the next attempt
 * does that work too, and it would be written twice.
 *
 * ```ts
 * await sessionMaker(engine).transaction(async (session) => {
 *   void (async () => {
 *     await new Promise((resolve) => setTimeout(resolve, 100));
 *     await engine.execute(insert(orders).values({ userId: 1, total: "9.50", placedAt: new Date() })); // AbandonedAttemptError if fn was run again meanwhile
 *   })();
 *   (await session.get(User, 1))!.name = "Ann"; // a deadlock here: fn runs again, and the order is written by that run only
 * });
 * ```
 */
export class AbandonedAttemptError extends InvalidRequestError {
  override name = "AbandonedAttemptError";
}
