/** Builds the wrapped error from a driver error and the class a dialect chose for it. */
import { DBAPIError, OperationalError, ReadOnlyDatabaseError, type DBAPIErrorClass, type DBAPIErrorDetails } from "../../core/errors.js";

export function wrapDriverError(
  ErrorClass: DBAPIErrorClass,
  error: unknown,
  details: DBAPIErrorDetails,
): DBAPIError {
  if (error instanceof DBAPIError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ErrorClass(message, details, error);
}

/** Socket-level failures (no database error code): the connection is gone. */
export function connectionFailure(error: unknown, sql: string | undefined, params: readonly unknown[] | undefined): DBAPIError | undefined {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message : "";
  const socketCodes = ["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "PROTOCOL_CONNECTION_LOST"];
  if ((typeof code === "string" && socketCodes.includes(code)) || /Connection terminated|connection is closed|not queryable|Can't add new command when connection is in closed state/i.test(message)) {
    return wrapDriverError(OperationalError, error, {
      ...(sql === undefined ? {} : { sql }),
      ...(params === undefined ? {} : { params }),
      code: typeof code === "string" ? code : undefined,
      connectionInvalidated: true,
    });
  }
  return undefined;
}

/** A write the database refused as read-only: the class, with the fix added to the driver's message. */
export function readOnly(error: unknown): DBAPIErrorClass {
  if (error instanceof Error) {
    error.message +=
      ". Nothing was written: this engine's connections are read-only (a replica, or createEngine(url, { readOnly: true })). " +
      "Send writes through an engine on the primary.";
  }
  return ReadOnlyDatabaseError;
}

/**
 * A TLS handshake that refused the server's certificate (Node's message, which mysql2 keeps
 * under its own code): what it means for the URL's `sslrootcert` and `sslmode` (or the `tls`
 * option) is added to the message. Never retryable: the next attempt meets the same certificate.
 * @internal
 */
export function explainTlsRefusal(error: unknown): void {
  if (!(error instanceof Error) || error.message.includes("(TLS:")) return;
  const reason = TLS_REFUSALS.find(([pattern]) => pattern.test(error.message))?.[1];
  if (reason) error.message += ` (TLS: ${reason})`;
}

const TLS_REFUSALS: readonly (readonly [RegExp, string])[] = [
  [
    /self[- ]signed certificate|unable to verify the first certificate|unable to get (local )?issuer certificate|certificate signature failure/i,
    "the server's certificate is not signed by the CA given (sslrootcert or tls.ca) or, with none given, by a public CA: give the CA that signed it",
  ],
  [
    /does not match certificate's altnames/i,
    "sslmode=verify-full checks that the server's certificate names the host connected to, and it does not. " +
      "Connect by a name it carries, or use sslmode=verify-ca (the chain only)",
  ],
  [/certificate has expired|certificate is not yet valid/i, "the server's certificate is outside its validity period"],
];
