/**
 * `athanor/migrations`: the migrations API (what migration files import, and what the CLI is built
 * on). A plain list of exports, one line per module.
 */
export { defineMigration, type MigrationDefinition } from "./migration.js";
export type { ColumnChange, LintSuppression, Operation, OperationKind, OperationOf, TableRef } from "./operations/operation.js";
export { schemaModelOf } from "./schema/schema-model-of.js";
export { applyToModel, applyAllToModel, OperationModelError, type OperationModelProblem } from "./operations/apply-to-model.js";
export { planSteps, PlanError, type PlanOptions } from "./apply/plan.js";
export { renderOperation, executeSql } from "./apply/render.js";
export { runSteps, MigrationStepError, ForeignKeyCheckError, type RunHooks } from "./apply/run-steps.js";
export { describeOperation } from "./apply/sqlite-rebuild.js";
export type { Step } from "./apply/step.js";
export { canonicalCheckSql, canonicalType, canonicalTable, canonicalSchema, sameType, sameSchema } from "./schema/canonical.js";
export { MIGRATIONS_TABLE } from "../engine/inspector.js";
export { lintOperations, type LintOptions } from "./lint/lint.js";
export { LINT_RULES, isRuleId, type Finding, type LintRule, type RuleId, type Severity } from "./lint/rules.js";
export { makeOnlineSafe, splitOnlinePhases, notNullCheckName, type OnlineSafeOptions } from "./lint/online-safe.js";
export { lockTimeoutPreamble, parseLockTimeout, type LockTimeoutOptions } from "./lint/lock-timeout.js";
export type { LintDialect } from "./lint/dialect-of.js";
export { modelFilesOf, type ModelFile, type PullOptions } from "./pull/model-files.js";
export { tablesOfSchema } from "./pull/select-tables.js";
export { op, type TableInput, type ColumnInput, type IndexInput, type TableDefinition, type OperationOptions, type ColumnState } from "./operations/op.js";
export { reverse, downOf, IrreversibleOperationError } from "./operations/reverse.js";
export { diffSchemas, type DiffOptions } from "./diff/diff-schemas.js";
export { DataLossError, type DataLoss } from "./diff/data-loss.js";
export { typeChangeLoss } from "./diff/type-change.js";
export { withRenameHints } from "./diff/rename-hints.js";
export { migrationSource, type MigrationSourceOptions } from "./codegen/migration-source.js";
export { migrationId } from "./codegen/migration-id.js";
export { generateMigration, type GenerateOptions, type GeneratedMigration } from "./codegen/generate.js";
export { types } from "../core/types/sql-type.js";
