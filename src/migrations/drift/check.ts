/**
 * `migrate check`: drift, three ways. The models against the history (replayed on a scratch
 * database), and the live database against the schema its own applied migrations produce
 * (replayed likewise), plus migrations not applied yet, edited since, or unknown to the files.
 * Any of these makes the check fail: it is meant for CI, before a deploy.
 */
import type { SchemaModel } from "../../core/schema/schema-model.js";
import type { Engine } from "../../engine/engine.js";
import type { MigrationGraph } from "../history/graph.js";
import { MigrationRunner } from "../history/runner.js";
import { withScratchDatabase } from "../scratch.js";
import { differenceOf, type SchemaDifference } from "./differences.js";
import { DatabaseReplay, schemasOf } from "./replay-on-database.js";

/** What `checkDrift` found; `clean` when nothing. */
export interface DriftReport {
  readonly clean: boolean;
  /** What a new migration would contain: the history's head → the models. */
  readonly modelsVsHistory: SchemaDifference;
  /** What would bring the live database to the schema its applied migrations produce. */
  readonly liveVsHistory: SchemaDifference;
  /** The live database's current migration(s); empty when none is applied. */
  readonly current: readonly string[];
  /** Migrations in the files that the live database has not applied, in order. */
  readonly pending: readonly string[];
  /** Applied migrations whose file changed since. */
  readonly edited: readonly string[];
  /** Version rows that name no migration file. */
  readonly unknown: readonly string[];
  /** Migrations left half done (MySQL/MariaDB). */
  readonly partial: readonly string[];
}

/** Options of `checkDrift`. */
export interface CheckOptions {
  /** The live database. Its history is replayed on a scratch database on the same server. */
  readonly engine: Engine;
  readonly graph: MigrationGraph;
  /** The models' schema for the live database's dialect (with rename hints, or not: they are ignored). */
  readonly models: SchemaModel;
}

/** Compares models, history and the live database; reads the live database only. */
export async function checkDrift(options: CheckOptions): Promise<DriftReport> {
  const { engine: live, graph, models } = options;
  graph.assertSingleHead();
  const dialect = live.dialect;
  const status = await live.withConnection((connection) => new MigrationRunner({ connection, graph }).status());
  const liveSchema = await live.inspect().reflect({ schemas: schemasOf(models) });
  const schemas = schemasOf(models, liveSchema);
  const { atCurrent, atHead } = await withScratchDatabase(live, async (scratch) => {
    const replay = new DatabaseReplay(scratch, graph, schemas);
    for (const id of status.current) if (graph.has(id)) await replay.up(id);
    const atCurrent = await replay.reflect();
    const head = graph.heads[0];
    if (head !== undefined) await replay.up(head);
    return { atCurrent, atHead: await replay.reflect() };
  });
  const modelsVsHistory = differenceOf(atHead, models, dialect);
  const liveVsHistory = differenceOf(liveSchema, atCurrent, dialect);
  const applied = new Set(status.entries.filter((e) => e.row?.state === "applied").map((e) => e.id));
  const pending = graph.order.filter((id) => !applied.has(id));
  const report = {
    modelsVsHistory,
    liveVsHistory,
    current: status.current,
    pending,
    edited: status.edited,
    unknown: status.unknownRows.map((r) => r.id),
    partial: status.partial.map((r) => r.id),
  };
  const clean =
    modelsVsHistory.same && liveVsHistory.same && pending.length === 0 && report.edited.length === 0 && report.unknown.length === 0 && report.partial.length === 0;
  return { clean, ...report };
}
