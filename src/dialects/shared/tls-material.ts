/**
 * The PEM a TLS connection uses, read when a pool opens: the files the URL names, or the text of
 * the `tls` option. Checked at once with Node's own parser, so that a file that is not PEM, or a
 * wrong passphrase, is a clear error naming the parameter, not a failure deep in a handshake.
 */
import { readFile } from "node:fs/promises";
import { createSecureContext } from "node:tls";
import { ArgumentError } from "../../core/errors.js";
import type { Pem, PemSource, TlsSettings } from "../../engine/tls.js";

/** TLS settings with their PEM read. @internal */
export interface TlsMaterial {
  readonly mode: TlsSettings["mode"];
  readonly ca?: string | Buffer | (string | Buffer)[];
  readonly cert?: string | Buffer;
  readonly key?: string | Buffer;
  readonly passphrase?: string;
}

/** Reads the files and checks the PEM. Throws `ArgumentError` naming the parameter (never the key's text). @internal */
export async function tlsMaterial(settings: TlsSettings): Promise<TlsMaterial> {
  const [ca, cert, key] = await Promise.all([read(settings.ca), read(settings.cert), read(settings.key)]);
  const material = {
    mode: settings.mode,
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert: cert as string | Buffer }),
    ...(key !== undefined && { key: key as string | Buffer }),
    ...(settings.passphrase !== undefined && { passphrase: settings.passphrase }),
  };
  try {
    createSecureContext(material);
  } catch (error) {
    const sources = [settings.ca, settings.cert, settings.key].filter((s) => s !== undefined).map((s) => s.from);
    const reason = (error as Error).message;
    const hint = /bad decrypt|bad password/i.test(reason)
      ? `: the key is encrypted and ${settings.passphrase === undefined ? "no tls.passphrase was given" : "tls.passphrase does not decrypt it"}`
      : /key values mismatch/i.test(reason)
        ? ": the key is not the client certificate's"
        : "";
    throw new ArgumentError(`TLS: ${sources.join(", ")} could not be used${hint} (${reason}).`, { cause: error });
  }
  return material;
}

/**
 * The part of Node's TLS options both drivers take alike: the PEM, and whether the chain is checked
 * (`rejectUnauthorized`): in every mode but `require`, and in `require` too once a CA is given, as
 * libpq does. The host name check is each driver's own. @internal
 */
export function nodeTlsOptions(tls: TlsMaterial): Omit<TlsMaterial, "mode"> & { readonly rejectUnauthorized: boolean } {
  return {
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.cert !== undefined && { cert: tls.cert }),
    ...(tls.key !== undefined && { key: tls.key }),
    ...(tls.passphrase !== undefined && { passphrase: tls.passphrase }),
    rejectUnauthorized: tls.mode !== "require" || tls.ca !== undefined,
  };
}

async function read(source: PemSource | undefined): Promise<string | Buffer | (string | Buffer)[] | undefined> {
  if (source === undefined) return undefined;
  // Bytes as a Buffer (the same memory), the type Node's TLS is documented to take.
  if ("pem" in source) return Array.isArray(source.pem) ? (source.pem as Pem[]).map(asBuffer) : asBuffer(source.pem as Pem);
  let text: string;
  try {
    text = await readFile(source.file, "utf8");
  } catch (error) {
    throw new ArgumentError(`${source.from}=${source.file} in the URL cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, { cause: error });
  }
  if (!text.includes("-----BEGIN ")) throw new ArgumentError(`${source.from}=${source.file} in the URL is not a PEM file (no '-----BEGIN' line).`);
  return text;
}

function asBuffer(pem: Pem): string | Buffer {
  return typeof pem === "string" || Buffer.isBuffer(pem) ? pem : Buffer.from(pem.buffer, pem.byteOffset, pem.byteLength);
}
