/**
 * Joined eager loading: the relationship's target columns are added to the query through a LEFT
 * OUTER JOIN (through the association table for a many-to-many), under an alias so that a
 * self-referential relationship joins its own table. Parents are not duplicated: the hydrator
 * returns one object per key, and each parent collects its distinct children.
 */
import type { AliasNode, ExprNode, FromNode, LabelNode, SelectNode } from "../../core/ast/nodes.js";
import { ArgumentError } from "../../core/errors.js";
import type { Select } from "../../core/statements/select.js";
import { Select as SelectStatement } from "../../core/statements/select.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf } from "../state/instance-state.js";
import { setLoaded } from "../state/relationship-events.js";
import { hydrator, type HydrationContext, type Hydrator } from "./hydrate.js";

export interface JoinedLoad {
  readonly rel: RelationshipProperty;
  /** Index of the target's first column in the rows. */
  readonly start: number;
}

/** Adds the joins and columns for `rels` (relationships of the entity selected first). */
export function withJoinedLoads(statement: Select<unknown>, rels: readonly RelationshipProperty[]): { statement: Select<unknown>; loads: JoinedLoad[] } {
  const node = statement.node;
  if (rels.length === 0) return { statement, loads: [] };
  if (node.limit || node.offset) {
    throw new ArgumentError("joinedLoad() with limit/offset would limit joined rows, not parents; use selectinLoad() instead.");
  }
  const entityFrom = node.from[0];
  if (!entityFrom) throw new ArgumentError("joinedLoad() needs a select of an entity.");
  let from: FromNode = entityFrom;
  const columns: LabelNode[] = [...node.columns];
  const loads: JoinedLoad[] = [];
  rels.forEach((rel, n) => {
    const { target, pairs, secondary, secondaryPairs, direction } = rel.resolved;
    const targetAlias: AliasNode = { kind: "alias", name: `${rel.key}_j${n}`, of: target.table.fromNode };
    const parentSource = sourceOf(entityFrom);
    if (direction === "manyToMany") {
      const linkAlias: AliasNode = { kind: "alias", name: `${rel.key}_l${n}`, of: secondary!.fromNode };
      from = { kind: "join", type: "left", left: from, right: linkAlias, on: equalities(pairs, parentSource, linkAlias) };
      from = { kind: "join", type: "left", left: from, right: targetAlias, on: equalities(secondaryPairs, targetAlias, linkAlias) };
    } else {
      const on = direction === "manyToOne" ? equalities(pairs, parentSource, targetAlias) : equalities(pairs, parentSource, targetAlias);
      from = { kind: "join", type: "left", left: from, right: targetAlias, on };
    }
    loads.push({ rel, start: columns.length });
    for (const [key, column] of target.columns) {
      columns.push({ kind: "label", name: `${targetAlias.name}_${key}`, type: column.type, expr: { kind: "column", name: column.name, source: targetAlias } });
    }
  });
  const joined: SelectNode = { ...node, columns, from: [from, ...node.from.slice(1)] };
  return { statement: new SelectStatement(joined, statement.layout, statement.statementOptions), loads };
}

function sourceOf(from: FromNode): FromNode & { kind: "table" | "alias" } {
  if (from.kind === "join") return sourceOf(from.left);
  return from;
}

/** `left.a = right.b AND ...` for column pairs [left column, right column]. */
function equalities(pairs: readonly (readonly [{ name: string }, { name: string }])[], left: FromNode & { kind: "table" | "alias" }, right: AliasNode): ExprNode {
  const items: ExprNode[] = pairs.map(([l, r]) => ({
    kind: "binary",
    op: "=",
    left: { kind: "column", name: l.name, source: left },
    right: { kind: "column", name: r.name, source: right },
  }));
  return items.length === 1 ? items[0]! : { kind: "and", items };
}

/** Reads the joined targets of each row into the parents' attributes. */
export function collectJoined(context: HydrationContext, loads: readonly JoinedLoad[], rows: readonly unknown[][], parents: readonly (object | null)[]): void {
  for (const { rel, start } of loads) {
    const hydrate: Hydrator = hydrator(rel.resolved.target as Mapper, start, context);
    const collected = new Map<object, object[]>();
    rows.forEach((row, i) => {
      const parent = parents[i];
      if (!parent || stateOf(parent)?.dict[rel.key] !== undefined) return;
      let items = collected.get(parent);
      if (!items) collected.set(parent, (items = []));
      const child = hydrate(row);
      if (child && !items.includes(child)) items.push(child);
    });
    for (const [parent, items] of collected) setLoaded(parent, rel, items);
  }
}
