/** TLS for mysql2: libpq's modes (engine/tls.ts) in mysql2's terms. */
import { connect, isIP, type Socket } from "node:net";
import type mysql from "mysql2/promise";
import { nodeTlsOptions, type TlsMaterial } from "../shared/tls-material.js";

/**
 * mysql2's `ssl` (and, to an IP address over TCP in `verify-full`, the socket): `nodeTlsOptions`,
 * and `verifyIdentity` to check the host name.
 * @internal
 */
export function mysqlTls(tls: TlsMaterial, tcp: { readonly host: string; readonly port: number; readonly keepAliveDelayMs: number } | undefined): Pick<mysql.PoolOptions, "ssl" | "stream"> {
  // Given to Node's createSecureContext, which takes strings and Buffers mixed in `ca`; mysql2's type does not say so.
  const ssl = { ...nodeTlsOptions(tls), verifyIdentity: tls.mode === "verify-full" } as mysql.SslOptions;
  // Through a Unix socket (`?socketPath=`) there is no address to check.
  if (tls.mode !== "verify-full" || tcp === undefined || isIP(tcp.host) === 0) return { ssl };
  return { ssl, stream: () => socketNamedBy(tcp.host, tcp.port, tcp.keepAliveDelayMs) };
}

/**
 * A socket to an IP address, as mysql2 opens its own, that Node's TLS checks the certificate's
 * names against. mysql2 gives Node no server name for an address, and Node then checks the
 * certificate against the name the socket was opened with, which a socket opened to an address
 * has none of: it checked "localhost", and a certificate for localhost passed for every address.
 */
function socketNamedBy(host: string, port: number, keepAliveDelayMs: number): Socket {
  const socket = connect(port, host);
  (socket as Socket & { _host: string | null })._host = host;
  socket.setNoDelay(true);
  socket.on("connect", () => socket.setKeepAlive(true, keepAliveDelayMs));
  return socket;
}
