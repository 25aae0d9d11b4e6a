/**
 * `migrate verify`: every migration applied up, down and up again on a scratch database beside the
 * configured one (SQLite: in memory); exit 1 unless each down restores the schema before its up.
 */
import { verifyMigrations } from "../../migrations/drift/verify.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { CliError, EXIT_PROBLEMS } from "./errors.js";
import { loadGraph, withEngine } from "./migrate-load.js";
import { migrationSchemas } from "./migrate-merge.js";

/** `migrate verify`; resolves to the exit code. */
export async function runVerify(config: CliConfig, io: Output, verbose: boolean): Promise<number> {
  if (config.url === undefined) throw new CliError(`migrate verify needs a database server to make a scratch database on (or sqlite: for SQLite): give --url, ATHANOR_URL or "url" in athanor.config.json`);
  const graph = await loadGraph(config);
  if (graph.size === 0) {
    io.out("no migrations to verify");
    return 0;
  }
  const results = await withEngine(config, verbose, io, (engine) =>
    verifyMigrations({
      engine,
      graph,
      schemas: migrationSchemas(graph),
      onMigration: (id, index, total) => io.out(`[${index + 1}/${total}] ${id}: up, down, up`),
    }),
  );
  const failed = results.filter((r) => r.problems.length > 0);
  for (const result of failed) {
    io.out(`FAIL  ${result.id}`);
    for (const problem of result.problems) io.out(`        ${problem}`);
  }
  io.out(failed.length ? `${failed.length} of ${results.length} migration(s) have a down that does not restore the schema` : `all ${results.length} downs restore the schema`);
  return failed.length ? EXIT_PROBLEMS : 0;
}
