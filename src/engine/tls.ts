/**
 * TLS to a PostgreSQL or MySQL/MariaDB server: the URL's parameters (libpq's names and meanings,
 * for both) and the engine's `tls` option, checked and merged into what a driver connects with.
 * Files named in the URL are read when a pool opens (dialects/shared/tls-material.ts), so that a
 * certificate renewed on disk is read again after `dispose()`.
 */
import { ArgumentError, DatabaseUrlError } from "../core/errors.js";

/**
 * How a connection uses TLS, as libpq's `sslmode` says it:
 * - `disable`: no TLS;
 * - `require`: encrypted; the server's certificate is not checked (with a CA given, its chain is, as `verify-ca`);
 * - `verify-ca`: encrypted, and the certificate's chain must lead to the CA given;
 * - `verify-full`: encrypted, the chain checked and the certificate must name the host connected to.
 */
export type TlsMode = "disable" | "require" | "verify-ca" | "verify-full";

/** PEM text: a string, or bytes (a Buffer) holding `-----BEGIN ...-----`. @internal */
export type Pem = string | Uint8Array;

/**
 * The engine's `tls` option: certificates held in memory, and the mode. Each field given wins
 * over the URL's (docs/tls.md).
 *
 * ```ts
 * const engine = createEngine("postgresql://app@db.internal:5432/app", {
 *   tls: { ca: process.env.DB_CA_PEM!, cert: process.env.DB_CLIENT_CERT!, key: process.env.DB_CLIENT_KEY! }, // verify-full
 * });
 * ```
 */
export interface TlsOptions {
  /** Default: the URL's `sslmode`, or `verify-full`. */
  readonly mode?: TlsMode;
  /** The CA certificate(s) the server's must lead to (default: Node's bundled public CAs). */
  readonly ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** A client certificate, for a server that asks for one (`REQUIRE X509`, pg_hba `cert`); with `key`. */
  readonly cert?: string | Uint8Array;
  /** The client certificate's private key. */
  readonly key?: string | Uint8Array;
  /** The passphrase of an encrypted `key`. */
  readonly passphrase?: string;
}

/** Where a piece of PEM comes from: a file the URL names, or the option's own text. @internal */
export type PemSource = { readonly file: string; readonly from: string } | { readonly pem: Pem | readonly Pem[]; readonly from: string };

/** What a driver connects with, once URL and option are merged. @internal */
export interface TlsSettings {
  readonly mode: Exclude<TlsMode, "disable">;
  readonly ca?: PemSource;
  readonly cert?: PemSource;
  readonly key?: PemSource;
  readonly passphrase?: string;
}

/** The URL parameters read here: removed from what reaches the driver, which would read them its own way. @internal */
export const TLS_URL_PARAMETERS = ["ssl", "sslmode", "sslrootcert", "sslcert", "sslkey", "uselibpqcompat"] as const;

const MODES: readonly TlsMode[] = ["disable", "require", "verify-ca", "verify-full"];
const OPTION_KEYS = ["mode", "ca", "cert", "key", "passphrase"];
const ACCEPTED = `sslmode=${MODES.join("|")}, ssl=true|false, sslrootcert=PATH, sslcert=PATH and sslkey=PATH`;

/** Other drivers' spellings, and what athanor's is. */
const SPELLINGS: Readonly<Record<string, string>> = {
  sslca: "sslrootcert=PATH",
  sslaccept: "sslmode=require (accept_invalid_certs) or sslmode=verify-full (strict)",
  sslidentity: "sslcert=PATH and sslkey=PATH (PEM files)",
  sslpassword: "the tls.passphrase option (a passphrase does not belong in a URL)",
};

/**
 * The TLS a network engine connects with: `"disable"`, settings, or undefined when neither the
 * URL nor the option asks for anything (the driver's own default: none for mysql2; pg reads
 * PGSSLMODE). Throws `DatabaseUrlError` for a bad URL parameter, `ArgumentError` for a bad option.
 * @internal
 */
