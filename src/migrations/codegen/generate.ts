/**
 * `generateMigration`: what `athanor migrate new` does after it has the two schemas: diff them,
 * derive the down from the up, and write the migration file's source.
 */
import type { SchemaModel } from "../../core/schema/schema-model.js";
import { diffSchemas, type DiffOptions } from "../diff/diff-schemas.js";
import type { MigrationDefinition } from "../migration.js";
import { makeOnlineSafe } from "../lint/online-safe.js";
import { downOf } from "../operations/reverse.js";
import { migrationId } from "./migration-id.js";
import { migrationSource } from "./migration-source.js";

/** Options of `generateMigration`: the diff's, and the file's identity. */
export interface GenerateOptions extends DiffOptions {
  readonly message: string;
  /** The migrations this one follows (the current heads); none for the first. */
  readonly parents: readonly string[];
  /** For the id's timestamp; default now. */
  readonly date?: Date;
  /** The module the file imports from; default `"athanor/migrations"`. */
  readonly importFrom?: string;
  /** Write the online forms the lint asks for (`makeOnlineSafe`: PostgreSQL CONCURRENTLY, NOT VALID + VALIDATE). */
  readonly onlineSafe?: boolean;
}

/** A generated migration: its definition (`up` empty when the schemas are equal) and its file's source. */
export interface GeneratedMigration {
  readonly definition: MigrationDefinition;
  readonly source: string;
}

/**
 * The migration from schema `from` (what the history produces) to `to` (the models, with their
 * rename hints), `down` generated as the reverse of `up`.
 *
 * @throws DataLossError as `diffSchemas` does
 *
 * ```ts
 * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
 * const { definition, source } = generateMigration(await engine.inspect().reflect(), schemaModelOf(Base.metadata, engine.dialect), {
 *   dialect: engine.dialect,
 *   message: "add isbn",
 *   parents: graph.heads,
 * });
 * // write `source` to migrations/${definition.id}.ts
 * ```
 */
export function generateMigration(from: SchemaModel, to: SchemaModel, options: GenerateOptions): GeneratedMigration {
  const diff = diffSchemas(from, to, options);
  const up = options.onlineSafe ? makeOnlineSafe(diff, options.dialect, { schema: from }) : diff;
  const definition: MigrationDefinition = {
    id: migrationId(options.date ?? new Date(), options.message),
    parents: [...options.parents],
    message: options.message,
    up,
    down: downOf(up, from),
  };
  return { definition, source: migrationSource(definition, options.importFrom === undefined ? {} : { importFrom: options.importFrom }) };
}
