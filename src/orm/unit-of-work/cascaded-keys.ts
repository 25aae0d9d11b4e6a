/**
 * Keys the database changed by itself: an UPDATE of a row's key (or other referenced column) that
 * a foreign key declares `onUpdate: "cascade"` for changes the referencing rows too. The session's
 * objects of those rows follow in memory, as rows that hold the new key: their foreign key (and
 * primary key, for a child whose key includes it) is the new value as stored, not a change to
 * write. A child of a list loaded used to be updated again by the flush, named by its old key
 * (part of its primary key), which matched no row: a false StaleDataError, nothing committed.
 */
import type { Column } from "../../core/schema/column.js";
import type { ForeignKey } from "../../core/schema/constraints.js";
import { identityKeyOf } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import type { PersistContext } from "./persister.js";

/** A foreign key that cascades updates of `mapper`'s rows, with the attributes on each side. */
export interface Cascading {
  readonly referred: readonly string[];
  readonly referencing: readonly { readonly mapper: Mapper; readonly attrs: readonly string[] }[];
}

const cascadingOf = new WeakMap<Mapper, readonly Cascading[]>();

/** The `onUpdate: "cascade"` foreign keys naming the mapper's table whose both sides are mapped; found once per mapper. */
export function cascading(mapper: Mapper): readonly Cascading[] {
  let found = cascadingOf.get(mapper);
  if (found !== undefined) return found;
  const list: Cascading[] = [];
  for (const table of mapper.table.metadata.tables.values()) {
    for (const fk of table.foreignKeys) {
      if (fk.onUpdate !== "cascade" || !fk.isResolvable || fk.referredTable !== mapper.table) continue;
      const referred = attributesOf(mapper, fk.referredColumns);
      if (referred === undefined) continue;
      const referencing = referencingMappers(mapper, fk);
      if (referencing.length) list.push({ referred, referencing });
    }
  }
  cascadingOf.set(mapper, (found = list));
  return found;
}

function referencingMappers(mapper: Mapper, fk: ForeignKey): Cascading["referencing"] {
  const result: { mapper: Mapper; attrs: readonly string[] }[] = [];
  for (const m of mapper.registry.mappers) {
    // A single-table hierarchy's rows are all its root's (which maps every column): once, not per class.
    if (m.table !== fk.table || m.inheritance?.parent !== undefined) continue;
    const attrs = attributesOf(m, fk.columns);
    if (attrs !== undefined) result.push({ mapper: m, attrs });
  }
  return result;
}

function attributesOf(mapper: Mapper, columns: readonly Column[]): string[] | undefined {
  const attrs: string[] = [];
  for (const column of columns) {
    const attr = mapper.attributeFor(column);
    if (attr === undefined) return undefined;
    attrs.push(attr);
  }
  return attrs;
}

/** What following cascaded keys needs: the identity map, the journal, and (a bulk statement's) the savepoint's copy before a change. */
export type CascadeContext = Pick<PersistContext, "identity" | "journal"> & { readonly changing?: (state: InstanceState) => void };

/**
 * After the UPDATE of `state`'s row (`before`: its values as stored until then): the session's
 * objects whose rows named the old values through a cascading foreign key hold the new ones as
 * stored. Recorded in the journal, so that undoing the UPDATE undoes this too.
 */
export function followCascadedUpdates(ctx: CascadeContext, mapper: Mapper, state: InstanceState, before: Readonly<Record<string, unknown>>): void {
  followCascadedValues(ctx, mapper, before, state.dict);
}

/** `followCascadedUpdates` of a row known by its values before and after (a bulk UPDATE's); a value unknown (undefined) on either side skips the key. */
export function followCascadedValues(ctx: CascadeContext, mapper: Mapper, before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): void {
  const list = cascading(mapper);
  for (let i = 0; i < list.length; i++) {
    const { referred, referencing } = list[i]!;
    if (referred.every((attr) => before[attr] === after[attr])) continue;
    const oldValues = referred.map((attr) => before[attr]);
    const newValues = referred.map((attr) => after[attr]);
    if (oldValues.some((value) => value === null || value === undefined) || newValues.some((value) => value === undefined)) continue;
    for (const { mapper: child, attrs } of referencing) {
      const moved: InstanceState[] = [];
      // Collected first: re-keying a child changes the map being walked.
      ctx.identity.forMapper(child).forEach((obj) => {
        const childState = stateOf(obj);
        if (childState !== undefined && !childState.deleted && attrs.every((attr, a) => storedValue(childState, attr) === oldValues[a])) moved.push(childState);
      });
      for (const childState of moved) {
        const prior = storedColumns(childState);
        storeCascaded(ctx, child, childState, attrs, newValues);
        // Its own rows' keys changed: what references them through a cascading key follows in turn.
        followCascadedValues(ctx, child, prior, storedColumns(childState));
      }
    }
  }
}

function storedColumns(state: InstanceState): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const attr of state.mapper.columns.keys()) values[attr] = storedValue(state, attr);
  return values;
}

/** The child's row holds `values` in `attrs` now: stored so, its own changes kept; re-keyed if they are part of its key. */
export function storeCascaded(ctx: CascadeContext, mapper: Mapper, state: InstanceState, attrs: readonly string[], values: readonly unknown[]): void {
  ctx.changing?.(state);
  const before: Record<string, unknown> = {};
  const committed: Record<string, unknown> = { ...state.committed };
  for (let a = 0; a < attrs.length; a++) {
    const attr = attrs[a]!;
    before[attr] = storedValue(state, attr);
    const changed = state.committed !== undefined && attr in state.committed;
    // Not changed in memory: it follows the row. Changed: the new value is what it changes from.
    if (!changed) state.dict[attr] = values[a];
    else if (state.dict[attr] === values[a]) delete committed[attr];
    else committed[attr] = values[a];
  }
  ctx.journal.recordUpdate(state, before);
  state.committed = Object.keys(committed).length === 0 ? undefined : committed;
  const keyAttrs = mapper.keyAttributes;
  if (!attrs.some((attr) => keyAttrs.includes(attr))) return;
  const stored: Record<string, unknown> = {};
  for (const attr of keyAttrs) stored[attr] = storedValue(state, attr);
  const key = identityKeyOf(keyAttrs, stored);
  if (key === state.key) return;
  if (ctx.identity.get(mapper, state.key) === state.obj) ctx.identity.delete(mapper, state.key);
  ctx.identity.set(mapper, key, state.obj);
  state.identifiedBy(key);
}
