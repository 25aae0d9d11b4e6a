/**
 * A type change to a shorter text type over a value whose extra characters are spaces.
 * PostgreSQL's assignment to VARCHAR(n) cuts trailing spaces past n without a word (the SQL
 * standard's rule: 'abc        ' became 'abc  ', and 'a ' under an enum's VARCHAR(1) became 'a',
 * which the enum's check then accepted); MariaDB stores 'a ' in an ENUM as 'a' (its values are
 * compared with trailing spaces ignored), and from a TEXT column cuts trailing spaces and tabs
 * past a VARCHAR's length with a note only, even in strict mode ('ab\t\t' became 'ab\t'). A SQLite
 * rebuild refuses such values, so the step is refused before it runs, the value kept.
 */
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { tableKey, type TypeModel } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import { literal } from "./catalog-sql.js";
import type { Refusal } from "./step.js";

/** @internal The refusal of `op` (a type change to a shorter `string(n)` or an enum with fewer values) over a value it would change. */
export function textFitRefusal(op: Operation, ddl: DdlCompiler, dialect: "postgresql" | "mysql"): Refusal | undefined {
  if (op.op !== "alterColumn" || op.to.type === undefined || holdsAll(op.from.type, op.to.type)) return undefined;
  const c = ddl.identifier(op.column);
  const where = misfit(c, op.to.type, dialect);
  if (!where) return undefined;
  return {
    sql: `SELECT ${c} AS v FROM ${ddl.tableName(op.table)} WHERE ${where} LIMIT 1`,
    reason:
      `column ${tableKey(op.table)}.${op.column} holds a value that ${describe(op.to.type)} would change (${
        dialect === "postgresql"
          ? "PostgreSQL cuts trailing spaces past the length without a word"
          : "MariaDB/MySQL cut trailing spaces and tabs past the length with a note only, even in strict mode, and an enum value's trailing spaces"
      }; a SQLite rebuild refuses it). Fix such values first (an execute step with an UPDATE before the change), or keep the old type`,
    detail: (row) => `found ${JSON.stringify(row["v"])}`,
  };
}

/** The condition a value that the new type would store otherwise meets; undefined when the database refuses the rest itself. */
function misfit(c: string, type: TypeModel, dialect: "postgresql" | "mysql"): string | undefined {
  if (type.kind === "enum" && type.values?.length) {
    // Compared as bytes: MariaDB's collations ignore trailing spaces (PAD SPACE).
    const values = type.values.map(literal).join(", ");
    return dialect === "postgresql" ? `${c}::TEXT NOT IN (${values})` : `CAST(${c} AS BINARY) NOT IN (${type.values.map((v) => `CAST(${literal(v)} AS BINARY)`).join(", ")})`;
  }
  if (type.kind === "string" && type.length !== undefined) return dialect === "postgresql" ? `char_length(${c}::TEXT) > ${type.length}` : `CHAR_LENGTH(${c}) > ${type.length}`;
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
