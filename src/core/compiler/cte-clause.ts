/**
 * Which common table expressions a statement reads, wherever they are named (FROM, a join, a
 * column of an inferred FROM, a subquery, another CTE): the WITH clause lists each once, after
 * the CTEs it reads itself.
 */
import type { AliasNode, CteNode, StatementNode } from "../ast/nodes.js";
import { forEachChild, type TreeNode } from "../ast/children.js";
import { CompileError } from "../errors.js";
import { cteColumns, isWrite } from "../statements/cte.js";

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
    const columns = cte.recursive ? `(${cteColumns(cte.query).map((c) => quote(c.name)).join(", ")})` : "";
    return `${quote(cte.name)}${columns} AS (${render(cte)})`;
  });
  return `WITH ${ctes.some((cte) => cte.recursive) ? "RECURSIVE " : ""}${items.join(", ")} `;
}

/**
 * The data-modifying CTEs (an INSERT, UPDATE or DELETE) of a statement that `compiledSql` heads
 * with WITH: what makes a SELECT write. None for any other statement, without a walk.
 */
export function writingCtes(node: StatementNode, compiledSql: string): CteNode[] {
  return compiledSql.startsWith("WITH ") ? ctesOf(node).filter((cte) => isWrite(cte.query)) : [];
}

/** The CTEs `node` reads, each after those it reads. */
export function ctesOf(node: StatementNode | CteNode["query"]): CteNode[] {
  const c: Collect = { found: [], seen: new Set(), defining: [] };
  visit(node, c);
  return c.found;
}

function visit(node: TreeNode, c: Collect): void {
  if (node.kind === "alias") alias(c, node);
  else forEachChild(node, visit, c);
}

function alias(c: Collect, node: AliasNode): void {
  if (c.seen.has(node)) return;
  c.seen.add(node);
  const of = node.of;
  if (of.kind !== "cte") return visit(of, c);
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
  visit(of.query, c);
  c.defining.pop();
  c.found.push(of);
}
