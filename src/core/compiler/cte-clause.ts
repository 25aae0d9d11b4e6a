/**
 * Which common table expressions a statement reads, wherever they are named (FROM, a join, a
 * column of an inferred FROM, a subquery, another CTE): the WITH clause lists each once, after
 * the CTEs it reads itself.
 */
import type { AliasNode, CompoundSelectNode, CteNode, ExprNode, FromNode, LabelNode, SelectNode, StatementNode } from "../ast/nodes.js";
import { CompileError } from "../errors.js";
import { firstSelect } from "../statements/cte.js";

interface Collect {
  readonly found: CteNode[];
  /** Aliases already looked into. */
  readonly seen: Set<AliasNode>;
  /** The CTEs whose query is being walked: a recursive one's member reads it by name. */
  readonly defining: CteNode[];
}

/**
 * `WITH [RECURSIVE] a AS (...), b(x, y) AS (...) `, each query rendered by `render`. A recursive
 * CTE names its columns: MariaDB's needs the list.
 */
export function withClause(ctes: readonly CteNode[], quote: (name: string) => string, render: (cte: CteNode) => string): string {
  const items = ctes.map((cte) => {
    const columns = cte.recursive ? `(${firstSelect(cte.query).columns.map((c) => quote(c.name)).join(", ")})` : "";
    return `${quote(cte.name)}${columns} AS (${render(cte)})`;
  });
  return `WITH ${ctes.some((cte) => cte.recursive) ? "RECURSIVE " : ""}${items.join(", ")} `;
}

/** The CTEs `node` reads, each after those it reads. */
export function ctesOf(node: StatementNode | CteNode["query"]): CteNode[] {
  const c: Collect = { found: [], seen: new Set(), defining: [] };
  statement(c, node);
  return c.found;
}

function statement(c: Collect, node: StatementNode | CteNode["query"]): void {
  switch (node.kind) {
    case "select":
      return select(c, node);
    case "compound":
      return compound(c, node);
    case "insert":
      node.rows.forEach((row) => exprs(c, row));
      if (node.select) select(c, node.select);
      if (node.onConflict) {
        node.onConflict.set.forEach(([, value]) => expr(c, value));
        expr(c, node.onConflict.where);
      }
      return labels(c, node.returning);
    case "update":
      node.set.forEach(([, value]) => expr(c, value));
      expr(c, node.where);
      return labels(c, node.returning);
    case "delete":
      expr(c, node.where);
      return labels(c, node.returning);
    case "raw":
      return expr(c, node);
  }
}

function select(c: Collect, node: SelectNode): void {
  labels(c, node.columns);
  node.from.forEach((f) => from(c, f));
  expr(c, node.where);
  exprs(c, node.groupBy);
  expr(c, node.having);
  node.orderBy.forEach((o) => expr(c, o.expr));
  exprs(c, node.distinctOn ?? []);
}

function compound(c: Collect, node: CompoundSelectNode): void {
  for (const member of node.selects) statement(c, member);
}

function from(c: Collect, node: FromNode): void {
  if (node.kind === "join") {
    from(c, node.left);
    from(c, node.right);
    expr(c, node.on);
  } else if (node.kind === "alias") alias(c, node);
}

function alias(c: Collect, node: AliasNode): void {
  if (c.seen.has(node)) return;
  c.seen.add(node);
  const of = node.of;
  if (of.kind === "select") return select(c, of);
  if (of.kind !== "cte") return;
  const inside = c.defining.find((d) => d.name === of.name);
  if (inside) {
    if (!inside.recursive) throw new CompileError(`CTE ${of.name} reads itself: make it recursive with cte("${of.name}", { recursive: true }).`);
    return; // the recursive member's reference to its own CTE
  }
  const named = c.found.find((f) => f.name === of.name);
  if (named) {
    if (named !== of) throw new CompileError(`Two different CTEs are both named ${of.name} in one statement; give one of them another name.`);
    return;
  }
  c.defining.push(of);
  statement(c, of.query);
  c.defining.pop();
  c.found.push(of);
}

function labels(c: Collect, nodes: readonly LabelNode[]): void {
  for (const label of nodes) expr(c, label.expr);
}

function exprs(c: Collect, nodes: readonly ExprNode[]): void {
  for (const node of nodes) expr(c, node);
}

function expr(c: Collect, node: ExprNode | undefined): void {
  if (!node) return;
  switch (node.kind) {
    case "column":
      if (node.source.kind === "alias") alias(c, node.source);
      return;
    case "binary":
      expr(c, node.left);
      return expr(c, node.right);
    case "like":
      expr(c, node.expr);
      return expr(c, node.pattern);
    case "and":
    case "or":
      return exprs(c, node.items);
    case "not":
    case "isNull":
    case "cast":
    case "label":
      return expr(c, node.expr);
    case "in":
      expr(c, node.expr);
      if (Array.isArray(node.values)) exprs(c, node.values as readonly ExprNode[]);
      else select(c, node.values as SelectNode);
      return;
    case "inValues":
      return exprs(c, node.exprs);
    case "between":
      expr(c, node.expr);
      expr(c, node.low);
      return expr(c, node.high);
    case "function":
      exprs(c, node.args);
      return expr(c, node.filter);
    case "over":
      expr(c, node.fn);
      exprs(c, node.partitionBy);
      node.orderBy.forEach((o) => expr(c, o.expr));
      return;
    case "raw":
      for (const part of node.parts) if (typeof part !== "string") expr(c, part);
      return;
    case "exists":
    case "scalarSubquery":
      return select(c, node.query);
    case "case":
      for (const [when, then] of node.whens) {
        expr(c, when);
        expr(c, then);
      }
      return expr(c, node.otherwise);
    case "param":
    case "star":
    case "excluded":
      return;
  }
}
