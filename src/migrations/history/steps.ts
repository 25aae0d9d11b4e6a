/**
 * The one place where the history meets the renderer (`src/migrations/apply/`): the planner,
 * the executor and the model replay, and the live schema that MySQL/MariaDB's step guards read.
 */
import type { SchemaModel } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import type { Connection } from "../../engine/connection.js";
import { MIGRATIONS_LOCK_TABLE } from "../../engine/inspector.js";
import { VERSION_TABLE } from "./version-table.js";

export { planSteps } from "../apply/plan.js";
export { runSteps, MigrationStepError as StepError } from "../apply/run-steps.js";
export { sessionEscapes } from "../../engine/mysql-escapes.js";
export { schemaOnly } from "../apply/sql-kind.js";
export type { Step } from "../apply/step.js";
export { applyToModel } from "../operations/apply-to-model.js";

/** The schema with no table: where the history starts. */
export const EMPTY_SCHEMA: SchemaModel = { tables: [], enums: [] };

/** The database's schema as it is now, read on `connection` (for the steps' rerun guards), with `schemas` besides the default one. */
export function liveSchema(connection: Connection, schemas: readonly string[] = []): Promise<SchemaModel> {
  const raw = { execute: (sql: string, params: readonly unknown[]) => connection.run(sql, params), release: () => undefined };
  return connection.dialect.reflect(raw, { exclude: [VERSION_TABLE, MIGRATIONS_LOCK_TABLE], ...(schemas.length ? { schemas } : {}) });
}

/** The schemas besides the default one that `ops` name (PostgreSQL schemas, MySQL databases), for `liveSchema`. */
export function schemasNamed(ops: readonly Operation[]): string[] {
  const named = ops.flatMap((op) => {
    const schema = op.op === "renameTable" ? op.schema : op.op === "execute" ? undefined : op.table.schema;
    return schema === undefined ? [] : [schema];
  });
  return [...new Set(named)];
}
