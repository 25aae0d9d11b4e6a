/** The options of a connection's calls, and what the engine gives each connection. */
import { ArgumentError } from "../core/errors.js";
import type { StatementCache } from "../core/compiler/statement-cache.js";
import type { Connection } from "./connection.js";
import type { EngineDialect, IsolationLevel } from "./driver.js";
import type { SqlLogger } from "./logging.js";

export interface ConnectionContext {
  readonly dialect: EngineDialect;
  readonly cache: StatementCache;
  readonly log: SqlLogger;
  /** Called once when the connection goes back to the pool or is discarded. */
  readonly released?: (conn: Connection) => void;
  /** `EngineOptions.transactionPooler`: what needs one server session (the migration lock) refuses. */
  readonly transactionPooler?: boolean;
  /** `EngineOptions.statementTimeoutMs`: how long a statement waits for the database's answer. */
  readonly statementTimeoutMs?: number;
}

/** Options of `stream()`. */
export interface StreamOptions {
  /** Rows read from the database at a time (default 1,000): memory holds about one batch. */
  readonly yieldPer?: number;
}

/** Options of `connection.begin()` and `engine.transaction()`. */
export interface BeginOptions {
  readonly isolationLevel?: IsolationLevel;
}

const DEFAULT_YIELD_PER = 1000;

/** `StreamOptions.yieldPer`, checked. */
export function yieldPerOf(value: number | undefined): number {
  if (value === undefined) return DEFAULT_YIELD_PER;
  if (!Number.isSafeInteger(value) || value < 1) throw new ArgumentError(`yieldPer must be a positive integer (rows per batch); got ${String(value)}.`);
  return value;
}
