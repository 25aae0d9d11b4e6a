/**
 * The transforming counterpart of `forEachChild`, over expressions: one place that rebuilds each
 * kind of expression from its mapped operands, so that a rewrite (a loader criterion moved to an
 * alias, say) handles every kind, and a new kind fails to compile here until it is listed.
 */
import { CompileError } from "../errors.js";
import type { ExprNode, FunctionNode, SelectNode } from "./nodes.js";

/**
 * `node` rebuilt with `map(operand)` for each of its operands (a new node, even where nothing
 * changed). What is not an expression operand is kept as it is: a column's source, subqueries (of
 * IN, EXISTS, a scalar subquery: they have FROM items of their own), an `inValues` list's
 * parameter. A window's function stays a function: its arguments and FILTER are mapped.
 */
export function mapExprChildren(node: ExprNode, map: (operand: ExprNode) => ExprNode): ExprNode {
  switch (node.kind) {
    case "column":
    case "param":
    case "star":
    case "excluded":
    case "exists":
    case "scalarSubquery":
      return node;
    case "binary":
      return { ...node, left: map(node.left), right: map(node.right) };
    case "like":
      return { ...node, expr: map(node.expr), pattern: map(node.pattern) };
    case "and":
    case "or":
      return { ...node, items: node.items.map(map) };
    case "not":
    case "isNull":
    case "cast":
    case "label":
      return { ...node, expr: map(node.expr) } as ExprNode;
    case "in":
      return { ...node, expr: map(node.expr), values: Array.isArray(node.values) ? (node.values as readonly ExprNode[]).map(map) : (node.values as SelectNode) };
    case "inValues":
      return { ...node, exprs: node.exprs.map(map) };
    case "between":
      return { ...node, expr: map(node.expr), low: map(node.low), high: map(node.high) };
    case "function":
      return mapFunction(node, map);
    case "over":
      return { ...node, fn: mapFunction(node.fn, map), partitionBy: node.partitionBy.map(map), orderBy: node.orderBy.map((o) => ({ ...o, expr: map(o.expr) })) };
    case "raw":
      return { ...node, parts: node.parts.map((p) => (typeof p === "string" ? p : map(p))) };
    case "case":
      return { ...node, whens: node.whens.map(([when, then]) => [map(when), map(then)] as const), otherwise: node.otherwise && map(node.otherwise) };
    default: {
      // A kind added to ExprNode and not listed above fails to compile here.
      const unlisted: never = node;
      throw new CompileError(`Internal error: mapExprChildren() does not know node kind ${(unlisted as { kind: string }).kind}.`);
    }
  }
}

function mapFunction(node: FunctionNode, map: (operand: ExprNode) => ExprNode): FunctionNode {
  return { ...node, args: node.args.map(map), filter: node.filter && map(node.filter) };
}
