/**
 * MySQL/MariaDB change a column's type or nullability with `MODIFY COLUMN`, which restates the
 * whole column: what the statement does not say is gone. The definition comes from the migration
 * history, which knows no COLLATE, comment, ON UPDATE, INVISIBLE or generated expression, nor a
 * default set outside it (by hand, an `execute` step): those were dropped without a word. The
 * step is refused instead when the live column has one of them, naming it, nothing changed.
 */
import type { ColumnModel } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import type { Step } from "./step.js";

/** The `refuseIf` of an `alterColumn` that MySQL runs as `MODIFY COLUMN` (type or nullability changed). */
export function modifyKeepsLive(op: Operation, after: ColumnModel): Step["refuseIf"] {
  if (op.op !== "alterColumn" || (op.to.type === undefined && op.to.nullable === undefined)) return undefined;
  const text = isCharacterType(after.type);
  const lost = [
    // A type that is no longer text has no collation: that is the change asked for.
    text ? `IF(c.COLLATION_NAME <> t.TABLE_COLLATION, CONCAT('COLLATE ', c.COLLATION_NAME), NULL)` : "NULL",
    // The statement restates the history's default; with none there, a default on the server is dropped.
    after.serverDefault === undefined ? `IF(c.COLUMN_DEFAULT IS NOT NULL AND c.COLUMN_DEFAULT <> 'NULL', CONCAT('DEFAULT ', c.COLUMN_DEFAULT), NULL)` : "NULL",
    `IF(c.COLUMN_COMMENT <> '', CONCAT('COMMENT ', QUOTE(c.COLUMN_COMMENT)), NULL)`,
    `IF(c.EXTRA LIKE '%on update%', 'ON UPDATE', NULL)`,
    `IF(c.EXTRA LIKE '%INVISIBLE%', 'INVISIBLE', NULL)`,
    `IF(c.EXTRA LIKE '%GENERATED%', 'a generated expression', NULL)`,
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

function isCharacterType(type: ColumnModel["type"]): boolean {
  if (type.kind === "raw") return /char|text|enum|set\b/i.test(type.sql);
  return type.kind === "string" || type.kind === "text" || type.kind === "enum";
}

/** A string literal for names (information_schema lookups). */
function literal(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
}
