/**
 * `migrate history` (every migration in order, with its state when a database is configured) and
 * `migrate current` (where the database is). Both report edited applied migrations, partly applied
 * ones and rows with no file, and then exit 1, so that CI notices.
 */
import type { MigrationGraph } from "../../migrations/history/graph.js";
import { MigrationRunner } from "../../migrations/history/runner.js";
import type { MigrationStatus, StatusEntry } from "../../migrations/history/status.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { EXIT_PROBLEMS } from "./errors.js";
import { loadGraph, shortPath, withDatabase } from "./migrate-load.js";

/** `migrate history`; resolves to the exit code. */
export async function runHistory(config: CliConfig, io: Output, verbose: boolean): Promise<number> {
  const graph = await loadGraph(config);
  if (graph.size === 0) {
    io.out(`no migrations in ${shortPath(config.migrations, config.cwd)} (create one with 'athanor migrate new "message"')`);
    return 0;
  }
  const status = config.url ? await withDatabase(config, verbose, io, (connection) => new MigrationRunner({ connection, graph }).status()) : undefined;
  const heads = new Set(graph.heads);
  const width = Math.max(...graph.order.map((id) => id.length));
  for (const id of graph.order) {
    const node = graph.get(id);
    const entry = status?.entries.find((e) => e.id === id);
    const marks = [heads.has(id) ? "head" : undefined, node.parents.length > 1 ? `merges ${node.parents.join(" + ")}` : undefined].filter(Boolean);
    io.out(`${entry ? state(entry).padEnd(19) : ""}${id.padEnd(width)}  ${node.migration.definition.message}${marks.length ? `  (${marks.join(", ")})` : ""}`);
  }
  return report(graph, status, io);
}

/** `migrate current`; resolves to the exit code. */
export async function runCurrent(config: CliConfig, io: Output, verbose: boolean): Promise<number> {
  const graph = await loadGraph(config);
  return withDatabase(config, verbose, io, async (connection, shown) => {
    const status = await new MigrationRunner({ connection, graph }).status();
    if (!status.current.length) io.out(`${shown}: at base (no migration applied)`);
    for (const id of status.current) {
      const entry = status.entries.find((e) => e.id === id)!;
      io.out(`${id}  ${entry.message}  ${state(entry)}${graph.heads.includes(id) ? " (head)" : ""}`);
    }
    const pending = status.entries.filter((e) => !e.row).length;
    if (pending) io.out(`${pending} migration(s) not applied yet: run 'athanor migrate up'`);
    return report(graph, status, io);
  });
}

function state(entry: StatusEntry): string {
  const row = entry.row;
  if (!row) return "[ pending ]";
  if (entry.edited) return "[ EDITED ]";
  if (row.state === "applied") return "[ applied ]";
  if (row.state === "applying-step" || row.state === "reverting-step") return `[ IN DOUBT ${row.stepsDone + 1}/${row.stepsTotal} ]`;
  return `[ ${row.state === "applying" ? "partial" : "reverting"} ${row.stepsDone}/${row.stepsTotal} ]`;
}

/** The warnings after the list; exit 1 when there is any. */
function report(graph: MigrationGraph, status: MigrationStatus | undefined, io: Output): number {
  const problems: string[] = [];
  const branch = graph.branchError();
  if (branch) problems.push(branch.message);
  if (status) {
    for (const id of status.edited) problems.push(`${id} was edited after being applied (its checksum differs from the version table's)`);
    for (const row of status.partial) {
      problems.push(
        row.state === "applying-step" || row.state === "reverting-step"
          ? `${row.id}: step ${row.stepsDone + 1} of ${row.stepsTotal} (${row.state === "applying-step" ? "up" : "down"}) started and was never recorded finished; 'athanor migrate up' or 'down' says how to record whether it ran`
          : row.state === "applying"
          ? `${row.id}: applied ${row.stepsDone} of ${row.stepsTotal} steps; finish with 'athanor migrate up', or go back with 'athanor migrate down'`
          : `${row.id}: reverted ${row.stepsDone} of ${row.stepsTotal} down steps; finish with 'athanor migrate down', or go back with 'athanor migrate up'`,
      );
    }
    for (const row of status.unknownRows) problems.push(`${row.id} is applied but no migration file defines it`);
  }
  for (const p of problems) io.err(`athanor: ${p}`);
  return problems.length ? EXIT_PROBLEMS : 0;
}
