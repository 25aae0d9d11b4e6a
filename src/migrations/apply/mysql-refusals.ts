/**
 * What MySQL/MariaDB would do without a word where PostgreSQL and SQLite refuse or keep: each is a
 * query run before the step (`Step.refusals`) that refuses it, nothing changed.
 *
 * - A NOT NULL column without a default added over rows: each row gets the type's zero value.
 * - `MODIFY COLUMN` (a type or nullability change) restates the whole column from the migration
 *   history, which knows no COLLATE, comment, ON UPDATE, INVISIBLE, AUTO_INCREMENT or generated expression, nor a
 *   default set outside it (by hand, an `execute` step): those were dropped.
 * - Dropping or renaming a column or table that a view uses leaves the view broken (every query
 *   on it fails); PostgreSQL refuses the drop, SQLite refuses or rewrites the view.
 */
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { tableKey, type ColumnModel, type SchemaModel } from "../../core/schema/schema-model.js";
import type { Operation, TableRef } from "../operations/operation.js";
import type { Refusal } from "./step.js";

/** The refusal check of `op` on MySQL/MariaDB (one statement), if it has one; `after` is the schema once it ran. */
export function mysqlRefusal(op: Operation, ddl: DdlCompiler, after: SchemaModel): Refusal | undefined {
  switch (op.op) {
    case "addColumn":
      return notNullOverRows(op, ddl);
    case "alterColumn": {
      const altered = after.tables.find((t) => tableKey(t) === tableKey(op.table))?.columns.find((c) => c.name === op.column);
      return altered ? modifyKeepsLive(op, altered) : undefined;
    }
    case "dropColumn":
      return viewsUsing(op.table, op.column.name, "drops");
    case "renameColumn":
      return viewsUsing(op.table, op.from, "renames");
    case "dropTable":
      return viewsUsing(op.table, undefined, "drops");
    case "renameTable":
      return viewsUsing({ ...(op.schema ? { schema: op.schema } : {}), name: op.from }, undefined, "renames");
    default:
      return undefined;
  }
}


/** The `refuseIf` of an `alterColumn` that MySQL runs as `MODIFY COLUMN` (type or nullability changed). */
function modifyKeepsLive(op: Operation, after: ColumnModel): Refusal | undefined {
  if (op.op !== "alterColumn" || (op.to.type === undefined && op.to.nullable === undefined)) return undefined;
  const text = isCharacterType(after.type);
  const lost = [
    // A type that is no longer text has no collation: that is the change asked for.
    text ? `IF(c.COLLATION_NAME <> t.TABLE_COLLATION, CONCAT('COLLATE ', c.COLLATION_NAME), NULL)` : "NULL",
    // The statement restates the history's default; with none there (and none asked for), a default on the server is dropped.
    op.to.serverDefault === undefined && after.serverDefault === undefined ? `IF(c.COLUMN_DEFAULT IS NOT NULL AND c.COLUMN_DEFAULT <> 'NULL', CONCAT('DEFAULT ', c.COLUMN_DEFAULT), NULL)` : "NULL",
    `IF(c.COLUMN_COMMENT <> '', CONCAT('COMMENT ', QUOTE(c.COLUMN_COMMENT)), NULL)`,
    `IF(c.EXTRA LIKE '%on update%', 'ON UPDATE', NULL)`,
    `IF(c.EXTRA LIKE '%INVISIBLE%', 'INVISIBLE', NULL)`,
    // A generated column the history knows is restated with its expression.
    after.generated ? "NULL" : `IF(c.EXTRA LIKE '%GENERATED%', 'a generated expression', NULL)`,
    // So is AUTO_INCREMENT; without it in the history, MODIFY drops it and every insert without a key fails.
    after.autoincrement ? "NULL" : `IF(c.EXTRA LIKE '%auto_increment%', 'AUTO_INCREMENT', NULL)`,
  ];
  const schema = op.table.schema === undefined ? "DATABASE()" : literal(op.table.schema);
  const where = `${op.table.schema ? `${op.table.schema}.` : ""}${op.table.name}.${op.column}`;
  return {
    sql:
      `SELECT CONCAT_WS(', ', ${lost.join(", ")}) AS lost FROM information_schema.COLUMNS c ` +
      `JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME ` +
      `WHERE c.TABLE_SCHEMA = ${schema} AND c.TABLE_NAME = ${literal(op.table.name)} AND c.COLUMN_NAME = ${literal(op.column)} HAVING lost <> ''`,
    reason:
      `column ${where} has on the server what MODIFY COLUMN would drop (MariaDB/MySQL restate the whole column, and the migration ` +
      `history does not know it). Write this change as an execute step with the full column definition, keeping it`,
    detail: (row) => String(row["lost"]),
  };
}

/**
 * A text column made uuid over values that are not a uuid in lower case: MariaDB/MySQL keep them
 * as they are (CHAR(36)), where PostgreSQL refuses text that is no uuid and writes the others in
 * lower case. athanor reads and binds a uuid in lower case, so one kept in upper case read as its
 * lower case but a query for that never found it.
 */
