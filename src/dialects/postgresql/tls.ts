/**
 * TLS for node-postgres. athanor reads the URL's TLS parameters itself, with libpq's meanings
 * (engine/tls.ts), and gives pg its `ssl` object: pg would otherwise read them again from the
 * connection string its own way (where `sslmode=require` checks the host name, unlike libpq) and
 * its reading would replace athanor's.
 */
import type { ConnectionOptions } from "node:tls";
import { TLS_URL_PARAMETERS } from "../../engine/tls.js";
import { nodeTlsOptions, type TlsMaterial } from "../shared/tls-material.js";

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
 * pg's `ssl`: false for `disable`; otherwise `nodeTlsOptions`, and Node's own host name check
 * (pg gives Node the host it connects to) turned off below `verify-full`.
 * @internal
 */
export function pgSsl(tls: TlsMaterial | "disable"): false | ConnectionOptions {
  if (tls === "disable") return false;
  return { ...nodeTlsOptions(tls), ...(tls.mode !== "verify-full" && { checkServerIdentity: () => undefined }) };
}
