/**
 * Objects that left a delete-orphan list, decided at the next flush: deleted if no other list
 * took them meanwhile. With a back-reference, the object says who holds it. Without one, nothing
 * on the object does: the loaded lists of the relationship in the session are searched (once per
 * decision, and only when such an orphan waits), so that a child moved to another parent's list
 * is not deleted from under it.
 */
import type { Column } from "../../core/schema/column.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { isSubmapper } from "../mapping/inheritance.js";
import { storedValue } from "../state/mutable-values.js";

/** The list each orphan deleted by a flush left (or a cascade-deleted child's): its DELETE names the parent too (`orphanGroups`). */
const orphanedVia = new WeakMap<InstanceState, RelationshipProperty>();

/**
 * A child reached by its parent's delete cascade along `via` (a one-to-many): its DELETE names
 * the parent it was read with, as an orphan's does (`orphanGroups`), so that a row another
 * transaction has moved to another parent since is not deleted from under it.
 * @internal
 */
export function deleteAsChildOf(state: InstanceState, via: RelationshipProperty): void {
  cascadedVia.set(state, via);
}

/** The one-to-many along which a child's parent's delete cascade reached it (`deleteAsChildOf`). */
const cascadedVia = new WeakMap<InstanceState, RelationshipProperty>();

/** At most this many parents' keys in one `IN` beside the children's (past it, one guard per row). */
const MAX_PARENTS = 1000;

/** Rows to delete that name the same columns: the primary key, and for orphans the foreign key to the parent they left. */
export interface DeleteGroup {
  /** The foreign-key columns named beside the primary key (none for a plain delete). */
  readonly columns: readonly Column[];
  /** The rows as stored, and each one's values of `columns`. */
  readonly befores: Record<string, unknown>[];
  readonly guards: unknown[][];
  /**
   * Children of deleted parents (one foreign-key column): the parents' keys. One DELETE then
   * names the children's keys and `columns[0] IN anyOf`, rather than a pair per row (which made
   * MariaDB's DELETE of thousands of children an OR of pairs, ten times slower): a row another
   * transaction moved to a parent that is not deleted matches nothing all the same.
   */
  anyOf?: Set<unknown>;
}

/**
 * The deletes of one flush, grouped by what their WHERE names. An orphan's DELETE also names the
 * parent whose list it left, by the foreign key as read: if another transaction has moved the row
 * to another parent since, the DELETE matches nothing and the flush fails with StaleDataError,
 * where it deleted a row that was no longer an orphan.
 */
export function orphanGroups(mapper: Mapper, states: readonly InstanceState[], befores: readonly Record<string, unknown>[]): DeleteGroup[] {
  const plain: DeleteGroup = { columns: [], befores: [], guards: [] };
  const byVia = new Map<RelationshipProperty, DeleteGroup>();
  const byCascade = new Map<RelationshipProperty, DeleteGroup>();
  states.forEach((state, i) => {
    const before = befores[i]!;
    const cascaded = cascadedVia.get(state);
    const via = cascaded ?? orphanedVia.get(state);
    const columns = via !== undefined && via.resolved.direction === "oneToMany" ? via.resolved.pairs.map(([, foreignKey]) => foreignKey) : [];
    const values = columns.map((column) => before[mapper.attributeFor(column) ?? ""]);
    if (columns.length === 0 || values.some((value) => value === null || value === undefined)) {
      plain.befores.push(before);
      plain.guards.push([]);
      return;
    }
    const groups = cascaded !== undefined ? byCascade : byVia;
    let group = groups.get(via!);
    if (group === undefined) groups.set(via!, (group = { columns, befores: [], guards: [], ...(cascaded !== undefined && columns.length === 1 ? { anyOf: new Set() } : {}) }));
    group.befores.push(before);
    group.guards.push(values);
    group.anyOf?.add(values[0]);
  });
  for (const group of byCascade.values()) if (group.anyOf !== undefined && group.anyOf.size > MAX_PARENTS) delete group.anyOf;
  return [plain, ...byVia.values(), ...byCascade.values()].filter((group) => group.befores.length > 0);
}

export class Orphans {
  private readonly waiting = new Map<InstanceState, RelationshipProperty>();
  /** The parent each one left, when known. */
  private readonly left = new Map<InstanceState, object>();

