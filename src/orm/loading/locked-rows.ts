/**
 * A locking read (`forUpdate()`) of an object with changes not flushed (autoflush off): the object
 * keeps its changes (populate.ts), but its other columns take the row it locked. Skipped whole, it
 * showed the values read before the lock: a change computed from them (`item.quantity += 1`) and
 * flushed under the lock overwrote what another transaction had committed in between, which is
 * what a locking read is for. Left as they are: the columns changed (assigned, or changed in
 * place), the version column (a change made against an older row must still fail the flush with
 * StaleDataError), the foreign keys of a reference assigned (the flush copies them from it), and
 * the relationships, but for a reference whose key the row changed: unloaded, to be read again.
 *
 * And the reads of a row the transaction locked (`lockedIfAny`), and which rows a locking query
 * locks: those of its own FROM, not of the tables its joined loads add (`lockingOwnRows`).
 */
import type { SelectNode } from "../../core/ast/nodes.js";
import { lockedSources } from "../../core/compiler/locking-clause.js";
import { Select as SelectStatement, type Select } from "../../core/statements/select.js";
import { entitySource, type SelectLayout } from "../../core/statements/selectable.js";
import { sourcesOf } from "../../core/statements/join-inference.js";
import { collectSources, sameSource } from "../../core/statements/sources.js";
import type { ColumnPlan } from "../mapping/column-plan.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { mutatedFrom } from "../state/mutable-values.js";

/** Overwrites the columns of `state` that hold no change with the locked row's values. */
export function refreshUnchangedColumns(mapper: Mapper, state: InstanceState, plan: ColumnPlan, row: readonly unknown[], start: number): void {
  const kept = new Set<string>(Object.keys(state.committed ?? {}));
  if (mapper.versionAttribute !== undefined) kept.add(mapper.versionAttribute);
  for (const { attr, kind } of mapper.mutableColumns) if (mutatedFrom(state, attr, kind)) kept.add(attr);
  // A reference assigned: the flush copies its key. One as loaded: a key the row changes unloads it.
  const references = mapper.flushedRelationships.manyToOne.filter((rel) => state.dict[rel.key] !== undefined);
  for (const rel of references) if (referenceAssigned(state, rel.key, rel.attributePairs)) for (const [fk] of rel.attributePairs) kept.add(fk);
  const before = { ...state.dict };
  const keys = plan.keys;
  for (let i = 0; i < keys.length; i++) if (!kept.has(keys[i]!)) state.dict[keys[i]!] = row[start + i];
  for (const rel of references) {
    if (rel.attributePairs.some(([fk]) => !kept.has(fk) && state.dict[fk] !== before[fk])) state.dict[rel.key] = undefined;
  }
}

/** Whether the reference at `key` names another row than the foreign key held (assigned, not flushed). */
function referenceAssigned(state: InstanceState, key: string, pairs: readonly (readonly [string, string])[]): boolean {
  const target = state.dict[key] as object | null;
  const targetDict = target === null ? undefined : stateOf(target)?.dict;
  if (target !== null && targetDict === undefined) return true;
  return pairs.some(([fk, targetKey]) => (targetDict?.[targetKey] ?? null) !== (state.dict[fk] ?? null));
}

/**
 * `statement`, locking its rows (FOR UPDATE) when one of `states` is an object whose row the
 * transaction locked (`IdentityMap.lockedRows`): read again (a deferred column loaded, a refresh,
 * `get` of it expired), it must show the row as locked. MariaDB's plain reads in a REPEATABLE
 * READ transaction see the snapshot of its first read, older than the row a locking read shows:
 * `refresh(obj)` took the object back to values from before another transaction's commit, and a
 * change made from them and committed under the lock wrote over that commit. A locking read there
 * reads the latest row. Elsewhere it reads the row a plain read would: PostgreSQL's is locked by
 * this transaction already, and SQLite has no row locks (nor FOR UPDATE).
 */
export function lockedIfAny(statement: Select<unknown>, states: readonly InstanceState[], locked: ReadonlySet<InstanceState> | undefined): Select<unknown> {
  if (locked === undefined || locked.size === 0) return statement;
  for (let i = 0; i < states.length; i++) if (locked.has(states[i]!)) return statement.forUpdate();
  return statement;
}

/**
 * A locking query with joined loads added (`joined`): `FOR UPDATE OF` the tables the query read
 * before (`own`), unless it names its own. PostgreSQL refuses FOR UPDATE of the nullable side of
 * a LEFT JOIN, and the rows a joined load reads are not the query's to lock: a joined load
 * must not change what the query locks. (MariaDB has no OF: it locks the joined rows too.)
 * Of the query's own tables, the subclass tables a joined-table class outer-joins (the optional
 * joins, joined-tables.ts) are left out, as the compiler leaves them out of a query without
 * joined loads (locking-clause.ts): its base's and its own tables are locked, its subclasses'
 * (a row may have none) are not. A LEFT JOIN the application wrote is left as written: on
 * PostgreSQL the compiler refuses it before it is sent, rather than lock less than asked.
 */
export function lockingOwnRows(joined: Select<unknown>, own: SelectNode): Select<unknown> {
  const node = joined.node;
  if (!node.forUpdate || node.forUpdateOf !== undefined || node === own) return joined;
  const of = lockedSources(own.from);
  const optional = own.from.flatMap(sourcesOf).filter((source) => !of.includes(source));
  for (const source of collectSources(own.columns.map((c) => c.expr))) {
    if (!optional.some((s) => sameSource(s, source)) && !of.some((s) => sameSource(s, source))) of.push(source);
  }
  return new SelectStatement({ ...node, forUpdateOf: of, forUpdateOfImplied: true }, joined.layout, joined.statementOptions);
}

/**
 * Per item of a locking query's layout, whether its objects' rows are locked: an entity read
 * from a FROM item that FOR UPDATE locks (every one, without OF). Undefined: no lock taken.
 */
export function lockedItems(node: SelectNode, layout: SelectLayout): boolean[] | undefined {
  if (!node.forUpdate) return undefined;
  const of = node.forUpdateOf;
  return layout.map((item) => {
    if (item.kind !== "entity") return false;
    const source = entitySource(item.entity)?.fromNode;
    return of === undefined || (source !== undefined && of.some((s) => sameSource(s, source)));
  });
}
