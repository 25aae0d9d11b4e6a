/**
 * `pool.prePing`: a connection that waited idle in the pool is asked `SELECT 1` before it is
 * handed out. The server may have ended it (a restart, a failover, `pg_terminate_backend`, `KILL`,
 * `wait_timeout`) or its host gone silent while the driver heard nothing; without the ping, the
 * caller's statement met the dead connection (a write in autocommit then reported an outcome
 * "unknown" though it never ran, or waited for ever). A dead one is discarded and another taken,
 * unseen by the caller; a new connection needs no ping, having just answered its handshake.
 */
import type { AcquireWait, Driver, DriverConnection } from "./driver.js";
import { answeredWithin } from "./answer-deadline.js";

const PING = "SELECT 1";
/** How long a ping waits for its answer when the engine sets no `statementTimeoutMs`. */
export const DEFAULT_PING_TIMEOUT_MS = 5_000;

/** A connection from `driver`, each reused one pinged first; `wait` bounds the whole checkout. */
export async function acquirePinged(driver: Driver, wait: AcquireWait, pingTimeoutMs: number): Promise<DriverConnection> {
  for (;;) {
    const conn = await driver.acquire(wait);
    if (conn.reused !== true) return conn;
    try {
      await answeredWithin(Promise.resolve(conn.execute(PING, [])), pingTimeoutMs, PING, conn);
      return conn;
    } catch {
      // Dead (or not answering): out of the pool; the next one is pinged in turn, a new one is not.
      conn.release(true);
    }
  }
}