export function uuidValueRefusal(op: Operation, ddl: DdlCompiler): Refusal | undefined {
  if (op.op !== "alterColumn" || op.to.type?.kind !== "uuid" || op.from.type.kind === "uuid") return undefined;
  const c = ddl.identifier(op.column);
  const hex = (n: number) => `[0-9a-f]{${n}}`;
  return {
    sql: `SELECT ${c} AS v FROM ${ddl.tableName(op.table)} WHERE CAST(${c} AS BINARY) NOT REGEXP '^${[8, 4, 4, 4, 12].map(hex).join("-")}$' LIMIT 1`,
    reason:
      `column ${tableKey(op.table)}.${op.column} holds a value that is not a uuid in lower case, which MariaDB/MySQL would keep as it is ` +
      `under the uuid type (athanor reads and looks up uuids in lower case; PostgreSQL refuses or converts such values). ` +
      `Convert them first (an execute step: UPDATE ... SET ${op.column} = LOWER(${op.column}), and fix or clear the others)`,
    detail: (row) => `found ${JSON.stringify(row["v"])}`,
  };
}

/**
 * MariaDB adds a NOT NULL column without a default to a table with rows by giving every row the
 * type's zero value (0, '', '0000-00-00 00:00:00') without a word; PostgreSQL and SQLite refuse.
 */
function notNullOverRows(op: Operation, ddl: DdlCompiler): Refusal | undefined {
  if (op.op !== "addColumn" || op.column.nullable || op.column.serverDefault !== undefined || op.column.autoincrement) return undefined;
  const where = `${tableKey(op.table)}.${op.column.name}`;
  return {
    sql: `SELECT 1 FROM ${ddl.tableName(op.table)} LIMIT 1`,
    reason:
      `column ${where} is NOT NULL without a server default and ${tableKey(op.table)} has rows: MariaDB/MySQL would give each row ` +
      `the type's zero value (0, '', a zero date) where PostgreSQL and SQLite refuse. Give the column a server default, or add it ` +
      `nullable, fill it (an execute step with an UPDATE) and then make it NOT NULL`,
  };
}

/**
 * Views whose definition names the table (or its column): MariaDB/MySQL keep a view's definition
 * normalised, every column as `db`.`table`.`column`, or, where the view gives the table an alias
 * (`FROM parent p`, any join), as `alias`.`column` with the table as `db`.`table` `alias`: both
 * forms are looked for.
 */
function viewsUsing(table: TableRef, column: string | undefined, verb: "drops" | "renames"): Refusal | undefined {
  const name = (text: string) => `'\`${backticks(text)}\`'`;
  const schema = table.schema === undefined ? "DATABASE()" : literal(table.schema);
  const qualifiedTable = `CONCAT('\`', REPLACE(${schema}, '\`', '\`\`'), '\`.', ${name(table.name)}`;
  const needle = `${qualifiedTable}${column === undefined ? "" : `, '.', ${name(column)}`})`;
  // The alias the view gives the table, then that alias's column (in either order: the select list comes first).
  const aliased =
    column === undefined
      ? ""
      : ` OR (LOCATE(${qualifiedTable}, ' \`'), VIEW_DEFINITION) > 0 AND VIEW_DEFINITION REGEXP ${literal(aliasPattern(table.name, column))})`;
  const what = `${table.schema ? `${table.schema}.` : ""}${table.name}${column === undefined ? "" : `.${column}`}`;
  return {
    sql: `SELECT GROUP_CONCAT(CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) SEPARATOR ', ') AS views FROM information_schema.VIEWS WHERE LOCATE(${needle}, VIEW_DEFINITION) > 0${aliased} HAVING views IS NOT NULL`,
    reason:
      `this step ${verb} ${what}, which a view uses: MariaDB/MySQL would leave the view broken (every query on it fails). ` +
      `Drop the view in the migration before this step and create it again after it (execute steps), or drop it for good`,
    detail: (row) => `views: ${String(row["views"])}`,
  };
}

/**
 * PCRE (MariaDB's REGEXP) for `` .`table` `a` `` and `` `a`.`column` `` in a view's definition, the
 * same alias `a` (a back-reference); athanor's statements run without NO_BACKSLASH_ESCAPES, so the
 * literal's doubled backslash reads as one.
 */
function aliasPattern(table: string, column: string): string {
  const id = (text: string) => "`" + [...text].map((c) => (/[A-Za-z0-9_]/.test(c) ? c : /[\]\\^]/.test(c) ? "." : `[${c}]`)).join("") + "`";
  return `(?s)[.]${id(table)} \`([^\`]+)\`.*\`\\1\`[.]${id(column)}|\`([^\`]+)\`[.]${id(column)}.*[.]${id(table)} \`\\2\``;
}

function backticks(text: string): string {
  return literalBody(text).replace(/`/g, "``");
}

function isCharacterType(type: ColumnModel["type"]): boolean {
  if (type.kind === "raw") return /char|text|enum|set\b/i.test(type.sql);
  return type.kind === "string" || type.kind === "text" || type.kind === "enum";
}

/** A string literal for names (information_schema lookups). */
function literal(text: string): string {
  return `'${literalBody(text)}'`;
}

function literalBody(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/'/g, "''");
}