  get isEmpty(): boolean {
    return this.waiting.size === 0;
  }

  /** The object left a list of `via`: decided at the next flush. */
  add(state: InstanceState, via: RelationshipProperty, from: object | undefined): void {
    this.waiting.set(state, via);
    if (from !== undefined) this.left.set(state, from);
  }

  /** Each waiting object of the session still without a parent goes to `remove`; none waits after. */
  decide(session: { readonly owner: StateOwner; readonly identity: IdentityMap }, pending: readonly InstanceState[], remove: (state: InstanceState) => void): void {
    if (this.waiting.size === 0) return;
    const held = new Map<RelationshipProperty, Set<object>>();
    const heldBy = (rel: RelationshipProperty) => {
      let objects = held.get(rel);
      if (objects === undefined) held.set(rel, (objects = heldThrough(rel, session.identity, pending)));
      return objects;
    };
    for (const [state, via] of this.waiting) {
      if (state.session !== session.owner || state.deletePending) continue;
      const parent = via.backRef === undefined ? undefined : state.dict[via.backRef.key];
      // null: it still has no parent. Not known (no back-reference, or expired since): unless a
      // loaded list holds it, or its key was set to another parent, it is an orphan. Left alone,
      // the flush still cleared its key as the list's removal: an IntegrityError on a NOT NULL
      // key, else a row on no parent that delete-orphan had promised to delete.
      if (parent !== null && (parent !== undefined || heldBy(via).has(state.obj) || keyedElsewhere(state, via, this.left.get(state)))) continue;
      orphanedVia.set(state, via);
      remove(state);
    }
    this.waiting.clear();
    this.left.clear();
  }

  clear(): void {
    this.waiting.clear();
    this.left.clear();
  }
}

/**
 * Whether an orphan's foreign key (its back-reference not known) names a row other than the
 * parent `from` it left: set directly since. Not loaded, null, or the parent's: it is not.
 */
function keyedElsewhere(state: InstanceState, via: RelationshipProperty, from: object | undefined): boolean {
  if (via.resolved.direction !== "oneToMany") return false;
  const pairs = via.attributePairs;
  const parent = from === undefined ? undefined : stateOf(from);
  if (pairs.some(([, fk]) => state.dict[fk] === undefined || state.dict[fk] === null)) return false;
  // Which parent it left is not known: a key changed since it was read is a move.
  if (parent === undefined) return pairs.some(([, fk]) => state.dict[fk] !== storedValue(state, fk));
  const names = (value: (attr: string) => unknown) => pairs.every(([key, fk]) => state.dict[fk] === value(key));
  return !names((attr) => parent.dict[attr]) && !names((attr) => storedValue(parent, attr));
}

/**
 * `heldThrough` per relationship, each found once, when first asked (a flush asks only for a
 * child that left a list while its back-reference was not loaded: rare).
 * @internal
 */
export function heldLists(identity: IdentityMap, pending: readonly InstanceState[]): (rel: RelationshipProperty) => ReadonlySet<object> {
  const found = new Map<RelationshipProperty, Set<object>>();
  return (rel) => {
    let held = found.get(rel);
    if (held === undefined) found.set(rel, (held = heldThrough(rel, identity, pending)));
    return held;
  };
}

/** The objects that `rel` (no back-reference) holds in the session's objects: its loaded lists and values. */
export function heldThrough(rel: RelationshipProperty, identity: IdentityMap, pending: readonly InstanceState[]): Set<object> {
  const held = new Set<object>();
  const collect = (owner: object) => {
    const state = stateOf(owner);
    if (state === undefined || state.gone) return;
    const value = state.dict[rel.key];
    if (Array.isArray(value)) for (const member of value as object[]) held.add(member);
    else if (value !== undefined && value !== null) held.add(value as object);
  };
  identity.forMapper(rel.parent).forEach(collect);
  // A subclass (single-table inheritance) holds the relationships of its superclass too.
  for (const state of pending) if (state.mapper === rel.parent || (state.mapper.inheritance !== undefined && isSubmapper(state.mapper, rel.parent))) collect(state.obj);
  return held;
}
