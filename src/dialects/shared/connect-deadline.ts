/**
 * `pool.connectTimeoutMs`: the limit on opening a connection (the driver's handshake) and then on
 * its setup statements (the session settings, `connectStatements`, and after a pool reset the
 * reset itself). A server that accepts TCP but never answers (a host gone silent behind a load
 * balancer, a server stuck starting up) kept `connect()` waiting for ever in the setup, and a
 * reset kept the connection's place in the pool for ever. Past the limit the socket is destroyed
 * (never pooled) and the caller gets `ConnectTimeoutError`.
 */
import { ConnectTimeoutError } from "../../core/errors.js";
import type { PoolOptions } from "../../engine/driver.js";
import { settleWithin } from "../../engine/deadline.js";

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** The engine's `pool.connectTimeoutMs` (checked by the engine), or its default; Infinity: no limit. */
export function connectTimeoutOf(options: PoolOptions): number {
  return options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
}

/** `setup`, or `ms` after the call `ConnectTimeoutError`, `destroy` (the socket's) called first. */
export function setUpWithin<T>(setup: Promise<T>, ms: number, destroy: () => void): Promise<T> {
  return settleWithin(setup, ms, () => {
    destroy();
    return connectTimedOut(ms, "its setup statements were not answered");
  });
}

/** The error of a connection not ready in time: `what` says which step did not answer. */
export function connectTimedOut(ms: number, what: string, cause?: unknown): ConnectTimeoutError {
  return new ConnectTimeoutError(
    `A new connection was not ready within ${ms} ms (pool.connectTimeoutMs): ${what}. The connection was closed; ` +
      "the server accepts connections but does not answer them (a host gone silent, a server still starting up, an overloaded proxy). " +
      "The next connect() opens another; raise pool.connectTimeoutMs if the server is only slow.",
    { connectionInvalidated: true, retryable: true },
    cause,
  );
}
