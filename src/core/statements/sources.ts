/** Finds the tables and aliases an expression refers to: how FROM clauses are inferred. */
import type { AliasNode, ExprNode, TableNode } from "../ast/nodes.js";

/** Whether two FROM items are the same: one alias, or one table (each reference may have its own node). */
export function sameSource(a: TableNode | AliasNode, b: TableNode | AliasNode): boolean {
  return a === b || (a.kind === "table" && b.kind === "table" && a.table === b.table);
}

/**
 * The sources of the columns in `exprs`, in first-seen order, one per table (`eachReference`:
 * one per reference, covered-rows.ts). Subqueries are not entered: their columns belong to their
 * own FROM (or correlate to the enclosing one).
 */
export function collectSources(exprs: readonly (ExprNode | undefined)[], eachReference = false): (TableNode | AliasNode)[] {
  const found: (TableNode | AliasNode)[] = [];
  const add = (source: TableNode | AliasNode) => {
    if (!found.some((f) => (eachReference ? f === source : sameSource(f, source)))) found.push(source);
  };
  const visit = (node: ExprNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case "column":
        add(node.source);
        return;
      case "binary":
        visit(node.left);
        visit(node.right);
        return;
      case "like":
        visit(node.expr);
        visit(node.pattern);
        return;
      case "and":
      case "or":
        node.items.forEach(visit);
        return;
      case "not":
      case "isNull":
      case "cast":
      case "label":
        visit(node.expr);
        return;
      case "in":
        visit(node.expr);
        if (Array.isArray(node.values)) (node.values as readonly ExprNode[]).forEach(visit);
        return;
      case "inValues":
        node.exprs.forEach(visit);
        return;
      case "between":
        visit(node.expr);
        visit(node.low);
        visit(node.high);
        return;
      case "function":
        node.args.forEach(visit);
        visit(node.filter);
        return;
      case "over":
        visit(node.fn);
        node.partitionBy.forEach(visit);
        node.orderBy.forEach((o) => visit(o.expr));
        return;
      case "raw":
        node.parts.forEach((p) => typeof p !== "string" && visit(p));
        return;
      case "case":
        node.whens.forEach(([c, r]) => (visit(c), visit(r)));
        visit(node.otherwise);
        return;
      case "param":
      case "star":
      case "excluded":
      case "exists":
      case "scalarSubquery":
        return;
    }
  };
  exprs.forEach(visit);
  return found;
}
