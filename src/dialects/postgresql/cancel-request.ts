/**
 * PostgreSQL's CancelRequest, for a statement the client gave up on (`statementTimeoutMs`): the
 * client closes its socket, but the server notices only when it next writes to it, and runs the
 * statement on meanwhile (a write in autocommit waiting for a lock would apply once the lock is
 * released, after the caller was told its outcome is unknown and may have looked). The request
 * goes on a connection of its own and names the backend by its process id and secret key, so it
 * cannot reach another client's backend, even through a proxy. Best effort, not awaited: a server
 * that cannot be reached (a partition) never gets it, and a statement already done is not undone.
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

/** Sends a CancelRequest for the statement `client`'s backend runs now, if any. */
export function cancelOnServer(client: pg.PoolClient): void {
  const { host, port, processID, secretKey } = client as unknown as BackendOf;
  if (processID == null || secretKey == null || port === undefined) return;
  try {
    const con = new pg.Connection() as pg.Connection & { connect(port: number | string, host?: string): void; cancel(pid: number, key: number): void };
    const stream = con.stream as unknown as { destroy(): void; unref?(): void };
    const giveUp = setTimeout(() => stream.destroy(), GIVE_UP_MS);
    giveUp.unref();
    con.on("error", () => undefined); // unreachable, or reset once the server read the request
    con.on("end", () => clearTimeout(giveUp));
    // As pg's own Client#cancel: a Unix socket by its path, otherwise TCP.
    con.once("connect", () => con.cancel(processID, secretKey));
    if (host?.startsWith("/")) con.connect(`${host}/.s.PGSQL.${port}`);
    else con.connect(port, host);
    stream.unref?.(); // never what keeps the process alive
  } catch {
    // Best effort: the caller's connection is closed and its error reported all the same.
  }
}
