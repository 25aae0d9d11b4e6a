/**
 * `migrate sql`: the SQL that `up` would run, as a script for review or for a DBA to run, built
 * without a database connection. It includes the version table's statements, so that running the
 * script leaves the database as `migrate up` would, and one cut short leaves the version row as a
 * `migrate up` cut short at the same point would (a rerun resumes, or refuses a step in doubt).
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { MigrationGraph } from "./graph.js";
import { resolveTarget } from "./plan.js";
import { SchemaReplay } from "./replay.js";
import { planSteps, type Step } from "./steps.js";
import { versionSql } from "./version-table.js";
import { stepsChecksum } from "./checksum.js";
import { executionOrder } from "./execute.js";
import { startedState } from "./in-doubt.js";
import { offlineRefusals } from "./offline-refusals.js";

/** What to print: the migrations after `from` (default: none applied) up to `target` (default: head). */
export interface OfflineSqlOptions {
  readonly graph: MigrationGraph;
  readonly dialect: Dialect;
  readonly target?: string | undefined;
  readonly from?: string | undefined;
}

/**
 * The script, one block per migration, statements ended by `;`: for a DBA who runs it by hand.
 *
 * ```ts
 * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
 * console.log(offlineSql({ graph, dialect: engine.dialect, from: "20261204192300_add_books" }));
 * ```
 */
export function offlineSql(options: OfflineSqlOptions): string {
  const { graph, dialect } = options;
  const target = resolveTarget(graph, options.target);
  const from = options.from === undefined ? undefined : resolveTarget(graph, options.from);
  const skip = new Set(from === undefined ? [] : graph.ancestors(from));
  const ids = target === undefined ? [] : graph.ancestors(target).filter((id) => !skip.has(id));
  const replay = new SchemaReplay(graph);
  const out: string[] = [`-- athanor migrations for ${dialect.name}: ${ids.length} migration(s)`];
  if (dialect.name === "mysql") out.push(...MYSQL_MODE_HEADER);
  out.push(`${versionSql.create(dialect.name)};`);
  for (const id of ids) {
    const migration = graph.get(id).migration;
    const steps = planSteps(migration.definition.up, { dialect, schema: replay.schemaBefore(id) });
    out.push("", `-- ${id}: ${migration.definition.message.replace(/\n/g, " ")}`);
    out.push(...block(dialect.name, id, migration.checksum, steps));
  }
  if (dialect.name === "mysql") out.push("", SESSION_MODE);
  return out.join("\n") + "\n";
}

/**
 * MySQL/MariaDB: athanor's literals double backslashes, as the default sql_mode reads them; under
 * NO_BACKSLASH_ESCAPES (a server setting) `'a\\b'` is two backslashes. The script does what
 * `migrate up` does (engine/mysql-escapes.ts): athanor's statements run with that mode off, the
 * migrations' own SQL (`execute`, written for the server as it is) in the session's mode.
 */
const SESSION_MODE = "SET SESSION sql_mode = @athanor_sql_mode;";
// Strict too (engine/mysql-escapes.ts): without it, MODIFY COLUMN cuts values and turns NULLs into zeros with warnings only.
const ATHANOR_MODE =
  "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ',')), ''), 'STRICT_ALL_TABLES');";
const MYSQL_MODE_HEADER = [
  "-- athanor's statements are written for a session without NO_BACKSLASH_ESCAPES: the mode is turned off for them,",
  "-- and back to the session's own for the migrations' execute SQL, whatever the server's sql_mode; they run in strict mode.",
  "SET @athanor_sql_mode = @@SESSION.sql_mode;",
  ATHANOR_MODE,
];

/**
 * SQLite: `PRAGMA foreign_key_check` only lists the rows left without their parent; `migrate up`
 * rolls back when it lists any. In the script, a CHECK on their count stops it there (`sqlite3
 * -bail`), before the COMMIT: the open transaction is rolled back when the client exits.
 */
const SQLITE_FOREIGN_KEY_CHECK = [
  "CREATE TEMP TABLE athanor_foreign_key_check (rows_without_parent INTEGER CONSTRAINT athanor_rows_without_parent_so_rolled_back CHECK (rows_without_parent = 0));",
  "INSERT INTO athanor_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check;",
  "DROP TABLE temp.athanor_foreign_key_check;",
];

