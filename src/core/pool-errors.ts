/**
 * The errors of the engine's connection pool: no connection free in time, connections not
 * returned before `dispose()`; each names who holds the connections.
 */
import { AthanorError } from "./errors.js";

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
