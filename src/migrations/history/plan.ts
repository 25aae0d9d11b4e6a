/**
 * Which migrations a command runs. Targets: a migration id (or an unambiguous prefix of one),
 * `head` (the single head) or `base` (before the first migration).
 */
import { MigrationHistoryError } from "./errors.js";
import type { MigrationGraph } from "./graph.js";
import type { VersionRow } from "./version-table.js";

/** The target before the first migration: `migrate down base` reverts everything. */
export const BASE = "base";

/** The migration id a target names; `undefined` for `base`. Throws for an unknown or ambiguous one. */
export function resolveTarget(graph: MigrationGraph, target: string | undefined): string | undefined {
  if (target === BASE) return undefined;
  if (target === undefined || target === "head") {
    graph.assertSingleHead();
    const head = graph.heads[0];
    if (head === undefined) throw new MigrationHistoryError("there are no migrations yet (create one with 'athanor migrate new \"message\"')");
    return head;
  }
  if (graph.has(target)) return target;
  const matches = graph.order.filter((id) => id.startsWith(target));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) throw new MigrationHistoryError(`'${target}' matches ${matches.length} migrations (${matches.join(", ")}); give more of the id`);
  throw new MigrationHistoryError(`no migration '${target}' (see 'athanor migrate history'; 'head' and 'base' are also targets)`);
}

/** The migrations to apply to reach `target` (it and its ancestors not fully applied), parents first. */
export function upPlan(graph: MigrationGraph, rows: readonly VersionRow[], target: string | undefined): string[] {
  if (target === undefined) return [];
  const done = new Set(rows.filter((r) => r.state === "applied").map((r) => r.id));
  return graph.ancestors(target).filter((id) => !done.has(id));
}

/**
 * The migrations to revert, children first: those applied (even partly) that are not `target` or
 * before it; with no target, the last applied one only.
 */
export function downPlan(graph: MigrationGraph, rows: readonly VersionRow[], target: string | undefined | null): string[] {
  const present = new Set(rows.map((r) => r.id));
  const applied = graph.order.filter((id) => present.has(id));
  if (target === null) return applied.slice(-1);
  const keep = new Set(target === undefined ? [] : graph.ancestors(target));
  return applied.filter((id) => !keep.has(id)).reverse();
}
