/**
 * TLS for node-postgres. athanor reads the URL's TLS parameters itself, with libpq's meanings
 * (engine/tls.ts), and gives pg its `ssl` object: pg would otherwise read them again from the
 * connection string its own way (where `sslmode=require` checks the host name, unlike libpq) and
 * its reading would replace athanor's.
 */
import type { ConnectionOptions } from "node:tls";
import { TLS_URL_PARAMETERS } from "../../engine/tls.js";
import type { TlsMaterial } from "../shared/tls-material.js";

/** The connection string without the TLS parameters, left as it was otherwise (pg parses the rest). @internal */
export function withoutTlsParameters(url: string): string {
  const at = url.indexOf("?");
  if (at < 0) return url;
  const kept = url
    .slice(at + 1)
    .split("&")
    .filter((pair) => !(TLS_URL_PARAMETERS as readonly string[]).includes(decodeURIComponent(pair.split("=")[0]!.replace(/\+/g, " "))));
  return kept.length ? `${url.slice(0, at)}?${kept.join("&")}` : url.slice(0, at);
}

/**
 * pg's `ssl`: false for `disable`; otherwise Node's TLS options, where `rejectUnauthorized`
 * checks the chain and `checkServerIdentity` the host name (pg gives Node the host it connects to).
 * @internal
 */
export function pgSsl(tls: TlsMaterial | "disable"): false | ConnectionOptions {
  if (tls === "disable") return false;
  const chain = tls.mode !== "require" || tls.ca !== undefined;
  return {
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.cert !== undefined && { cert: tls.cert }),
    ...(tls.key !== undefined && { key: tls.key }),
    ...(tls.passphrase !== undefined && { passphrase: tls.passphrase }),
    rejectUnauthorized: chain,
    ...(tls.mode !== "verify-full" && { checkServerIdentity: () => undefined }),
  };
}
