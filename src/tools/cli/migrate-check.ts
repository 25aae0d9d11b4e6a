/**
 * `migrate check [--json]`: models ↔ history ↔ live database, for CI before a deploy. Prints each
 * comparison and what to run about it; exit 1 on any difference (or pending, edited, unknown or
 * half-done migration), 0 when all three agree.
 */
import { checkDrift, type DriftReport } from "../../migrations/drift/check.js";
import type { SchemaDifference } from "../../migrations/drift/differences.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { CliError, EXIT_PROBLEMS } from "./errors.js";
import type { Flags } from "./migrate.js";
import { loadGraph, withEngine } from "./migrate-load.js";
import { modelsSchema } from "./migrate-models.js";
import { dialectOf } from "./migrate-sql.js";

/** `migrate check`; resolves to the exit code. */
export async function runCheck(flags: Flags, config: CliConfig, io: Output, verbose: boolean): Promise<number> {
  if (config.url === undefined) throw new CliError(`migrate check needs the live database: give --url, set ATHANOR_URL, or "url" in athanor.config.json`);
  const graph = await loadGraph(config);
  const models = await modelsSchema(config, dialectOf(flags, config), "migrate check");
  const report = await withEngine(config, verbose, io, async (engine, shown) => {
    const report = await checkDrift({ engine, graph, models });
    if (flags["json"] === true) io.out(JSON.stringify(report, null, 2));
    else printReport(report, shown, io);
    return report;
  });
  return report.clean ? 0 : EXIT_PROBLEMS;
}

function printReport(report: DriftReport, shown: string, io: Output): void {
  const section = (title: string, difference: SchemaDifference, fix: string) => {
    if (difference.same) return io.out(`ok    ${title}: no difference`);
    io.out(`DRIFT ${title}: ${difference.lines.length} difference(s); ${fix}`);
    for (const line of difference.lines) io.out(`        ${line}`);
  };
  section("models vs history", report.modelsVsHistory, `write a migration for them: athanor migrate new "message"`);
  section(
    `${shown} vs its applied migrations (${report.current.join(", ") || "base"})`,
    report.liveVsHistory,
    "the database was changed outside the migrations: undo the change by hand, or capture it in a migration and 'migrate stamp' it",
  );
  const list = (label: string, ids: readonly string[], fix: string) => {
    if (ids.length) io.out(`DRIFT ${label}: ${ids.join(", ")}; ${fix}`);
  };
  list("not applied to the database", report.pending, "run 'athanor migrate up'");
  list("applied, then edited", report.edited, "restore the files as applied, or 'migrate stamp' after checking the database matches");
  list("applied but no file", report.unknown, "this checkout is older than the database");
  list("half applied", report.partial, "finish with 'athanor migrate up' or go back with 'athanor migrate down'");
  io.out(report.clean ? "models, history and database agree" : "drift found");
}
