/**
 * `session.execute(sql\`UPDATE ...\`)`: SQL text run as SQLAlchemy's `session.execute(text(...))`
 * runs it, in the session's transaction (after the autoflush, which `Session.execute` did), with
 * the Core `Result`: its rows (keyed by column label) and row count. A rollback undoes it, a commit
 * keeps it. Objects the session holds are not brought in step with what it changed (SQL text says
 * nothing the session could follow): expire them, or use `update(Model)` which does.
 */
import type { RawSql } from "../../core/expression/sql-tag.js";
import { mayWrite } from "../../engine/statement-kind.js";
import type { Result } from "../../engine/result.js";
import type { Transactions } from "./transactions.js";

/** The rows `session.execute(sql<T>\`...\`)` returns: `T` when it names the columns, else rows of unknown values. */
export type TextRow<T> = NonNullable<RawSql<T>["__row"]>;

/** Runs SQL text on the session's connection, inside its transaction (begun if none is open). */
export async function executeText<Row>(transactions: Transactions, statement: RawSql<unknown>): Promise<Result<Row>> {
  const tx = await transactions.current();
  const compiled = tx.connection.compile(statement);
  // Sent, COMMIT or (MySQL/MariaDB) DDL would commit the session's work so far, which a rollback then claims to discard.
  tx.connection.checkText(compiled.sql);
  // A statement that may write is work the session cannot write again: if a flush then fails,
  // the transaction must not be quietly rolled back and retried without it (see `flushFailed`).
  if (mayWrite(compiled.sql)) tx.lend();
  try {
    return await tx.connection.executeCompiled<Row>(compiled);
  } catch (error) {
    tx.statementFailed(error);
    throw error;
  }
}
