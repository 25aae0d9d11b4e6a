/**
 * A loader criterion, built on a model's columns, moved to another occurrence of its table: an
 * alias (`aliased(Model, "x")`, a joined load's `author_j0`). Subqueries inside it are left as
 * they are (they have FROM items of their own).
 */
import type { AliasNode, ExprNode, FunctionNode } from "../../core/ast/nodes.js";
import type { TableSchema } from "../../core/ast/table-schema.js";

/** `node` with its columns of `table` read from `alias`. */
export function withSource(node: ExprNode, table: TableSchema, alias: AliasNode): ExprNode {
  const move = (n: ExprNode): ExprNode => {
    switch (n.kind) {
      case "column":
        return n.source.kind === "table" && n.source.table === table ? { ...n, source: alias } : n;
      case "binary":
        return { ...n, left: move(n.left), right: move(n.right) };
      case "like":
        return { ...n, expr: move(n.expr), pattern: move(n.pattern) };
      case "and":
      case "or":
        return { ...n, items: n.items.map(move) };
      case "not":
      case "isNull":
      case "cast":
      case "label":
        return { ...n, expr: move(n.expr) } as ExprNode;
      case "in":
        return { ...n, expr: move(n.expr), values: Array.isArray(n.values) ? (n.values as readonly ExprNode[]).map(move) : n.values };
      case "inValues":
        return { ...n, exprs: n.exprs.map(move) };
      case "between":
        return { ...n, expr: move(n.expr), low: move(n.low), high: move(n.high) };
      case "function":
        return moveFunction(n, move);
      case "over":
        return { ...n, fn: moveFunction(n.fn, move), partitionBy: n.partitionBy.map(move), orderBy: n.orderBy.map((o) => ({ ...o, expr: move(o.expr) })) };
      case "raw":
        return { ...n, parts: n.parts.map((p) => (typeof p === "string" ? p : move(p))) };
      case "case":
        return { ...n, whens: n.whens.map(([w, t]) => [move(w), move(t)] as const), otherwise: n.otherwise && move(n.otherwise) };
      default:
        return n;
    }
  };
  return move(node);
}

function moveFunction(n: FunctionNode, move: (n: ExprNode) => ExprNode): FunctionNode {
  return { ...n, args: n.args.map(move), filter: n.filter && move(n.filter) };
}
