/**
 * A type change to a shorter text type, or to an enum, over a value the database would change
 * without a word. PostgreSQL's assignment to VARCHAR(n) cuts trailing spaces past n (the SQL
 * standard's rule: 'abc        ' became 'abc  ', and 'a ' under an enum's VARCHAR(1) became 'a',
 * which the enum's check then accepted). MariaDB, from a TEXT column, cuts trailing spaces, tabs
 * and line breaks past a VARCHAR's length with a note only, even in strict mode ('ab\t\t' became
 * 'ab\t'), and stores 'a ' in an ENUM as 'a' (its values are compared with trailing spaces
 * ignored, and case under a `_ci` collation). A SQLite rebuild refuses such values, so the step is
 * refused before it runs, the value kept.
 */
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { tableKey, type TypeModel } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import { literal } from "./catalog-sql.js";
import type { Refusal } from "./step.js";

/** @internal The refusal of `op` (a type change to a shorter `string(n)`, or to an enum) over a value it would change. */
export function textFitRefusal(op: Operation, ddl: DdlCompiler, dialect: "postgresql" | "mysql"): Refusal | undefined {
  if (op.op !== "alterColumn" || op.to.type === undefined || holdsAll(op.from.type, op.to.type)) return undefined;
  const c = ddl.identifier(op.column);
  const found = misfit(c, op.to.type, dialect);
  if (!found) return undefined;
  return {
    sql: `SELECT ${c} AS v FROM ${ddl.tableName(op.table)} WHERE ${found.where} LIMIT 1`,
    reason:
      `column ${tableKey(op.table)}.${op.column} holds a value ${found.what} (${found.why}; a SQLite rebuild refuses it). ` +
      `Fix such values first (an execute step with an UPDATE before the change), or keep the old type`,
    detail: (row) => `found ${JSON.stringify(row["v"])}`,
  };
}

/** The condition a value the database would change meets, and what to say of it; undefined when the database refuses the rest itself. */
function misfit(c: string, type: TypeModel, dialect: "postgresql" | "mysql"): { where: string; what: string; why: string } | undefined {
  const length = type.kind === "string" ? type.length : type.kind === "enum" ? Math.max(0, ...(type.values ?? []).map((v) => v.length)) : undefined;
  if (dialect === "postgresql") {
    // An enum is a VARCHAR of its longest value with a check: the check refuses the others.
    if (length === undefined || (type.kind === "enum" && !type.values?.length)) return undefined;
    return { where: `char_length(${c}::TEXT) > ${length}`, what: `longer than ${describe(type)} allows`, why: "PostgreSQL would cut its trailing spaces without a word, or refuse it" };
  }
  if (type.kind === "enum" && type.values?.length) {
    // Equal to a value under the column's collation, but not byte for byte: stored as that value.
    const values = type.values.map(literal).join(", ");
    const bytes = type.values.map((v) => `CAST(${literal(v)} AS BINARY)`).join(", ");
    return {
      where: `${c} IN (${values}) AND CAST(${c} AS BINARY) NOT IN (${bytes})`,
      what: `that ${describe(type)} would store as another`,
      why: "MariaDB/MySQL compare enum values ignoring trailing spaces (and case under a _ci collation): 'a ' is stored as 'a'",
    };
  }
  if (type.kind === "string" && length !== undefined) {
    return {
      where: `CHAR_LENGTH(${c}) > ${length}`,
      what: `longer than ${describe(type)} allows`,
      why: "MariaDB/MySQL would cut it: from a TEXT column with a note only, even in strict mode, when what is cut is spaces, tabs or line breaks",
    };
  }
  return undefined;
}

function describe(type: TypeModel): string {
  return type.kind === "enum" ? `enum(${(type.values ?? []).join(", ")})` : type.kind === "string" ? `string(${type.length})` : type.kind;
}

/** Whether every value of `from` is one of `to` (no query, no scan of the table: a widening). */
function holdsAll(from: TypeModel, to: TypeModel): boolean {
  if (to.kind === "string") return from.kind === "string" && from.length !== undefined && (to.length === undefined || from.length <= to.length);
  if (to.kind === "enum") return from.kind === "enum" && (from.values ?? []).every((v) => to.values?.includes(v));
  return true;
}
