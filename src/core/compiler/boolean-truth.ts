/**
 * Which nodes hold a boolean, for the dialects whose booleans are integers (SQLite, MariaDB): there
 * a row may hold 2 or -1, which reads as true, and is compared, grouped and made distinct by its
 * truth (`(x <> 0)`) so that it goes with the rows holding 1.
 */
import type { ExprNode, SelectNode } from "../ast/nodes.js";
import { cteColumns } from "../statements/cte.js";

/** A bound boolean value (`flag.eq(true)`): the value's type says so. */
export const isBooleanParam = (node: ExprNode): boolean => node.kind === "param" && node.type?.kind === "boolean";

/**
 * A column of a table (or of a table's alias) declared `boolean()`, or a subquery's column that
 * (or CTE's) selects a boolean (`sq.c.flag`: compared as its integer, a row holding 2 missed `t.flag = sq.flag`).
 */
export function isBooleanColumn(node: ExprNode): boolean {
  if (node.kind !== "column") return false;
  const source = node.source;
  if (source.kind === "alias" && source.of.kind !== "table") {
    const columns = source.of.kind === "select" ? source.of.columns : cteColumns(source.of.query);
    const label = columns.find((c) => c.name === node.name);
    return label !== undefined && (label.type?.kind === "boolean" || isBooleanColumn(label.expr));
  }
  const table = source.kind === "table" ? source.table : source.of.kind === "table" ? source.of.table : undefined;
  if (table === undefined) return false;
  const columns = table.columnList;
  for (let i = 0; i < columns.length; i++) if (columns[i]!.name === node.name) return columns[i]!.type.kind === "boolean";
  return false;
}

/** A query whose only column holds a boolean: `IN (SELECT flag ...)`, a scalar subquery. */
export function selectsBoolean(query: SelectNode): boolean {
  const only = query.columns.length === 1 ? query.columns[0]! : undefined;
  return only !== undefined && (only.type?.kind === "boolean" || isBooleanColumn(only.expr));
}

/** A boolean value, column or scalar subquery: what another side compared with it is compared as the truth of. */
export const holdsBoolean = (node: ExprNode): boolean =>
  isBooleanParam(node) || isBooleanColumn(node) || (node.kind === "scalarSubquery" && selectsBoolean(node.query));