/**
 * SQLite: a rebuild's value checks (a value the rebuilt table holds that its column's new type does
 * not allow: `migrate up` rolls back, `ValueDoesNotFitError`), each stopping the script the same way.
 */
function sqliteValueChecks(step: Step): string[] {
  return (step.valueChecks ?? []).flatMap((check) => [
    `-- ${check.column} must hold only values of ${check.type}, or the script stops here and the transaction is rolled back`,
    "CREATE TEMP TABLE athanor_value_check (values_that_do_not_fit INTEGER CONSTRAINT athanor_values_that_do_not_fit_so_rolled_back CHECK (values_that_do_not_fit = 0));",
    `INSERT INTO athanor_value_check SELECT count(*) FROM (${check.sql});`,
    "DROP TABLE temp.athanor_value_check;",
  ]);
}

/**
 * One migration's block, with the version-table records `migrate up` writes (execute.ts), so that
 * a script cut short leaves the row a rerun of `migrate up` reads right: steps after the commit
 * (PostgreSQL `CONCURRENTLY`, non-transactional `execute`s) recorded one by one, not the migration
 * recorded applied before they ran; a data step that commits on its own marked started first
 * (in-doubt.ts); on MariaDB/MySQL a data step in one transaction with its record. Each step is
 * preceded by the checks `migrate up` refuses it on (offline-refusals.ts).
 */
function block(dialect: Dialect["name"], id: string, checksum: string, steps: readonly Step[]): string[] {
  const ordered = executionOrder(steps, dialect);
  const total = ordered.length;
  const done = (n: number) => (n < total ? stepsChecksum(ordered.slice(0, n)) : checksum);
  const record = (n: number) =>
    `${n === total ? versionSql.update(dialect, id, { checksum, state: "applied", stepsDone: total }) : versionSql.update(dialect, id, { checksum: done(n), state: "applying", stepsDone: n })};`;
  const lines = (step: Step) => {
    const statements = step.statements.map((s) => `${s};`);
    const body = step.userSql && dialect === "mysql" ? [SESSION_MODE, ...statements, ATHANOR_MODE] : statements;
    const checks = dialect === "sqlite" ? sqliteValueChecks(step) : [];
    return [`-- step ${steps.indexOf(step) + 1}/${total}: ${step.description}`, ...offlineRefusals(dialect, step), ...body, ...checks];
  };
  if (dialect === "mysql") {
    if (total === 0) return [`${versionSql.insert(dialect, { id, checksum, state: "applied", stepsDone: 0, stepsTotal: 0 })};`];
    // Each DDL statement commits on its own: the progress is recorded after each step; a data step commits with its record.
    const out = [`${versionSql.insert(dialect, { id, checksum: done(0), state: "applying", stepsDone: 0, stepsTotal: total })};`];
    ordered.forEach((step, k) => {
      if (step.writesRows) out.push("START TRANSACTION;", ...lines(step), record(k + 1), "COMMIT;");
      else out.push(...lines(step), record(k + 1));
    });
    return out;
  }
  const inside = ordered.filter((s) => s.transactional).length;
  const fkOff = dialect === "sqlite" && steps.some((s) => s.foreignKeysOff);
  const out: string[] = [];
  if (fkOff) out.push("PRAGMA foreign_keys = OFF;");
  out.push("BEGIN;");
  ordered.slice(0, inside).forEach((s) => out.push(...lines(s)));
  if (fkOff) out.push(...SQLITE_FOREIGN_KEY_CHECK);
  const state = inside === total ? "applied" : "applying";
  out.push(`${versionSql.insert(dialect, { id, checksum: done(inside), state, stepsDone: inside, stepsTotal: total })};`, "COMMIT;");
  if (fkOff) out.push("PRAGMA foreign_keys = ON;");
  ordered.slice(inside).forEach((step, i) => {
    const k = inside + i;
    // Commits on its own and may write rows: marked started, so that a rerun after a kill refuses rather than run it twice.
    if (step.writesRows) out.push(`${versionSql.update(dialect, id, { state: startedState("up"), stepsDone: k })};`);
    out.push(...lines(step), record(k + 1));
  });
  return out;
}
