/** Maps better-sqlite3 errors (result codes such as `SQLITE_CONSTRAINT_UNIQUE`) to the hierarchy. */
import {
  DataError,
  IntegrityError,
  InterfaceError,
  OperationalError,
  ProgrammingError,
  type DBAPIError,
  type DBAPIErrorClass,
} from "../../core/errors.js";
import { readOnly, wrapDriverError } from "../shared/translate-error.js";
import { DB_MOVED } from "./file-in-place.js";

export function translateSqliteError(error: unknown, sql: string | undefined, params: readonly unknown[] | undefined): DBAPIError {
  const code = typeof (error as { code?: unknown })?.code === "string" ? ((error as { code: string }).code) : undefined;
  const message = error instanceof Error ? error.message : String(error);
  let ErrorClass: DBAPIErrorClass = OperationalError;
  let retryable = false;
  /** The database file moved: the open transaction can only be rolled back (`FileInPlace`). */
  let abortsTransaction: "all" | undefined;
  if (!code?.startsWith("SQLITE_")) ErrorClass = InterfaceError; // a binding error raised by the driver
  else if (code.startsWith("SQLITE_CONSTRAINT")) ErrorClass = IntegrityError;
  else if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) retryable = true;
  else if (code === "SQLITE_MISMATCH" || code === "SQLITE_TOOBIG" || code === "SQLITE_RANGE") ErrorClass = DataError;
  else if (code === DB_MOVED) abortsTransaction = "all";
  else if (code.startsWith("SQLITE_READONLY")) ErrorClass = readOnly(error);
  else if (/syntax error|no such (table|column|function)|has no column|incomplete input|unrecognized token/i.test(message)) {
    ErrorClass = ProgrammingError;
  }
  return wrapDriverError(ErrorClass, error, {
    ...(sql === undefined ? {} : { sql }),
    ...(params === undefined ? {} : { params }),
    ...(code ? { code } : {}),
    retryable,
    ...(abortsTransaction ? { abortsTransaction } : {}),
    ...(code === "SQLITE_CONSTRAINT_PRIMARYKEY" ? { duplicate: "primaryKey" as const } : code === "SQLITE_CONSTRAINT_UNIQUE" ? { duplicate: "unique" as const } : {}),
  });
}
