/**
 * `migrate merge ["message"]`: joins the heads of a branched history with a merge migration, after
 * replaying the branches in both orders on scratch databases; when the orders disagree, prints the
 * conflicting objects, writes nothing and exits 1.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { migrationId } from "../../migrations/codegen/migration-id.js";
import { migrationSource } from "../../migrations/codegen/migration-source.js";
import { checkMerge } from "../../migrations/drift/merge.js";
import type { MigrationGraph } from "../../migrations/history/graph.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { CliError, EXIT_PROBLEMS } from "./errors.js";
import { loadGraph, shortPath, withEngine } from "./migrate-load.js";

/** `migrate merge`; resolves to the exit code. */
export async function runMerge(message: string | undefined, config: CliConfig, io: Output, verbose: boolean, now: Date = new Date()): Promise<number> {
  if (config.url === undefined) throw new CliError(`migrate merge replays the branches on a scratch database: give --url, ATHANOR_URL or "url" in athanor.config.json`);
  const graph = await loadGraph(config);
  io.out(`replaying ${graph.heads.join(" and ")} in both orders on scratch databases`);
  const result = await withEngine(config, verbose, io, (engine) => checkMerge({ engine, graph, schemas: migrationSchemas(graph) }));
  if (!result.ok) {
    io.err(`athanor: the branches ${result.heads.join(" and ")} conflict; no merge migration written:`);
    for (const line of result.conflicts) io.err(`  ${line}`);
    io.err("change one branch so that both orders give the same schema (or order them: make one follow the other), then run 'athanor migrate merge' again");
    return EXIT_PROBLEMS;
  }
  const text = message ?? `merge ${result.heads.join(" and ")}`;
  const definition = { id: migrationId(now, text), parents: result.heads, message: text, up: [], down: [] };
  const file = join(config.migrations, `${definition.id}.ts`);
  if (existsSync(file) || graph.has(definition.id)) throw new CliError(`${shortPath(file, config.cwd)} exists already`);
  writeFileSync(file, migrationSource(definition, { importFrom: config.migrationsImport }));
  io.out(`both orders give the same schema: wrote ${shortPath(file, config.cwd)} (merges ${result.heads.join(" + ")})`);
  return 0;
}

/** The non-default schemas the migrations create tables in (replays reflect them too). */
export function migrationSchemas(graph: MigrationGraph): string[] {
  const schemas = new Set<string>();
  for (const id of graph.order) {
    for (const op of graph.get(id).migration.definition.up) {
      if (op.op === "createTable" && op.table.schema) schemas.add(op.table.schema);
    }
  }
  return [...schemas].sort();
}
