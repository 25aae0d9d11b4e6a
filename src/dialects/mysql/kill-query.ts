/**
 * MariaDB's (and MySQL's) counterpart of PostgreSQL's CancelRequest (cancel-request.ts), for a
 * statement the client gave up on (`statementTimeoutMs`): the client closes its socket, but the
 * server notices only when it next writes to it, and runs the statement on meanwhile (a write in
 * autocommit waiting for a lock applied once the lock was released, after the caller was told its
 * outcome was unknown and may have looked). `KILL QUERY <thread id>` on a connection of its own
 * stops it.
 *
 * A thread id names a thread of one server only: through a proxy or a cluster's balancer the side
 * connection may reach another server, where the id is another client's thread. So it is killed
 * only when that server's process list shows the thread as this client's: the same user,
 * connected from this client's own local port, running the statement given up on. A server that
 * sees a proxy's port instead is never sent the KILL (its statement runs on, as before). Through a
 * Unix socket there is no port: the thread must show the socket's host, `localhost`, without one.
 * The side connection is opened with the options of the pool's connections (config.ts), so that
 * it reaches the server the same way (socket, TLS). Best effort, not awaited, bounded by its own
 * deadline: a server that cannot be reached never gets it, and a statement already done is not undone.
 */
import mysql from "mysql2";

/** How long the side connection may take, connecting and asking, before it is dropped (a host that does not answer). */
const GIVE_UP_MS = 5_000;

/** How the side connection is opened (the pool's connections' options), and the user its process list must show. */
export interface KillTarget {
  readonly connection: mysql.ConnectionOptions;
  readonly user: string;
}

/** What identifies the statement given up on: its connection's thread id and local port, and its SQL. */
export interface Abandoned {
  readonly threadId: number;
  /** Undefined through a Unix socket. */
  readonly localPort: number | undefined;
  readonly sql: string;
}

/** Sends `KILL QUERY` for `abandoned` on a connection of its own, once the server shows the thread is this client's. */
export function killOnServer(target: KillTarget, abandoned: Abandoned): void {
  try {
    const side = mysql.createConnection({ ...target.connection, connectTimeout: GIVE_UP_MS });
    const giveUp = setTimeout(() => side.destroy(), GIVE_UP_MS);
    giveUp.unref();
    const done = () => {
      clearTimeout(giveUp);
      side.end(() => undefined);
    };
    side.on("error", () => undefined); // unreachable, or lost: best effort
    const { threadId, localPort, sql } = abandoned;
    const from = localPort === undefined ? "HOST = 'localhost'" : "SUBSTRING_INDEX(HOST, ':', -1) = ?";
    const mine = `SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ? AND USER = ? AND ${from} AND INFO = ?`;
    const values = localPort === undefined ? [threadId, target.user, sql] : [threadId, target.user, String(localPort), sql];
    side.query({ sql: mine, values }, (error, rows) => {
      if (error || !Array.isArray(rows) || rows.length === 0) return done();
      side.query(`KILL QUERY ${Number(threadId)}`, () => done());
    });
    (side as unknown as { stream?: { unref?(): void } }).stream?.unref?.(); // never what keeps the process alive
  } catch {
    // Best effort: the caller's connection is closed and its error reported all the same.
  }
}
