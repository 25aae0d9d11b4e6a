/**
 * `migrate sql`: the SQL that `up` would run, as a script for review or for a DBA to run, built
 * without a database connection. It includes the version table's statements, so that running the
 * script leaves the database as `migrate up` would.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { MigrationGraph } from "./graph.js";
import { resolveTarget } from "./plan.js";
import { SchemaReplay } from "./replay.js";
import { planSteps, type Step } from "./steps.js";
import { versionSql } from "./version-table.js";

/** What to print: the migrations after `from` (default: none applied) up to `target` (default: head). */
export interface OfflineSqlOptions {
  readonly graph: MigrationGraph;
  readonly dialect: Dialect;
  readonly target?: string | undefined;
  readonly from?: string | undefined;
}

/** The script, one block per migration, statements ended by `;`. */
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
const ATHANOR_MODE = "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','));";
const MYSQL_MODE_HEADER = [
  "-- athanor's statements are written for a session without NO_BACKSLASH_ESCAPES: the mode is turned off for them,",
  "-- and back to the session's own for the migrations' execute SQL, whatever the server's sql_mode.",
  "SET @athanor_sql_mode = @@SESSION.sql_mode;",
  ATHANOR_MODE,
];

function block(dialect: Dialect["name"], id: string, checksum: string, steps: readonly Step[]): string[] {
  const total = steps.length;
  const applied = `${versionSql.insert(dialect, { id, checksum, state: "applied", stepsDone: total, stepsTotal: total })};`;
  const lines = (step: Step, index: number) => {
    const statements = step.statements.map((s) => `${s};`);
    return [`-- step ${index + 1}/${total}: ${step.description}`, ...(step.userSql && dialect === "mysql" ? [SESSION_MODE, ...statements, ATHANOR_MODE] : statements)];
  };
  if (dialect === "mysql") {
    // Each DDL statement commits on its own: the progress is recorded after each step.
    const out = [`${versionSql.insert(dialect, { id, checksum, state: "applying", stepsDone: 0, stepsTotal: total })};`];
    steps.forEach((step, i) => {
      out.push(...lines(step, i));
      out.push(`${i + 1 === total ? versionSql.update(dialect, id, { state: "applied", stepsDone: total }) : versionSql.update(dialect, id, { stepsDone: i + 1 })};`);
    });
    if (total === 0) return [applied];
    return out;
  }
  const inside = steps.filter((s) => s.transactional);
  const after = steps.filter((s) => !s.transactional);
  const fkOff = dialect === "sqlite" && steps.some((s) => s.foreignKeysOff);
  const out: string[] = [];
  if (fkOff) out.push("PRAGMA foreign_keys = OFF;");
  out.push("BEGIN;");
  inside.forEach((s) => out.push(...lines(s, steps.indexOf(s))));
  if (fkOff) out.push("PRAGMA foreign_key_check;");
  out.push(applied, "COMMIT;");
  if (fkOff) out.push("PRAGMA foreign_keys = ON;");
  after.forEach((s) => out.push(...lines(s, steps.indexOf(s))));
  return out;
}
