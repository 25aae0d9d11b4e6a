/**
 * The client's own limit on waiting for the database's answer (`EngineOptions.statementTimeoutMs`).
 * A server that stops answering without closing its sockets (power lost, a network partition, a
 * failover) would otherwise keep a statement waiting for the operating system's retransmission
 * timeout (many minutes) or for ever. Past the limit the socket is closed and the statement fails
 * as on a lost connection: the engine's callers then say what that means (a COMMIT, or a write in
 * autocommit, whose outcome is unknown; otherwise a lost connection, retryable).
 */
import { OperationalError } from "../core/errors.js";
import type { DriverConnection } from "./driver.js";
import { settleWithin } from "./deadline.js";


/**
 * `answer`, or, `ms` after the call, the lost-connection error for `sql`, `conn`'s socket closed
 * first. The driver's own settling after that is ignored. A driver without a socket to close
 * (SQLite: in-process, where only a busy database's retries wait) is left to answer, and so is
 * any driver when `ms` is undefined (no `statementTimeoutMs`).
 */
export function answeredWithin<T>(answer: Promise<T>, ms: number | undefined, sql: string, conn: DriverConnection | undefined): Promise<T> {
  if (ms === undefined || conn?.destroy === undefined) return answer;
  return settleWithin(answer, ms, () => {
    // The server would run the statement on (it notices the closed socket only when it answers).
    conn.cancelOnServer?.();
    conn.destroy!();
    return noAnswer(ms, sql);
  });
}

/** The error of a statement the database did not answer in time: a lost connection (its socket is closed). */
export function noAnswer(ms: number, sql: string): OperationalError {
  return new OperationalError(
    `The database did not answer within ${ms} ms (statementTimeoutMs): the connection was closed and is not reused. ` +
      "The server or the network may be down (a host gone silent, a failover).",
    { sql, connectionInvalidated: true },
    undefined,
  );
}
