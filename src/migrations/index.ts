/** `athanor/migrations`: migrations built on Core and the engine's inspector. */
export { schemaModelOf } from "./schema/schema-model-of.js";
export { canonicalCheckSql, canonicalType, canonicalTable, canonicalSchema, sameType, sameSchema } from "./schema/canonical.js";
export { MIGRATIONS_TABLE } from "../engine/inspector.js";
export { modelFilesOf, type ModelFile, type PullOptions } from "./pull/model-files.js";
export { tablesOfSchema } from "./pull/select-tables.js";
