/**
 * Which nodes hold a boolean, for the dialects whose booleans are integers (SQLite, MariaDB): there
 * a row may hold 2 or -1, which reads as true, and is compared, grouped and made distinct by its
 * truth (`(x <> 0)`) so that it goes with the rows holding 1.
 */
import type { ExprNode } from "../ast/nodes.js";

/** A bound boolean value (`flag.eq(true)`): the value's type says so. */
export const isBooleanParam = (node: ExprNode): boolean => node.kind === "param" && node.type?.kind === "boolean";

/** A column of a table (or of a table's alias) declared `boolean()`. */
export function isBooleanColumn(node: ExprNode): boolean {
  if (node.kind !== "column") return false;
  const source = node.source;
  const table = source.kind === "table" ? source.table : source.of.kind === "table" ? source.of.table : undefined;
  if (table === undefined) return false;
  const columns = table.columnList;
  for (let i = 0; i < columns.length; i++) if (columns[i]!.name === node.name) return columns[i]!.type.kind === "boolean";
  return false;
}

/** A boolean value or column: what another side compared with it is compared as the truth of. */
export const holdsBoolean = (node: ExprNode): boolean => isBooleanParam(node) || isBooleanColumn(node);
