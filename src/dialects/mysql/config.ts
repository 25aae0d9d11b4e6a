/** What mysql2's pool is opened with, and the session setup each connection runs. */
import type mysql from "mysql2/promise";
import type { PoolOptions } from "../../engine/driver.js";
import { keepAliveDelayOf, openTimeout } from "../shared/pool.js";
import type { TlsMaterial } from "../shared/tls-material.js";
import { mysqlTls } from "./tls.js";

/**
 * Run on each new connection, in one statement. The session time zone is UTC, so that NOW() and
 * CURRENT_TIMESTAMP agree with what we store. A server whose SQL mode is not strict (no
 * STRICT_TRANS_TABLES or STRICT_ALL_TABLES; MariaDB's default has it) truncates a string too long
 * for its column, or clamps a number out of range, with only a warning: the write would succeed
 * with another value than the one given. Strict mode is added to the session's mode then, so that
 * such a write fails; a mode that has it is left as it is. NO_AUTO_VALUE_ON_ZERO is added too:
 * without it, a 0 given for an AUTO_INCREMENT key is replaced by the next number (an object added
 * with key 0 was stored as row 1, its later UPDATE found no row). A `readOnly` engine's sessions
 * refuse writes themselves (`tx_read_only`), SQL text included.
 *
 * After COM_RESET_CONNECTION, which puts the session's SQL mode back to the server's, the
 * IGNORE_SPACE that mysql2's handshake asks for (a client flag) is put back too.
 */
export function sessionSetup(readOnly: boolean): { readonly onConnect: string; readonly afterReset: string } {
  // One expression: the assignments of one SET all read the mode as it was before the statement.
  const mode = (ignoreSpace: boolean) =>
    `SESSION sql_mode = CONCAT_WS(',', ${ignoreSpace ? "'IGNORE_SPACE', " : ""}NULLIF(@@SESSION.sql_mode, ''), ` +
    "IF(@@SESSION.sql_mode REGEXP 'STRICT_(TRANS|ALL)_TABLES', NULL, 'STRICT_TRANS_TABLES'), " +
    "IF(FIND_IN_SET('NO_AUTO_VALUE_ON_ZERO', @@SESSION.sql_mode), NULL, 'NO_AUTO_VALUE_ON_ZERO'))";
  const rest = readOnly ? ", SESSION tx_read_only = 1" : "";
  return { onConnect: `SET time_zone = '+00:00', ${mode(false)}${rest}`, afterReset: `SET time_zone = '+00:00', ${mode(true)}${rest}` };
}

/** @internal The statement `afterReset` ends with when the URL names no database: what `keepsNoDatabase` reads. */
const CURRENT_DATABASE = "SELECT DATABASE() AS d";

/**
 * @internal What runs after COM_RESET_CONNECTION, which keeps the current database: a `USE other`
 * went on to the next user, whose unqualified tables were then the other database's. The URL's
 * database is selected again; with none in the URL no statement can unselect one, so the current
 * one is read, and a connection that has one is discarded (`keepsNoDatabase`).
 */
export function afterResetStatements(database: string | undefined, settings: string): readonly string[] {
  return database ? [`USE \`${database.replace(/`/g, "``")}\``, settings] : [settings, CURRENT_DATABASE];
}

/** @internal Whether the answer to the last of `afterResetStatements` lets the connection go back to the pool. */
export function keepsNoDatabase(sql: string, rows: unknown): boolean {
  return sql !== CURRENT_DATABASE || (rows as { d: unknown }[])[0]?.d === null;
}

/** Prepared statements kept per connection unless the engine options or the URL say otherwise. */
const DEFAULT_MAX_PREPARED = 256;

/**
 * The pool's options, from the URL and the engine's: where to connect (host and port, or
 * `?socketPath=/run/mysqld/mysqld.sock`, a Unix socket, as mysql2's own URLs say it), as whom, and
 * how (`tls`: the URL's TLS parameters and the engine's option, read; undefined: no TLS).
 */
export function mysqlConfig(url: string, options: PoolOptions, tls?: TlsMaterial): mysql.PoolOptions {
  const parsed = new URL(url.replace(/^(mysql|mariadb)(\+\w+)?:/, "mysql:"));
  const host = parsed.hostname || "127.0.0.1";
  const port = parsed.port ? Number(parsed.port) : 3306;
  const socketPath = parsed.searchParams.get("socketPath") || undefined;
  return {
    ...(tls && mysqlTls(tls, socketPath === undefined ? { host, port, keepAliveDelayMs: keepAliveDelayOf(options) } : undefined)),
    host,
    port,
    socketPath,
    user: decodeURIComponent(parsed.username || "root"),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || undefined,
    connectionLimit: options.max ?? 10,
    // pool.connectTimeoutMs, and a connection the server never answers gives its place back a
    // second after the callers gave up (mysql2's own default, 10 s, outlasted a shorter
    // pool.acquireTimeoutMs; 0: no limit).
    connectTimeout: openTimeout(options),
    // mysql2 keeps them in an LRU per connection and closes (COM_STMT_CLOSE) the ones it evicts;
    // its default, 16,000 a connection, would let a few connections reach the server's limit.
    maxPreparedStatements: options.maxPreparedStatements ?? (Number(parsed.searchParams.get("maxPreparedStatements")) || DEFAULT_MAX_PREPARED),
    timezone: "Z",
    // DATE stays 'YYYY-MM-DD'; DATETIME is read as text and converted by its column type, because
    // mysql2 builds the Date of a prepared statement's row with Date.UTC, which maps years 0-99 to 1900-1999.
    // So is TIMESTAMP (an existing schema's `updated_at`): mysql2's Date dropped its microseconds unseen.
    dateStrings: ["DATE", "DATETIME", "TIMESTAMP"],
    // JSON as its text, parsed once by the column type: mysql2 parses the JSON columns MariaDB
    // marks (extended metadata) but not others (expressions), and a JSON string value parsed by
    // mysql2 cannot be told from text still to parse.
    jsonStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    charset: "utf8mb4",
    // Affected rows = rows matched, not rows changed: an UPDATE that sets a row to the value it
    // already has reports 1, as on PostgreSQL and SQLite (the flush checks every UPDATE's count).
    // mysql2's default today; stated, so that a change of default cannot make updates look stale.
    flags: ["FOUND_ROWS"],
    // mysql2 turns keepalive on with the system's idle time (2 hours on Linux): too late for a pool.
    enableKeepAlive: true,
    keepAliveInitialDelay: keepAliveDelayOf(options),
  };
}

/** Options of mysql2's pool itself, not of the connections it opens. */
const POOL_ONLY = new Set(["connectionLimit", "maxIdle", "idleTimeout", "queueLimit", "waitForConnections", "resetOnRelease"]);

/**
 * The options of a connection as the pool opens its own (where, as whom, TLS, charset, flags:
 * all but the pool's), for one opened beside it (kill-query.ts), which must reach the server the
 * same way: given only host, port and user, it could not connect through a Unix socket, nor to a
 * server requiring TLS, and the statement it was to stop ran on.
 */
export function connectionOptionsOf(config: mysql.PoolOptions): mysql.ConnectionOptions {
  return Object.fromEntries(Object.entries(config).filter(([name]) => !POOL_ONLY.has(name))) as mysql.ConnectionOptions;
}