export function tlsSettingsOf(dialect: string, url: string, option: boolean | TlsOptions | undefined): TlsSettings | "disable" | undefined {
  if (dialect === "sqlite") {
    if (option !== undefined) throw new ArgumentError("tls is an option of PostgreSQL and MySQL/MariaDB engines; SQLite is a file, reached without a network. Leave it out.");
    return undefined;
  }
  const fromUrl = urlTls(url);
  if (option === false) return "disable";
  const given = option === true || option === undefined ? {} : checkOption(option);
  // The option asks for TLS, true or an object: the URL's `disable` gives way.
  const urlMode = option !== undefined && fromUrl.mode === "disable" ? undefined : fromUrl.mode;
  const mode = given.mode ?? urlMode ?? (option === undefined && !fromUrl.asked ? undefined : "verify-full");
  if (mode === undefined) return undefined;
  if (mode === "disable") return "disable";
  const pem = (name: "ca" | "cert" | "key") => (given[name] === undefined ? undefined : { pem: given[name], from: `tls.${name}` });
  const ca = pem("ca") ?? fromUrl.ca;
  const cert = pem("cert") ?? fromUrl.cert;
  const key = pem("key") ?? fromUrl.key;
  if (mode === "verify-ca" && ca === undefined) {
    throw new ArgumentError(
      "TLS mode verify-ca needs the CA to check the chain against (sslrootcert=PATH or tls.ca): against the public CAs, any certificate they signed, " +
        "for any host, would pass. Give the CA, or use verify-full.",
    );
  }
  if (fromUrl.systemCa && mode !== "verify-full") {
    throw new DatabaseUrlError(`sslrootcert=system (the public CAs) needs sslmode=verify-full, as in libpq: a public CA signs certificates for anyone's hosts; got ${mode}.`);
  }
  if ((cert === undefined) !== (key === undefined)) {
    const [has, lacks] = cert === undefined ? [key!.from, "a client certificate (sslcert or tls.cert)"] : [cert.from, "its private key (sslkey or tls.key)"];
    throw new ArgumentError(`${has} is given without ${lacks}: a client certificate needs both.`);
  }
  return { mode, ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }), ...(given.passphrase !== undefined && { passphrase: given.passphrase }) };
}

interface UrlTls {
  /** Some parameter asked for TLS (a file, ssl=true): TLS is on, `verify-full` unless sslmode says otherwise. */
  readonly asked: boolean;
  readonly mode?: TlsMode;
  readonly ca?: PemSource;
  readonly cert?: PemSource;
  readonly key?: PemSource;
  readonly systemCa?: boolean;
}

function urlTls(url: string): UrlTls {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    return { asked: false }; // createEngine refuses a URL that does not parse
  }
  for (const name of params.keys()) checkName(name);
  const one = (name: string) => {
    const values = params.getAll(name);
    if (values.length > 1) throw new DatabaseUrlError(`The URL gives ${name} ${values.length} times; give it once.`);
    return values[0];
  };
  const ssl = one("ssl");
  const sslmode = one("sslmode");
  const compat = one("uselibpqcompat");
  if (compat !== undefined && compat !== "true") {
    throw new DatabaseUrlError(`uselibpqcompat=${compat}: athanor always reads sslmode as libpq does (require encrypts, verify-full also checks the certificate). Remove the parameter.`);
  }
  let sslOn: boolean | undefined;
  if (ssl !== undefined) {
    if (["true", "1"].includes(ssl)) sslOn = true;
    else if (["false", "0"].includes(ssl)) sslOn = false;
    else throw new DatabaseUrlError(`ssl=${ssl} in the URL: expected ssl=true or ssl=false (or sslmode=${MODES.join("|")}).`);
  }
  const mode = sslmode === undefined ? undefined : modeOf(sslmode);
  if (sslOn !== undefined && mode !== undefined && sslOn !== (mode !== "disable")) {
    throw new DatabaseUrlError(`The URL says ssl=${ssl} and sslmode=${sslmode}, which disagree: give one of them.`);
  }
  const file = (name: string): PemSource | undefined => {
    const value = one(name);
    if (value === "") throw new DatabaseUrlError(`${name} is empty in the URL: give the path of a PEM file.`);
    return value === undefined ? undefined : { file: value, from: name };
  };
  const rootcert = one("sslrootcert");
  const systemCa = rootcert === "system";
  const ca = systemCa ? undefined : file("sslrootcert");
  const cert = file("sslcert");
  const key = file("sslkey");
  const resolved = mode ?? (sslOn === undefined ? undefined : sslOn ? "verify-full" : "disable");
  return {
    asked: sslOn === true || rootcert !== undefined || cert !== undefined || key !== undefined,
    ...(resolved && { mode: resolved }),
    ...(ca && { ca }),
    ...(cert && { cert }),
    ...(key && { key }),
    ...(systemCa && { systemCa }),
  };
}

