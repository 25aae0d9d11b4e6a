/**
 * The lock-timeout preamble the runner sends before each migration: a DDL statement that waits for
 * a lock (behind a long transaction) makes every later query on the table queue behind it, so it
 * should rather fail fast and be retried. Configured as `"lockTimeout": "5s"` in athanor.config.json
 * (or a number of milliseconds); `parseLockTimeout` reads that value.
 *
 * - PostgreSQL: `SET lock_timeout` (milliseconds; https://www.postgresql.org/docs/current/runtime-config-client.html),
 *   session-wide so it also covers the steps run after the transaction (CREATE INDEX CONCURRENTLY, VALIDATE).
 * - MariaDB: `SET SESSION lock_wait_timeout` (seconds, the metadata-lock wait of every DDL;
 *   https://mariadb.com/kb/en/server-system-variables/#lock_wait_timeout), rounded up.
 * - SQLite: nothing (one writer at a time; the driver's busy timeout applies).
 */
import { dialectNameOf, type DialectRef } from "../dialect-ref.js";

/** The lock-timeout setting: how long one DDL statement may wait for its lock. */
export interface LockTimeoutOptions {
  /** Milliseconds; 0 or undefined for no preamble. */
  readonly lockTimeoutMs?: number | undefined;
}

/** The statements to run on the migration's connection before its first statement. */
export function lockTimeoutPreamble(dialect: DialectRef, options: LockTimeoutOptions): string[] {
  const ms = options.lockTimeoutMs;
  if (ms === undefined || ms === 0) return [];
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`lockTimeoutMs must be a positive number of milliseconds, got ${ms}`);
  switch (dialectNameOf(dialect)) {
    case "postgresql":
      return [`SET lock_timeout = '${Math.ceil(ms)}ms'`];
    case "mysql":
      return [`SET SESSION lock_wait_timeout = ${Math.max(1, Math.ceil(ms / 1000))}`];
    case "sqlite":
      return [];
  }
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/** Reads the `lockTimeout` config value: `"5s"`, `"500ms"`, `"1m"`, or a number of milliseconds. */
export function parseLockTimeout(value: string | number): number {
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  const match = typeof value === "string" ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value) : null;
  if (!match) throw new RangeError(`lockTimeout: expected a duration like "5s", "500ms" or "1m", or milliseconds, got ${JSON.stringify(value)}`);
  return Number(match[1]) * UNITS[match[2] ?? "ms"]!;
}
