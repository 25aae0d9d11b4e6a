/** Finds the tables and aliases an expression refers to: how FROM clauses are inferred. */
import type { AliasNode, ExprNode, TableNode } from "../ast/nodes.js";
import { forEachChild, type TreeNode } from "../ast/children.js";

/** Whether two FROM items are the same: one alias, or one table (each reference may have its own node). */
export function sameSource(a: TableNode | AliasNode, b: TableNode | AliasNode): boolean {
  return a === b || (a.kind === "table" && b.kind === "table" && a.table === b.table);
}

interface Collect {
  readonly found: (TableNode | AliasNode)[];
  readonly eachReference: boolean;
}

/**
 * The sources of the columns in `exprs`, in first-seen order, one per table (`eachReference`:
 * one per reference, covered-rows.ts). Subqueries are not entered: their columns belong to their
 * own FROM (or correlate to the enclosing one).
 */
export function collectSources(exprs: readonly (ExprNode | undefined)[], eachReference = false): (TableNode | AliasNode)[] {
  const c: Collect = { found: [], eachReference };
  for (const node of exprs) if (node !== undefined) visit(node, c);
  return c.found;
}

function visit(node: TreeNode, c: Collect): void {
  if (node.kind === "column") {
    const source = node.source;
    if (!c.found.some((f) => (c.eachReference ? f === source : sameSource(f, source)))) c.found.push(source);
  } else if (node.kind !== "select") forEachChild(node, visit, c);
}
