/**
 * `migrate new "message"`: writes the next migration file, following the current head, named
 * `<UTC timestamp>_<slug>.ts`, importing `defineMigration` from the configured specifier
 * ("migrationsImport", default "athanor/migrations").
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Operation } from "../../migrations/operations/operation.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { CliError } from "./errors.js";
import type { Flags } from "./migrate.js";
import { loadGraph, shortPath } from "./migrate-load.js";

/** `migrate new`; resolves to the exit code. */
export async function runNew(message: string, flags: Flags, config: CliConfig, io: Output, now: Date = new Date()): Promise<number> {
  const graph = await loadGraph(config);
  graph.assertSingleHead();
  const parents = graph.heads;
  const id = `${now.toISOString().replace(/\D/g, "").slice(0, 14)}_${slug(message)}`;
  if (graph.has(id)) throw new CliError(`a migration '${id}' exists already; wait a second or change the message`);
  // TODO(lead): wire autogenerate (branch m-differ) here unless --empty: load the models
  // (config.models), schemaModelOf(metadata, dialect), SchemaReplay(graph).schemaAt(head),
  // diffSchemas(from, to, { dialect, allowDataLoss: flags["allow-data-loss"] === true }),
  // run the lint, and render the file with the differ's codegen instead of `renderFile`.
  const up: Operation[] = [];
  const down: Operation[] = [];
  if (flags["empty"] !== true) io.err("athanor: autogenerate is not wired in this build yet: writing an empty migration (as --empty does)");
  mkdirSync(config.migrations, { recursive: true });
  const file = join(config.migrations, `${id}.ts`);
  if (existsSync(file)) throw new CliError(`${shortPath(file, config.cwd)} exists already`);
  writeFileSync(file, renderFile({ id, parents, message, up, down }, config.migrationsImport));
  io.out(`wrote ${shortPath(file, config.cwd)} (follows ${parents.length ? parents.join(", ") : "nothing: the first migration"})`);
  return 0;
}

/** Lowercase words joined by `_`, at most 40 characters: the readable part of an id. */
export function slug(message: string): string {
  const words = message.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return (words.slice(0, 40).replace(/_+$/, "") || "migration");
}

function renderFile(m: { id: string; parents: readonly string[]; message: string; up: readonly Operation[]; down: readonly Operation[] }, specifier: string): string {
  const json = (value: unknown) => JSON.stringify(value, null, 2).replace(/\n/g, "\n  ");
  return [
    `import { defineMigration } from ${JSON.stringify(specifier)};`,
    "",
    "export default defineMigration({",
    `  id: ${JSON.stringify(m.id)},`,
    `  parents: ${JSON.stringify(m.parents)},`,
    `  message: ${JSON.stringify(m.message)},`,
    `  up: ${json(m.up)},`,
    `  down: ${json(m.down)},`,
    "});",
    "",
  ].join("\n");
}
