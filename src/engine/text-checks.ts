/**
 * The checks SQL text goes through before a connection runs it, kept out of connection.ts (which
 * runs it): text refused in an open transaction (`refusedText`), text that changes the session's
 * settings (reset before the pool hands the connection on), DDL (the pool forgets how keys are
 * generated), and MySQL/MariaDB's implicit commits (noted on the open transactions).
 */
import type { EngineDialect } from "./driver.js";
import { forgetKeyOrders } from "./generated-key-order.js";
import { changesSchema, changesSession, committedBefore, refusedText, statementTexts } from "./statement-kind.js";
import { noteImplicitCommit, type Transaction } from "./transaction.js";

/**
 * @internal Checks `sql`, about to run on a connection of `pool` whose open transactions are
 * `open` (`firstWrite`: the first statement that may have written in them). Throws what it
 * refuses; returns whether the session's settings may have changed (`changed`: known to have before).
 */
export function checkedText(sql: string, dialect: EngineDialect, open: Transaction[], firstWrite: string | undefined, pool: object, changed: boolean): boolean {
  const statements = statementTexts(sql, dialect.name);
  const refused = refusedText(statements, open[0], dialect.capabilities);
  if (refused !== undefined) throw refused;
  if (changesSchema(statements)) forgetKeyOrders(pool);
  if (!dialect.capabilities.transactionalDdl && committedBefore(statements)) noteImplicitCommit(open, sql, statements.length === 1 && firstWrite === undefined);
  return changed || changesSession(statements);
}
