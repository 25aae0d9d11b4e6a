/**
 * A loader criterion, built on a model's columns, moved to another occurrence of its table: an
 * alias (`aliased(Model, "x")`, a joined load's `author_j0`). Subqueries inside it are left as
 * they are (they have FROM items of their own).
 */
import type { AliasNode, ExprNode } from "../../core/ast/nodes.js";
import type { TableSchema } from "../../core/ast/table-schema.js";
import { mapExprChildren } from "../../core/ast/map-children.js";

/** `node` with its columns of `table` read from `alias`. */
export function withSource(node: ExprNode, table: TableSchema, alias: AliasNode): ExprNode {
  const move = (n: ExprNode): ExprNode => {
    if (n.kind === "column") return n.source.kind === "table" && n.source.table === table ? { ...n, source: alias } : n;
    return mapExprChildren(n, move);
  };
  return move(node);
}
