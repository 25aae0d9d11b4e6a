/**
 * `migrate new "message"`: writes the next migration file, following the current head, named
 * `<UTC timestamp>_<slug>.ts`, importing from the configured specifier ("migrationsImport",
 * default "athanor/migrations"). Its operations are the difference between the schema the history
 * produces and the models' (for the dialect of --dialect or the URL); `--empty` writes none.
 * Destructive changes stop it (`DataLossError`, exit 1) unless `--allow-data-loss`.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DataLossError, lossLines } from "../../migrations/diff/data-loss.js";
import { diffSchemas } from "../../migrations/diff/diff-schemas.js";
import { generateMigration } from "../../migrations/codegen/generate.js";
import { migrationId } from "../../migrations/codegen/migration-id.js";
import { migrationSource } from "../../migrations/codegen/migration-source.js";
import { SchemaReplay } from "../../migrations/history/replay.js";
import type { MigrationDefinition } from "../../migrations/migration.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { CliError, EXIT_PROBLEMS } from "./errors.js";
import type { Flags } from "./migrate.js";
import { loadGraph, shortPath } from "./migrate-load.js";
import { modelsSchema } from "./migrate-models.js";
import { printFindings } from "./migrate-lint.js";
import { dialectOf } from "./migrate-sql.js";

/** `migrate new`; resolves to the exit code. */
export async function runNew(message: string, flags: Flags, config: CliConfig, io: Output, now: Date = new Date()): Promise<number> {
  const graph = await loadGraph(config);
  graph.assertSingleHead();
  const parents = graph.heads;
  let definition: MigrationDefinition;
  let source: string;
  if (flags["empty"] === true) {
    definition = { id: migrationId(now, message), parents, message, up: [], down: [] };
    source = migrationSource(definition, { importFrom: config.migrationsImport });
  } else {
    const dialect = dialectOf(flags, config);
    const from = new SchemaReplay(graph).schemaAt(parents[0]);
    const to = await modelsSchema(config, dialect);
    try {
      ({ definition, source } = generateMigration(from, to, {
        dialect,
        allowDataLoss: flags["allow-data-loss"] === true,
        message,
        parents,
        date: now,
        importFrom: config.migrationsImport,
        onlineSafe: flags["online-safe"] === true,
      }));
    } catch (error) {
      if (!(error instanceof DataLossError)) throw error;
      io.err(`athanor: ${error.message}`);
      return EXIT_PROBLEMS;
    }
    if (flags["allow-data-loss"] === true) printAcceptedLosses(from, to, dialect, io);
    if (definition.up.length === 0) {
      io.out(`the models match the history (${parents[0] ?? "no migration yet"}): no migration written (--empty writes one to fill by hand)`);
      return 0;
    }
    // Findings are printed, not fatal: the file is a draft to review ('migrate lint' in CI decides).
    printFindings(definition, from, dialect, io);
  }
  if (graph.has(definition.id)) throw new CliError(`a migration '${definition.id}' exists already; wait a second or change the message`);
  mkdirSync(config.migrations, { recursive: true });
  const file = join(config.migrations, `${definition.id}.ts`);
  if (existsSync(file)) throw new CliError(`${shortPath(file, config.cwd)} exists already`);
  writeFileSync(file, source);
  const count = definition.up.length;
  io.out(`wrote ${shortPath(file, config.cwd)} (${count} operation${count === 1 ? "" : "s"}; follows ${parents.length ? parents.join(", ") : "nothing: the first migration"})`);
  return 0;
}

/**
 * `--allow-data-loss` accepts every loss at once: each is still named (a drop that looks like an
 * undeclared rename with the declaration that keeps the data), so that the one meant does not
 * carry another along unseen.
 */
function printAcceptedLosses(from: Parameters<typeof diffSchemas>[0], to: Parameters<typeof diffSchemas>[1], dialect: Parameters<typeof diffSchemas>[2]["dialect"], io: Output): void {
  try {
    diffSchemas(from, to, { dialect });
  } catch (error) {
    if (!(error instanceof DataLossError)) throw error;
    const n = error.losses.length;
    io.err([`athanor: --allow-data-loss: the migration loses data (${n} ${n === 1 ? "step" : "steps"}); review ${n === 1 ? "it" : "each"} in the file:`, ...lossLines(error.losses)].join("\n"));
  }
}
