/** Maps mysql2 errors, by MySQL/MariaDB error number, to the hierarchy. */
import {
  DataError,
  IntegrityError,
  LockNotAvailableError,
  OperationalError,
  ProgrammingError,
  type DBAPIError,
  type DBAPIErrorClass,
} from "../../core/errors.js";
import { connectionFailure, readOnly, wrapDriverError, explainTlsRefusal } from "../shared/translate-error.js";

const INTEGRITY = [1062, 1451, 1452, 1048, 1364, 1216, 1217, 1557, 1586, 3819, 4025];
const DATA = [1264, 1265, 1292, 1366, 1406, 1367, 1416, 3140];
const PROGRAMMING = [1064, 1146, 1054, 1049, 1050, 1051, 1060, 1061, 1091, 1110, 1149];
/**
 * Deadlock (Galera's certification conflicts included), lock wait timeout, a row changed since
 * the transaction's snapshot (`innodb_snapshot_isolation=ON`), and MySQL 8's NOWAIT on a locked
 * row (3572, ER_LOCK_NOWAIT; MariaDB's NOWAIT gives 1205): retrying the transaction may succeed,
 * as PostgreSQL's 55P03 is retried for both.
 */
const RETRYABLE = [1213, 1205, 1020, 3572];
const DEADLOCK = 1213;
/** ER_CHECKREAD: "Record has changed since last read"; InnoDB rolls the transaction back. */
const RECORD_CHANGED = 1020;
const LOCK_WAIT_TIMEOUT = 1205;
/** A lock not granted: a lock wait timeout (MariaDB's NOWAIT too), MySQL's NOWAIT (ER_LOCK_NOWAIT). */
const LOCK_NOT_AVAILABLE = [LOCK_WAIT_TIMEOUT, 3572];
/** A write in a READ ONLY transaction or session (1792), or on a server run with --read-only (1290). */
const READ_ONLY = [1792, 1290];
/** Server gone away, lost connection during query. */
const CONNECTION_LOST = [2006, 2013, 4031];

export interface MySqlServerSettings {
  /**
   * `innodb_rollback_on_timeout` (off by default): a lock wait timeout rolls back the whole
   * transaction rather than only the statement.
   */
  readonly rollbackOnTimeout: boolean;
}

/** ER_DUP_ENTRY: a duplicate of a primary or unique key. */
const DUP_ENTRY = 1062;

export function translateMySqlError(
  error: unknown,
  sql: string | undefined,
  params: readonly unknown[] | undefined,
  server: MySqlServerSettings = { rollbackOnTimeout: false },
): DBAPIError {
  const lost = connectionFailure(error, sql, params);
  if (lost) return lost;
  explainTlsRefusal(error);
  const errno = (error as { errno?: unknown })?.errno;
  const code = (error as { code?: unknown })?.code;
  const n = typeof errno === "number" ? errno : -1;
  const key = n === DUP_ENTRY && error instanceof Error ? /for key '([^']*)'$/.exec(error.message)?.[1] : undefined;
  let ErrorClass: DBAPIErrorClass = OperationalError;
  if (INTEGRITY.includes(n)) ErrorClass = IntegrityError;
  else if (DATA.includes(n)) ErrorClass = DataError;
  else if (PROGRAMMING.includes(n)) ErrorClass = ProgrammingError;
  else if (READ_ONLY.includes(n)) ErrorClass = readOnly(error);
  else if (LOCK_NOT_AVAILABLE.includes(n)) ErrorClass = LockNotAvailableError;
  return wrapDriverError(ErrorClass, error, {
    ...(sql === undefined ? {} : { sql }),
    ...(params === undefined ? {} : { params }),
    ...(typeof code === "string" ? { code } : {}),
    retryable: RETRYABLE.includes(n),
    connectionInvalidated: CONNECTION_LOST.includes(n),
    // InnoDB rolls back the victim's whole transaction, savepoints included (a deadlock, a
    // snapshot conflict); any other error (duplicate key, lock wait timeout by default...) only
    // the statement.
    ...(n === DEADLOCK || n === RECORD_CHANGED || (n === LOCK_WAIT_TIMEOUT && server.rollbackOnTimeout) ? { abortsTransaction: "all" as const } : {}),
    // ER_DUP_ENTRY: "Duplicate entry '1-10' for key 'PRIMARY'" (MySQL 8: 'table.PRIMARY'), the
    // primary key's name whatever the DDL called it.
    ...(n === DUP_ENTRY ? { duplicate: key !== undefined && /^(?:[^']*\.)?PRIMARY$/.test(key) ? ("primaryKey" as const) : ("unique" as const) } : {}),
    ...(key === undefined ? {} : { constraint: key }),
  });
}
