/** `athanor/migrations`: migrations built on Core and the engine's inspector. */
export { schemaModelOf } from "./schema/schema-model-of.js";
export { applyToModel, applyAllToModel, OperationModelError, type OperationModelProblem } from "./operations/apply-to-model.js";
export { planSteps, PlanError, type PlanOptions } from "./apply/plan.js";
export { renderOperation, executeSql } from "./apply/render.js";
export { runSteps, MigrationStepError, ForeignKeyCheckError, type RunHooks } from "./apply/run-steps.js";
export { describeOperation } from "./apply/sqlite-rebuild.js";
export type { Step } from "./apply/step.js";
export { canonicalCheckSql, canonicalType, canonicalTable, canonicalSchema, sameType, sameSchema } from "./schema/canonical.js";
export { MIGRATIONS_TABLE } from "../engine/inspector.js";
