/**
 * `athanor/migrations`: what migration files import (`defineMigration`, `op`, `types`), and the
 * programmatic API the `athanor migrate` and `athanor pull` commands are built on. Everything else
 * under src/migrations is internal.
 *
 * @module athanor/migrations
 */
// Migration files
export { defineMigration, type MigrationDefinition } from "./migration.js";
export { op, type TableInput, type ColumnInput, type IndexInput, type TableDefinition, type OperationOptions, type DropOptions, type ColumnState } from "./operations/op.js";
export type { Operation, OperationKind, OperationOf, TableRef, ColumnChange, LintSuppression } from "./operations/operation.js";
export { types } from "../core/types/sql-type.js";

// History and running
export { buildGraph, MigrationGraph, type MigrationNode } from "./history/graph.js";
export { loadMigrations, type LoadedMigration, type ModuleImporter } from "./history/files.js";
export { MigrationRunner, type RunnerOptions, type RunnerEvents, type DownOptions, type UpOptions } from "./history/runner.js";
export { DownDataLossError, MigrationDataLossError, UpDataLossError, type DownLoss } from "./history/data-loss-guard.js";
export { offlineSql, type OfflineSqlOptions } from "./history/offline-sql.js";
export { migrationStatus, type MigrationStatus, type StatusEntry } from "./history/status.js";
export type { VersionRow, VersionState } from "./history/version-table.js";
export {
  MigrationHistoryError,
  BranchError,
  UnknownParentError,
  HistoryCycleError,
  EditedMigrationError,
  MigrationFailedError,
  PartialMigrationError,
  InvalidMigrationFileError,
} from "./history/errors.js";
export { MigrationStepError, ForeignKeyCheckError } from "./apply/run-steps.js";
export { RebuildWouldLoseError, ValueDoesNotFitError } from "./apply/sqlite-rebuild-check.js";
export { PlanError } from "./apply/plan.js";
export { OperationModelError, type OperationModelProblem } from "./operations/apply-to-model.js";
export { MIGRATIONS_TABLE } from "../engine/inspector.js";

// Generating
export { schemaModelOf } from "./schema/schema-model-of.js";
export { diffSchemas, type DiffOptions } from "./diff/diff-schemas.js";
export { DataLossError, type DataLoss } from "./diff/data-loss.js";
export { AmbiguousRenameError } from "./diff/match-names.js";
export { withRenameHints } from "./diff/rename-hints.js";
export { reverse, downOf, IrreversibleOperationError } from "./operations/reverse.js";
export { generateMigration, type GenerateOptions, type GeneratedMigration } from "./codegen/generate.js";
export { migrationSource, type MigrationSourceOptions } from "./codegen/migration-source.js";
export { migrationId } from "./codegen/migration-id.js";

// Lint
export { lintOperations, type LintOptions } from "./lint/lint.js";
export { LINT_RULES, type Finding, type LintRule, type RuleId, type Severity } from "./lint/rules.js";
export { makeOnlineSafe, type OnlineSafeOptions } from "./lint/online-safe.js";
export type { DialectRef } from "./dialect-ref.js";

// Pull
export { modelFilesOf, type ModelFile, type PullOptions } from "./pull/model-files.js";
export { tablesOfSchema } from "./pull/select-tables.js";
