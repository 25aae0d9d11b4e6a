/**
 * The schema the models describe, for `migrate new`: every registry of the models entry, each
 * MetaData as the dialect's DDL would create it, with the declared renames (`renamedFrom`,
 * `previousNames`) the differ reads.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import { sortTableModels } from "../../core/compiler/table-model.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import { withRenameHints } from "../../migrations/diff/rename-hints.js";
import { schemaModelOf } from "../../migrations/schema/schema-model-of.js";
import type { CliConfig } from "./config.js";
import { CliError } from "./errors.js";
import { loadModels } from "./load-models.js";

/** The models' schema for `dialect`; throws `CliError` when no models are configured. */
export async function modelsSchema(config: CliConfig, dialect: Dialect): Promise<SchemaModel> {
  if (config.models === undefined) {
    throw new CliError(`migrate new needs the models: set "models" in athanor.config.json, ATHANOR_MODELS or --models (or pass --empty for a hand-written migration)`);
  }
  const { registries } = await loadModels(config.models);
  const schemas = registries.map((r) => withRenameHints(schemaModelOf(r.metadata, dialect), r.metadata));
  return { tables: sortTableModels(schemas.flatMap((s) => s.tables)), enums: [] };
}
