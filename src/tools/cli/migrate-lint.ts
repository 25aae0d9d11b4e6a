/**
 * `migrate lint [target]`: the lint over every migration (or one), each against the schema the
 * history has before it, so that a table created in the same migration is known to be empty.
 * Exit 1 when any finding is an error; `migrate new` prints the same findings for its new file.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import { resolveTarget } from "../../migrations/history/plan.js";
import { SchemaReplay } from "../../migrations/history/replay.js";
import { lintOperations } from "../../migrations/lint/lint.js";
import type { MigrationDefinition } from "../../migrations/migration.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { EXIT_PROBLEMS } from "./errors.js";
import type { Flags } from "./migrate.js";
import { loadGraph } from "./migrate-load.js";
import { dialectOf } from "./migrate-sql.js";

/** `migrate lint`; resolves to the exit code. */
export async function runLint(target: string | undefined, flags: Flags, config: CliConfig, io: Output): Promise<number> {
  const dialect = dialectOf(flags, config);
  const graph = await loadGraph(config);
  const replay = new SchemaReplay(graph);
  const ids = target === undefined ? graph.order : [resolveTarget(graph, target)!];
  let errors = 0;
  let findings = 0;
  for (const id of ids) {
    const printed = printFindings(graph.get(id).migration.definition, replay.schemaBefore(id), dialect, io);
    errors += printed.errors;
    findings += printed.findings;
  }
  io.out(`${ids.length} migration(s) linted for ${dialect.name}: ${findings} finding(s), ${errors} error(s)`);
  return errors ? EXIT_PROBLEMS : 0;
}

/** Prints the lint's findings on a migration's `up`; returns how many, and how many are errors. */
export function printFindings(migration: MigrationDefinition, before: SchemaModel, dialect: Dialect, io: Output): { findings: number; errors: number } {
  const found = lintOperations(migration.up, { dialect, schema: before });
  for (const f of found) {
    io.out(`${f.severity.padEnd(7)} ${migration.id} up[${f.operationIndex}] ${f.rule}: ${f.message}`);
    io.out(`        fix: ${f.fix}`);
  }
  return { findings: found.length, errors: found.filter((f) => f.severity === "error").length };
}
