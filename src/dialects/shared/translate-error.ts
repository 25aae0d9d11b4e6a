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
