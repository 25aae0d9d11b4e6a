/**
 * The `athanor/migrations` entry point: what migration files import (`defineMigration`, the
 * operation types, the column `types`), the planner and executor, and the history API the CLI is
 * built on.
 */
export { defineMigration, type MigrationDefinition } from "./migration.js";
export type { Operation, OperationKind, OperationOf, TableRef, ColumnChange, LintSuppression } from "./operations/operation.js";
export { types } from "../core/types/sql-type.js";
export { schemaModelOf } from "./schema/schema-model-of.js";
export { applyToModel, applyAllToModel, OperationModelError, type OperationModelProblem } from "./operations/apply-to-model.js";
export { planSteps, PlanError, type PlanOptions } from "./apply/plan.js";
export { renderOperation, executeSql } from "./apply/render.js";
export { runSteps, MigrationStepError, ForeignKeyCheckError, type RunHooks } from "./apply/run-steps.js";
export { describeOperation } from "./apply/sqlite-rebuild.js";
export type { Step } from "./apply/step.js";
export { canonicalCheckSql, canonicalType, canonicalTable, canonicalSchema, sameType, sameSchema } from "./schema/canonical.js";
export { checksumOf } from "./history/checksum.js";
export { buildGraph, MigrationGraph, type MigrationNode } from "./history/graph.js";
export { listMigrationFiles, loadMigrations, type LoadedMigration, type ModuleImporter } from "./history/files.js";
export { VersionTable, VERSION_TABLE, type VersionRow, type VersionState } from "./history/version-table.js";
export { MigrationRunner, type RunnerOptions, type RunnerEvents } from "./history/runner.js";
export { SchemaReplay } from "./history/replay.js";
export { offlineSql, type OfflineSqlOptions } from "./history/offline-sql.js";
export { resolveTarget, upPlan, downPlan, BASE } from "./history/plan.js";
export { migrationStatus, type MigrationStatus, type StatusEntry } from "./history/status.js";
export {
  MigrationHistoryError,
  BranchError,
  UnknownParentError,
  HistoryCycleError,
  EditedMigrationError,
  MigrationFailedError,
  InvalidMigrationFileError,
} from "./history/errors.js";
export { op, type TableInput, type ColumnInput, type IndexInput, type TableDefinition, type OperationOptions, type ColumnState } from "./operations/op.js";
export { reverse, downOf, IrreversibleOperationError } from "./operations/reverse.js";
export { diffSchemas, type DiffOptions } from "./diff/diff-schemas.js";
export { DataLossError, type DataLoss } from "./diff/data-loss.js";
export { typeChangeLoss } from "./diff/type-change.js";
export { withRenameHints } from "./diff/rename-hints.js";
export { migrationSource, type MigrationSourceOptions } from "./codegen/migration-source.js";
export { migrationId } from "./codegen/migration-id.js";
export { generateMigration, type GenerateOptions, type GeneratedMigration } from "./codegen/generate.js";
export { MIGRATIONS_TABLE } from "../engine/inspector.js";
