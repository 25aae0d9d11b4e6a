/** `athanor/migrations`: migrations built on Core and the engine's inspector. */
export { schemaModelOf } from "./schema/schema-model-of.js";
export { canonicalCheckSql, canonicalType, canonicalTable, canonicalSchema, sameType, sameSchema } from "./schema/canonical.js";
export { defineMigration, type MigrationDefinition } from "./migration.js";
export type { Operation, OperationKind, OperationOf, TableRef, ColumnChange, LintSuppression } from "./operations/operation.js";
export { op, type TableInput, type ColumnInput, type IndexInput, type TableDefinition, type OperationOptions, type ColumnState } from "./operations/op.js";
export { reverse, downOf, IrreversibleOperationError } from "./operations/reverse.js";
export { diffSchemas, type DiffOptions } from "./diff/diff-schemas.js";
export { DataLossError, type DataLoss } from "./diff/data-loss.js";
export { typeChangeLoss } from "./diff/type-change.js";
export { withRenameHints } from "./diff/rename-hints.js";
export { migrationSource, type MigrationSourceOptions } from "./codegen/migration-source.js";
export { migrationId } from "./codegen/migration-id.js";
export { types } from "../core/types/sql-type.js";
