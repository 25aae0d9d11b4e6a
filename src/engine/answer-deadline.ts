/**
 * The client's own limit on waiting for the database's answer (`EngineOptions.statementTimeoutMs`).
 * A server that stops answering without closing its sockets (power lost, a network partition, a
 * failover) would otherwise keep a statement waiting for the operating system's retransmission
 * timeout (many minutes) or for ever. Past the limit the socket is closed and the statement fails
 * as on a lost connection: the engine's callers then say what that means (a COMMIT, or a write in
 * autocommit, whose outcome is unknown; otherwise a lost connection, retryable).
 */
import { OperationalError } from "../core/errors.js";

/** Longer limits than setTimeout can time (about 24.8 days) are taken as "no limit". */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * `answer`, or, `ms` after the call, the lost-connection error for `sql` with `giveUp()` run
 * first (it closes the socket). The driver's own settling after that is ignored.
 */
export function answeredWithin<T>(answer: Promise<T>, ms: number, sql: string, giveUp: () => void): Promise<T> {
  if (ms > MAX_TIMER_MS) return answer;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      answer.catch(() => undefined); // the socket's close fails it: heard here, nobody waits for it
      giveUp();
      reject(noAnswer(ms, sql));
    }, ms);
    answer.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
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
