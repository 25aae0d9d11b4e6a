/**
 * Type changes over values the databases convert differently, where one of them changes the value:
 * a SQLite rebuild refuses them (`ValueDoesNotFitError`), so PostgreSQL and MariaDB refuse them too,
 * before the step, the value kept.
 *
 * - A `float` or `numeric` made `integer` / `bigint` over a value with a fraction: PostgreSQL and
 *   MariaDB round it (3.7 became 4, -2.50 became -3).
 * - A number made `boolean` over a value other than 0 and 1: PostgreSQL makes an integer 2 true,
 *   MariaDB keeps 2 under its BOOL (TINYINT) and rounds 0.5 to 0.
 *
 * To convert such values anyway, say how in the migration: an `execute` step with an UPDATE
 * (`ROUND(v)`, `CASE WHEN v <> 0 THEN 1 ELSE 0 END`) before the type change.
 */
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { tableKey, type TypeModel } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import type { Refusal } from "./step.js";

const NUMBERS: ReadonlySet<TypeModel["kind"]> = new Set(["integer", "bigint", "float", "numeric"]);

/** @internal The refusal of `op` (a type change) over a value PostgreSQL or MariaDB would change where SQLite refuses. */
export function lossyConversionRefusal(op: Operation, ddl: DdlCompiler, dialect: "postgresql" | "mysql"): Refusal | undefined {
  if (op.op !== "alterColumn" || op.to.type === undefined) return undefined;
  const from = op.from.type.kind;
  const to = op.to.type.kind;
  const c = ddl.identifier(op.column);
  let where: string;
  let what: string;
  if ((to === "integer" || to === "bigint") && (from === "float" || from === "numeric")) {
    where = dialect === "postgresql" ? `${c} <> trunc(${c})` : `${c} <> TRUNCATE(${c}, 0)`;
    what = `with a fraction, which ${dialect === "postgresql" ? "PostgreSQL" : "MariaDB/MySQL"} would round to a whole ${to}`;
  } else if (to === "boolean" && from !== "boolean" && NUMBERS.has(from)) {
    where = `${c} NOT IN (0, 1)`;
    what = `other than 0 and 1, which ${dialect === "postgresql" ? "PostgreSQL would make true" : "MariaDB/MySQL would keep (rounded) under a boolean"}`;
  } else {
    return undefined;
  }
  return {
    sql: `SELECT ${c} AS v FROM ${ddl.tableName(op.table)} WHERE ${where} LIMIT 1`,
    reason:
      `column ${tableKey(op.table)}.${op.column} holds a value ${what} (a SQLite rebuild refuses it, so every database does). ` +
      `Convert such values first, as you mean them (an execute step with an UPDATE before the change), or keep the old type`,
    detail: (row) => `found ${JSON.stringify(row["v"])}`,
  };
}
