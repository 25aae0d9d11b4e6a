/**
 * The one place that knows where each node keeps its children. Walkers that only need to reach
 * nodes (which CTEs a statement reads, which tables an expression names) step through
 * `forEachChild` instead of repeating a switch over every kind; a new kind fails to compile here
 * until its children are listed, rather than being skipped in silence by some walker.
 * Walkers that do something per kind (the compilers, the fingerprint) keep their own switch.
 */
import { CompileError } from "../errors.js";
import type { CteNode, ExprNode, FromNode, OnConflictNode, OrderByNode, SelectNode, SetPair, StatementNode } from "./nodes.js";

/** Every node a walk can reach: expressions, FROM items, CTEs, statements, the upsert clause. */
export type TreeNode = ExprNode | FromNode | CteNode | StatementNode | OnConflictNode;

/**
 * Calls `visit(child, state)` for each direct child of `node`, in a fixed order (a SELECT's:
 * columns, FROM, WHERE, GROUP BY, HAVING, ORDER BY, DISTINCT ON, LIMIT, OFFSET, FOR UPDATE OF;
 * the WITH clause lists CTEs in the order this walk first meets them). Everything is a child: a
 * column's table or alias, an alias's table, subquery or CTE, the subquery of IN, EXISTS or a
 * scalar subquery, an `inValues` list's parameter. An alias shared by several columns is reached
 * once per reference: a walker that enters aliases keeps a set of those seen. `state` is passed
 * through so that walkers need not make a closure per call. The parameters of a statement, say:
 * `function collect(node, into) { if (node.kind === "param") into.push(node); else forEachChild(node, collect, into); }`.
 */
export function forEachChild<S>(node: TreeNode, visit: (child: TreeNode, state: S) => void, state: S): void {
  switch (node.kind) {
    case "table":
    case "param":
    case "star":
    case "excluded":
      return;
    case "alias":
      return visit(node.of, state);
    case "cte":
      return visit(node.query, state);
    case "column":
      return visit(node.source, state);
    case "join":
    case "binary":
      visit(node.left, state);
      visit(node.right, state);
      if (node.kind === "join") visit(node.on, state);
      return;
    case "like":
      visit(node.expr, state);
      return visit(node.pattern, state);
    case "and":
    case "or":
      return each(node.items, visit, state);
    case "not":
    case "isNull":
    case "cast":
    case "label":
      return visit(node.expr, state);
    case "in":
      visit(node.expr, state);
      if (Array.isArray(node.values)) return each(node.values as readonly ExprNode[], visit, state);
      return visit(node.values as SelectNode, state);
    case "inValues":
      each(node.exprs, visit, state);
      return visit(node.values, state);
    case "between":
      visit(node.expr, state);
      visit(node.low, state);
      return visit(node.high, state);
    case "function":
      each(node.args, visit, state);
      return optional(node.filter, visit, state);
    case "over":
      visit(node.fn, state);
      each(node.partitionBy, visit, state);
      return ordered(node.orderBy, visit, state);
    case "raw":
      for (const part of node.parts) if (typeof part !== "string") visit(part, state);
      return;
    case "exists":
    case "scalarSubquery":
      return visit(node.query, state);
    case "case":
      for (const [when, then] of node.whens) {
        visit(when, state);
        visit(then, state);
      }
      return optional(node.otherwise, visit, state);
    case "select":
      each(node.columns, visit, state);
      each(node.from, visit, state);
      optional(node.where, visit, state);
      each(node.groupBy, visit, state);
      optional(node.having, visit, state);
      ordered(node.orderBy, visit, state);
      if (node.distinctOn) each(node.distinctOn, visit, state);
      optional(node.limit, visit, state);
      optional(node.offset, visit, state);
      if (node.forUpdateOf) each(node.forUpdateOf, visit, state);
      return;
    case "compound":
      each(node.selects, visit, state);
      optional(node.limit, visit, state);
      return optional(node.offset, visit, state);
    case "insert":
      visit(node.table, state);
      for (const row of node.rows) each(row, visit, state);
      if (node.select) visit(node.select, state);
      if (node.onConflict) visit(node.onConflict, state);
      return each(node.returning, visit, state);
    case "onConflict":
      setValues(node.set, visit, state);
      return optional(node.where, visit, state);
    case "update":
    case "delete":
      visit(node.table, state);
      if (node.kind === "update") setValues(node.set, visit, state);
      optional(node.where, visit, state);
      return each(node.returning, visit, state);
    default: {
      // A kind added to the tree and not listed above fails to compile here.
      const unlisted: never = node;
      throw new CompileError(`Internal error: forEachChild() does not know node kind ${(unlisted as { kind: string }).kind}.`);
    }
  }
}

type Visit<S> = (child: TreeNode, state: S) => void;

function each<S>(nodes: readonly TreeNode[], visit: Visit<S>, state: S): void {
  for (let i = 0; i < nodes.length; i++) visit(nodes[i]!, state);
}

function optional<S>(node: ExprNode | undefined, visit: Visit<S>, state: S): void {
  if (node !== undefined) visit(node, state);
}

function ordered<S>(items: readonly OrderByNode[], visit: Visit<S>, state: S): void {
  for (let i = 0; i < items.length; i++) visit(items[i]!.expr, state);
}

function setValues<S>(set: readonly SetPair[], visit: Visit<S>, state: S): void {
  for (let i = 0; i < set.length; i++) visit(set[i]![1], state);
}
