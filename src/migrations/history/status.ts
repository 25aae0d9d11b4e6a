/**
 * The state of the database against the migration files: which migrations are applied, partly
 * applied or pending, which were edited since, and which rows name no file.
 */
import type { MigrationGraph } from "./graph.js";
import type { VersionRow } from "./version-table.js";

/** One migration file and its row, if any. */
export interface StatusEntry {
  readonly id: string;
  readonly message: string;
  readonly parents: readonly string[];
  readonly row: VersionRow | undefined;
  /** Applied with a different checksum: the file changed after it was applied. */
  readonly edited: boolean;
}

/** What `history` and `current` print, and what `up`/`down` check first. */
export interface MigrationStatus {
  /** Every migration file, parents first. */
  readonly entries: readonly StatusEntry[];
  /** Rows of the version table for which no file exists (a checkout older than the database). */
  readonly unknownRows: readonly VersionRow[];
  /** Applied (fully) migrations whose file changed. */
  readonly edited: readonly string[];
  /** Migrations left half done by a failure (MySQL/MariaDB). */
  readonly partial: readonly VersionRow[];
  /** The applied migrations that no applied migration follows: the database's current version(s). */
  readonly current: readonly string[];
}

/**
 * Compares the version table's rows with the migration files (`MigrationRunner.status()` reads the rows for you).
 *
 * ```ts
 * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
 * const status = await new MigrationRunner({ connection: conn, graph }).status();
 * const pending = status.entries.filter((e) => e.row === undefined).map((e) => e.id);
 * ```
 */
export function migrationStatus(graph: MigrationGraph, rows: readonly VersionRow[]): MigrationStatus {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const entries = graph.order.map((id): StatusEntry => {
    const node = graph.get(id);
    const row = byId.get(id);
    return {
      id,
      message: node.migration.definition.message,
      parents: node.parents,
      row,
      edited: row !== undefined && row.state === "applied" && row.checksum !== node.migration.checksum,
    };
  });
  const applied = new Set(entries.filter((e) => e.row).map((e) => e.id));
  return {
    entries,
    unknownRows: rows.filter((r) => !graph.has(r.id)),
    edited: entries.filter((e) => e.edited).map((e) => e.id),
    partial: rows.filter((r) => r.state !== "applied"),
    current: entries.filter((e) => e.row && !graph.get(e.id).children.some((c) => applied.has(c))).map((e) => e.id),
  };
}
