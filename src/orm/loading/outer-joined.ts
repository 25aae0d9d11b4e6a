/**
 * Which entities of a select are read through the nullable side of an outer join: the right of a
 * LEFT JOIN, the left of a RIGHT JOIN, either side of a FULL JOIN (and whatever is nested there).
 * A stream reads such an entity whose row the session deleted since its cursor opened as null, as
 * a query run now reads a missing outer-joined row (deleted-rows.ts).
 */
import type { AliasNode, FromNode, SelectNode, TableNode } from "../../core/ast/nodes.js";
import type { SelectLayout } from "../../core/statements/selectable.js";
import { sameSource } from "../../core/statements/sources.js";

/** @internal For each item of `layout`: whether it is an entity read from the nullable side of an outer join of `node`. */
export function outerJoinedItems(node: SelectNode, layout: SelectLayout): boolean[] {
  const nullable: (TableNode | AliasNode)[] = [];
  for (const item of node.from) collectNullable(item, false, nullable);
  return layout.map((item) => {
    if (item.kind !== "entity" || nullable.length === 0) return false;
    const expr = node.columns[item.start]?.expr;
    return expr?.kind === "column" && nullable.some((source) => sameSource(source, expr.source));
  });
}

function collectNullable(from: FromNode, underOuter: boolean, into: (TableNode | AliasNode)[]): void {
  if (from.kind !== "join") {
    if (underOuter) into.push(from);
    return;
  }
  collectNullable(from.left, underOuter || from.type === "right" || from.type === "full", into);
  collectNullable(from.right, underOuter || from.type === "left" || from.type === "full", into);
}
