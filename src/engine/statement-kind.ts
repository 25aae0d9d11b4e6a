import type { DialectCapabilities } from "../core/compiler/compiler-types.js";
import { InvalidRequestError, StreamInProgressError } from "../core/errors.js";
import type { Transaction } from "./transaction.js";

export { statementTexts } from "./statement-texts.js";

/**
 * Whether SQL sent on a connection may have changed data: what another connection could not see
 * until the transaction commits. Anything not known to read counts as a write (a procedure call,
 * text SQL of any kind), so that a check built on it errs on the side of refusing.
 */
const READS = /^\s*(\(\s*)*(select|savepoint|release|rollback|commit|begin|start\s+transaction|set\s+transaction|show|explain|describe)\b/i;

export function mayWrite(sql: string): boolean {
  // A second statement may write whatever the first one is (PostgreSQL runs text without parameters as a script).
  return !READS.test(sql) || sql.includes(";");
}

/** Settings of the connection's own session: lost with it, never committed data. */
const SESSION_ONLY = /^\s*(set|reset|discard|deallocate|listen|unlisten)\b/i;

export function sessionOnly(sql: string): boolean {
  return SESSION_ONLY.test(sql);
}

/**
 * MySQL/MariaDB statements that commit the open transaction before they run (DDL, table locks,
 * account and maintenance statements, another BEGIN): what a rollback could no longer undo.
 * Temporary tables are the exception.
 */
const COMMITS_IMPLICITLY = /^\s*(alter|create|drop|rename|truncate|lock\s+tables?|unlock\s+tables?|grant|revoke|analyze|optimize|repair|check\s+table|flush|install|uninstall|load\s+index|cache\s+index|begin|start\s+transaction)\b/i;
const TEMPORARY = /^\s*(create|drop)\s+temporary\b/i;

export function commitsImplicitly(sql: string): boolean {
  return COMMITS_IMPLICITLY.test(sql) && !TEMPORARY.test(sql);
}

/**
 * Whether MySQL/MariaDB commit the open transaction before one of `statements` (`commitsImplicitly`),
 * for certain: `UNLOCK TABLES` commits only after a `LOCK TABLES`, which said so itself.
 */
export function committedBefore(statements: readonly string[]): boolean {
  return statements.some((sql) => commitsImplicitly(sql) && !/^\s*unlock\b/i.test(sql));
}

/** SQL that begins or ends a transaction or a savepoint: what a `Transaction` does itself. */
const CHANGES_SCHEMA = /^\s*(alter|create|drop|rename)\b/i;

/** Whether SQL text may change a table or a sequence (what the engine learnt of one is then forgotten). */
export function changesSchema(statements: readonly string[]): boolean {
  return statements.some((sql) => CHANGES_SCHEMA.test(sql));
}

const TRANSACTION_CONTROL = /^\s*(begin|start\s+transaction|commit|end|rollback|abort|savepoint|release|xa)\b/i;

/**
 * Why SQL text may not run now, in the connection's open transaction `tx`: a statement that
 * begins or ends a transaction or savepoint (the `Transaction`, or the session holding it, would
 * no longer say what the database did: a later rollback would claim to undo work already
 * committed); and in a session's transaction on MySQL/MariaDB, one that commits it implicitly.
 */
export function refusedText(statements: readonly string[], tx: Transaction | undefined, capabilities: DialectCapabilities): InvalidRequestError | undefined {
  if (tx === undefined) return undefined;
  const control = statements.find((sql) => TRANSACTION_CONTROL.test(sql));
  if (control !== undefined) {
    const quoted = `"${control.slice(0, 60)}"`;
    return new InvalidRequestError(
      `${quoted} would begin or end a transaction behind the back of the one open on this connection, whose commit() and rollback() ` +
        "would then no longer say what the database did. Use its commit() or rollback() (a session's: session.commit(), session.rollback()), " +
        "beginNested() for a savepoint, or run the statement on a connection with no transaction open.",
    );
  }
  const commits = tx.refusesImplicitCommits && !capabilities.transactionalDdl ? statements.find(commitsImplicitly) : undefined;
  if (commits !== undefined) {
    const quoted = `"${commits.slice(0, 60)}"`;
    return new InvalidRequestError(
      `MySQL/MariaDB commit the open transaction before ${quoted}: it cannot run in the session's transaction, ` +
        "whose rollback could not undo the work committed with it. Run it outside the session (engine.execute), after commit().",
    );
  }
  return undefined;
}

/**
 * SQL text that may leave state on the connection's session beyond its transaction: settings
 * (`SET`, but `SET LOCAL`; SQLite's `PRAGMA`; `RESET` and `DISCARD`, which undo the engine's own), the default database (`USE`), temporary tables,
 * prepared statements, `LISTEN`, cursors, attached databases, table and advisory locks,
 * `set_config(...)`, a table made by `SELECT ... INTO TEMP`, MySQL user variables (`@v := ...`,
 * `INTO @v`), and code that may do any of these out of sight: a procedure (`CALL`), a
 * PostgreSQL `DO` block, a prepared statement run (`EXECUTE`). The next user of a pooled
 * connection would inherit it: a `search_path` or a temporary table shadowing a table sends its
 * writes elsewhere, a MariaDB `time_zone` shifts the TIMESTAMPs it reads.
 */
const SESSION_STATE =
  /^\s*(set(?!\s+local\b)|reset|discard|deallocate|use|listen|prepare|declare|pragma|attach|call|do|execute|lock\s+tables?|flush\s+tables?|create\s+(or\s+replace\s+)?(global\s+|local\s+)?temp(orary)?)\b|\b(set_config|pg_(try_)?advisory_lock(_shared)?|get_lock)\s*\(|\binto\s+(temp(orary)?\b|@)|@[\w$.]*\s*:=/i;

/** Whether any of the `statements` of SQL text (`statementTexts`) may leave state on the session: `SESSION_STATE`. */
export function changesSession(statements: readonly string[]): boolean {
  return statements.some((sql) => SESSION_STATE.test(sql));
}

/** The refusal of a statement sent while a MySQL/MariaDB stream holds the connection. */
export function streamInProgress(streaming: string, refused: string): StreamInProgressError {
  return new StreamInProgressError(
    `Cannot run "${refused.slice(0, 80)}" while a stream of "${streaming.slice(0, 80)}" is open on the same connection: ` +
      `MySQL/MariaDB send a result to its end before the next statement. Finish or leave the loop first, ` +
      `or run the statement on another connection.`,
  );
}
