/**
 * A planned step of a migration: SQL statements that run together, and how they run. The planner
 * (`planSteps`) makes them, the executor (`runSteps`) runs them, the runner records them.
 */
import type { ConcurrentIndex } from "./concurrent-index.js";
import type { ValueCheck } from "./sqlite-rebuild-check.js";
import type { SchemaModel, TableModel } from "../../core/schema/schema-model.js";
import type { TableRef } from "../operations/operation.js";

/** A query run before a step: a row back refuses the step with `reason`. */
export interface Refusal {
  readonly sql: string;
  readonly reason: string;
  /** What the row found says, appended to the reason. */
  readonly detail?: (row: Record<string, unknown>) => string;
}

/** One step of a planned migration (see the file comment); `planSteps` makes them, `runSteps` runs them. */
export interface Step {
  /** What the step does, for progress output (`add column books.isbn`). */
  readonly description: string;
  /** The SQL, in order. Empty for an operation the dialect has nothing to do for. */
  readonly statements: readonly string[];
  /** Whether it may run inside the migration's transaction (not PostgreSQL `CREATE INDEX CONCURRENTLY`). */
  readonly transactional: boolean;
  /**
   * The indexes (in the migration's list) of the operations the step carries out: one, or the
   * operations a SQLite rebuild groups. Tells which operations a partly applied migration ran.
   */
  readonly operations?: readonly number[];
  /**
   * SQLite: foreign-key enforcement must be off while it runs (a table rebuild). The executor
   * turns it off *outside* the transaction (SQLite ignores the pragma inside one) and runs
   * `PRAGMA foreign_key_check` before committing.
   */
  readonly foreignKeysOff?: boolean;
  /**
   * SQLite table rebuild: the table whose triggers and views (read from `sqlite_master` when the
   * step runs, as they exist then) are dropped before the statements and recreated after them;
   * its definition before the step, which the live table is checked against (nothing it lacks is lost).
   */
  readonly rebuild?: TableModel;
  /** SQLite table rebuild: queries for a value the rebuilt table holds that its column's new type does not allow (any refuses the step). */
  readonly valueChecks?: readonly ValueCheck[];
  /** MySQL/MariaDB: the migration's own SQL (an `execute`), run in the session's sql_mode as it is (see engine/mysql-escapes.ts). */
  readonly userSql?: boolean;
  /**
   * SQL that may write rows (an `execute` not only DDL): run on its own (MySQL/MariaDB; a resumed
   * migration), it commits with its progress record; where it cannot run in a transaction
   * (`transactional: false`), the record marks it started first (see history/in-doubt.ts).
   */
  readonly writesRows?: boolean;
  /**
   * Queries run before the step; a row back from any refuses it with its reason, nothing run: what
   * the database would do without a word (MySQL/MariaDB where PostgreSQL and SQLite refuse; a
   * trigger left broken by a column dropped or renamed).
   */
  readonly refusals?: readonly Refusal[];
  /**
   * SQLite `DROP TABLE`: the table whose views and other tables' triggers that name it are checked
   * after the step (SQLite drops the table and leaves them broken); one that no longer works refuses it.
   */
  readonly dependents?: TableRef;
  /** PostgreSQL `CREATE/DROP INDEX CONCURRENTLY`: what a rerun checks first (concurrent-index.ts). */
  readonly concurrentIndex?: ConcurrentIndex;
  /**
   * Whether the step's effect is already in `schema` (the column already exists, ...): the MySQL
   * rerun guard, so that a migration interrupted between two steps converges when run again.
   */
  isApplied?(schema: SchemaModel): boolean;
}
