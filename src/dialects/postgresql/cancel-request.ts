/**
 * PostgreSQL's CancelRequest, for a statement the client gave up on (`statementTimeoutMs`): the
 * client closes its socket, but the server notices only when it next writes to it, and runs the
 * statement on meanwhile (a write in autocommit waiting for a lock would apply once the lock is
 * released, after the caller was told its outcome is unknown and may have looked). The request
 * goes on a connection of its own and names the backend by its process id and secret key, so it
 * cannot reach another client's backend, even through a proxy. Best effort, not awaited: a server
 * that cannot be reached (a partition) never gets it, and a statement already done is not undone.
 *
 * The client's socket must stay open until the request is out: a proxy such as PgBouncer forwards
 * a CancelRequest to the server connection of a client it still has, and a client that
 * disconnects first takes its cancel key with it (the statement then runs on, and a write in
 * autocommit applies). Hence the promise, which the driver waits for before closing the socket.
 */
import pg from "pg";

/** How long the request's own connection may take before it is dropped (a host that does not answer). */
const GIVE_UP_MS = 5_000;

interface BackendOf {
  readonly host?: string;
  readonly port?: number;
  readonly processID?: number | null;
  readonly secretKey?: number | null;
}

/**
 * Sends a CancelRequest for the statement `client`'s backend runs now, if any. Resolves once the
 * request's connection has closed (the server, or the proxy, read it and hung up) or failed, or
 * after `GIVE_UP_MS`; never rejects.
 */
export function cancelOnServer(client: pg.PoolClient): Promise<void> {
  const { host, port, processID, secretKey } = client as unknown as BackendOf;
  if (processID == null || secretKey == null || port === undefined) return Promise.resolve();
  return new Promise((done) => {
    try {
      const con = new pg.Connection() as pg.Connection & { connect(port: number | string, host?: string): void; cancel(pid: number, key: number): void };
      const stream = con.stream as unknown as { destroy(): void; unref?(): void; once(event: "close", listener: () => void): void };
      const giveUp = setTimeout(() => stream.destroy(), GIVE_UP_MS);
      giveUp.unref();
      con.on("error", () => undefined); // unreachable, or reset once the server read the request
      stream.once("close", () => {
        clearTimeout(giveUp);
        done();
      });
      // As pg's own Client#cancel: a Unix socket by its path, otherwise TCP.
      con.once("connect", () => con.cancel(processID, secretKey));
      if (host?.startsWith("/")) con.connect(`${host}/.s.PGSQL.${port}`);
      else con.connect(port, host);
      stream.unref?.(); // never what keeps the process alive
    } catch {
      // Best effort: the caller's connection is closed and its error reported all the same.
      done();
    }
  });
}