function modeOf(value: string): TlsMode {
  if ((MODES as readonly string[]).includes(value)) return value as TlsMode;
  const why =
    value === "prefer" || value === "allow"
      ? " (a connection that falls back to plain text when TLS fails protects nothing: say require, or disable)"
      : value === "no-verify"
        ? " (node-postgres' spelling: libpq's is require)"
        : "";
  throw new DatabaseUrlError(`sslmode=${value} in the URL${why}: expected sslmode=${MODES.join(", ")}.`);
}

/** A TLS parameter athanor does not read is refused, not ignored: ignored, `ssl-mode=REQUIRED` would connect in plain text. */
function checkName(name: string): void {
  const plain = name.toLowerCase().replace(/[-_]/g, "");
  if (!plain.startsWith("ssl") && !plain.startsWith("tls")) return;
  if ((TLS_URL_PARAMETERS as readonly string[]).includes(name)) return;
  const known = TLS_URL_PARAMETERS.find((p) => p === plain);
  const hint = known ? `${known} (athanor's spelling)` : (SPELLINGS[plain] ?? undefined);
  throw new DatabaseUrlError(`The URL's parameter '${name}' is not one athanor reads${hint ? `: use ${hint}` : ""}. TLS parameters: ${ACCEPTED}.`);
}

function checkOption(option: unknown): TlsOptions {
  if (typeof option !== "object" || option === null || Array.isArray(option)) {
    throw new ArgumentError(`tls must be true, false or an object { mode, ca, cert, key, passphrase }; got ${describe(option)}.`);
  }
  for (const key of Object.keys(option)) {
    if (OPTION_KEYS.includes(key)) continue;
    const hint = key === "rejectUnauthorized" ? " (mode: 'require' does not check the certificate; 'verify-full', the default, does)" : "";
    throw new ArgumentError(`tls.${key} is not an option${hint}: tls takes ${OPTION_KEYS.join(", ")}.`);
  }
  const { mode, ca, cert, key, passphrase } = option as Record<string, unknown>;
  if (mode !== undefined && !(MODES as readonly unknown[]).includes(mode)) {
    throw new ArgumentError(`tls.mode must be one of ${MODES.map((m) => `'${m}'`).join(", ")}; got ${typeof mode === "string" ? `'${mode}'` : describe(mode)}.`);
  }
  for (const [name, value] of [["ca", ca], ["cert", cert], ["key", key]] as const) {
    if (value === undefined) continue;
    const pems = name === "ca" && Array.isArray(value) ? value : [value];
    if (pems.length === 0 || !pems.every(isPem)) {
      throw new ArgumentError(
        `tls.${name} must be PEM text (a string or Buffer holding '-----BEGIN ...'${name === "ca" ? ", or an array of them" : ""}), not a file path; got ${describe(value)}. ` +
          `Read the file yourself (readFileSync), or name it in the URL (${name === "ca" ? "sslrootcert" : `ssl${name}`}=PATH).`,
      );
    }
  }
  if (passphrase !== undefined && typeof passphrase !== "string") throw new ArgumentError(`tls.passphrase must be a string; got ${describe(passphrase)}.`);
  return option as TlsOptions;
}

function isPem(value: unknown): boolean {
  if (typeof value === "string") return value.includes("-----BEGIN ");
  return value instanceof Uint8Array && Buffer.from(value.buffer, value.byteOffset, value.byteLength).includes("-----BEGIN ");
}

/** What a value is, never what it holds: it may be a key. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value instanceof Uint8Array) return "bytes without PEM";
  if (typeof value === "string") return value.includes("-----BEGIN ") ? "PEM text" : "a string without PEM";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
