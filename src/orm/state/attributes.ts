/**
 * Mapped attribute access. Each mapped attribute is an accessor (a decorated `accessor` field, or
 * one defined on the prototype by imperative mapping) whose get and set delegate to the
 * attribute's implementation here: column values with change tracking, relationships with the
 * in-memory events that keep both sides in step.
 */
import { GeneratedColumnError } from "../../core/errors.js";
import { ExpiredAttributeError, RelationshipNotLoadedError, type UnloadedAttributeError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstrumentedList } from "./collection.js";
import { ensureState, stateOf, type InstanceState } from "./instance-state.js";
import { raiseLoadError } from "./raise-load.js";
import { isUnloaded, unloadedError } from "./unloaded.js";
import { LastRead, valueBeforeMutation, watchValue, type MutableKind } from "./mutable-values.js";
import { collectionOf, loadedValue, newCollection } from "./loaded-lists.js";
import { linksGone } from "./find-association.js";
import { changingState, scalarChanged } from "./relationship-events.js";
import { targetOf } from "./target-of.js";
import { assertChangeable, assertWritable } from "./writable.js";
import { assertNotDeleted, assertNotViewonly, assertTargetOf } from "./target-check.js";
import { holdsOtherSideKey, markAssignedUnread, oneToOneLost } from "./lost-one-to-one.js";
import { clearPartialNull, isPartial, isPartialNull } from "./partial-lists.js";
import { clearUnmatched } from "./unmatched-references.js";
import { checkedAssignment, memberCheck, type MemberCheck } from "./validation.js";

export interface AttributeImpl {
  get(obj: object): unknown;
  set(obj: object, value: unknown): void;
}

/** The link between an accessor and its implementation, filled in when the class is mapped. */
export interface AttributeSlot {
  readonly key: string;
  impl: AttributeImpl;
}

/** Until the class is mapped, attributes are plain storage in the object's state. */
export function unmappedImpl(key: string, mapperOf: (obj: object) => Mapper): AttributeImpl {
  return {
    get: (obj) => stateOf(obj)?.dict[key],
    set: (obj, value) => {
      ensureState(obj, mapperOf(obj)).dict[key] = value;
    },
  };
}

/** A column attribute: reads `null` until set (as SQLAlchemy reads None); writes are tracked. */
export function columnImpl(mapper: Mapper, key: string): AttributeImpl {
  return {
    get(obj) {
      const state = stateOf(obj);
      if (state === undefined) return null;
      if (state.expired?.has(key)) throw expiredError(state, key);
      const value = state.dict[key];
      if (value !== undefined) return value;
      if (state.unloaded?.has(key)) throw unloadedError(state, key);
      return null;
    },
    set(obj, value) {
      const state = ensureState(obj, mapper);
      assertChangeable(state, key);
      const old = state.dict[key];
      const wasExpired = state.expired !== undefined && state.unexpire(key);
      // Assigning a column not loaded loads it; its old value is unknown, so the flush writes it.
      if (state.unloaded?.has(key)) return assignUnloaded(state, key, value);
      if (old === value && (old !== 0 || Object.is(old, value)) && !wasExpired) return; // -0 is not 0 (a float column)
      // An expired attribute's value is what the object last read, not what the row holds now:
      // its old value is unknown (LastRead), or assigning the value read was no change and lost.
      if (state.key !== undefined) state.recordChange(key, wasExpired ? new LastRead(old === undefined ? null : old) : old === undefined ? null : old);
      else state.session?.changingNew(state);
      state.dict[key] = value;
    },
  };
}

/**
 * A generated column (`.generatedAs()`): read as any column, never assigned. The database computes
 * it, so an assignment could only be refused by the flush's INSERT or UPDATE, far from its cause.
 */
export function generatedColumnImpl(mapper: Mapper, key: string): AttributeImpl {
  const { get } = columnImpl(mapper, key);
  return {
    get,
    set(obj, value) {
      // Reading a value back and assigning it again (a copy of a loaded object) changes nothing.
      if (value === undefined || (stateOf(obj)?.dict[key] === value && value !== null)) return;
      throw new GeneratedColumnError(
        mapper.name,
        key,
        `${mapper.name}.${key} is a generated column (${mapper.columns.get(key)!.toString()}, .generatedAs()): the database computes it from the row's other columns, ` +
          `so it cannot be assigned. Change the columns it is computed from; after the flush, session.refresh(obj) reads the new value. Nothing was changed.`,
      );
    },
  };
}

/**
 * A column whose values can change in place (JSON, dates, bytes): as `columnImpl`, and reading
 * it from a persistent object starts watching the value (`mutable-values.ts`), so that the next
 * flush finds a change made to it in place. Assigning it records the value as it was before such
 * a change. Columns of other types keep `columnImpl`, which pays nothing of this.
 */
export function mutableColumnImpl(mapper: Mapper, key: string, kind: MutableKind): AttributeImpl {
  return {
    get(obj) {
      const state = stateOf(obj);
      if (state === undefined) return null;
      if (state.expired?.has(key)) throw expiredError(state, key);
      const value = state.dict[key];
      if (value === undefined && state.unloaded?.has(key)) throw unloadedError(state, key);
      if (value === undefined || value === null) return null;
      if (state.key !== undefined && typeof value === "object") watchValue(state, key, kind, value);
      // New, in a session: its values as it joined are kept before the value can change in place (added-values.ts).
      else if (typeof value === "object") state.session?.changingNew(state);
      return value;
    },
    set(obj, value) {
      const state = ensureState(obj, mapper);
      assertChangeable(state, key);
      const old = state.dict[key];
      const wasExpired = state.expired !== undefined && state.unexpire(key);
      if (state.unloaded?.has(key)) return assignUnloaded(state, key, value);
      if (old === value && (old !== 0 || Object.is(old, value)) && !wasExpired) return; // -0 is not 0 (a float column)
      if (state.key !== undefined) state.recordChange(key, wasExpired ? new LastRead(old === undefined ? null : old) : valueBeforeMutation(state, key, kind, old === undefined ? null : old));
      else state.session?.changingNew(state);
      state.dict[key] = value;
    },
  };
}

/** A relationship attribute: a list or one object; reading an unloaded one is an error. */
export function relationshipImpl(mapper: Mapper, key: string): AttributeImpl {
  // Looked up once configuration has resolved it: attribute access is on every object's path.
  let resolved: RelationshipProperty | undefined;
  /** A one-to-one whose key is on the other side: what it held is released when it changes. */
  let keyOnOtherSide = false;
  /** The target's class: an object of it needs no further check when assigned (`assertTargetOf`). */
  let targetClass: unknown;
  /** The validators of this relationship and its back-reference (validation.ts); mostly none. */
  let check: MemberCheck | undefined;
  const property = (): RelationshipProperty => {
    if (resolved === undefined) {
      mapper.registry.configure();
      resolved = mapper.relationships.get(key)!;
      keyOnOtherSide = holdsOtherSideKey(resolved);
      targetClass = resolved.resolved.target.class_;
      check = memberCheck(resolved);
    }
    return resolved;
  };
  return {
    get(obj) {
      const state = ensureState(obj, mapper);
      const value = state.dict[key];
      if (value !== undefined) return value;
      const rel = property();
      // A list is made for an object not yet in the database, or from association objects.
      const list = rel.collection ? collectionOf(obj, rel) : undefined;
      if (list !== undefined) return list;
      if (state.key !== undefined) throw raiseLoadError(state, rel) ?? notLoadedError(rel);
      return null;
    },
    set(obj, value) {
      const rel = property();
      const state = ensureState(obj, mapper);
      assertWritable(state, key);
      assertNotViewonly(rel);
      if (rel.collection) return setCollection(obj, state, rel, (value ?? []) as object[], check);
      if (value == null || (value as object).constructor !== targetClass) assertTargetOf(rel, value, true);
      if (value != null) assertNotDeleted(rel, value as object);
      if (check !== undefined) check(obj, (value ?? null) as object | null);
      // Not loaded: the object its foreign key names, if the session holds it, is what it leaves.
      const loaded = state.dict[key];
      const old = loaded === undefined ? targetOf(state, rel) : loaded;
      if (state.deleted && old !== (value ?? null)) assertChangeable(state, key);
      changingState(state);
      state.dict[key] = value ?? null;
      clearUnmatched(state, key);
      // A null filled from a filtered JOIN says nothing of what the database holds (partial-lists.ts).
      const partialNull = loaded === null && keyOnOtherSide && isPartialNull(state, key);
      if (partialNull) clearPartialNull(state, key);
      if (old === value && !partialNull) return;
      scalarChanged(obj, state, rel, (old ?? null) as object | null, (value ?? null) as object | null);
      if (!keyOnOtherSide) return;
      if (old) oneToOneLost(obj, rel, old as object);
      else if ((loaded === undefined || partialNull) && state.key !== undefined) markAssignedUnread(state, rel);
    },
  };
}

/**
 * Assigning a whole list: members no longer present are removed, new ones added, with events;
 * the list then holds the given members in the given order.
 */
function setCollection(obj: object, state: InstanceState, rel: RelationshipProperty, items: readonly object[], check: MemberCheck | undefined): void {
  for (const item of items) assertTargetOf(rel, item, false);
  changingState(state);
  // A view not read yet may be made from the association objects: then it has members to replace.
  const loaded = loadedValue(state, rel) as InstrumentedList<object> | undefined;
  if (loaded === items) return;
  // Every new member is validated before the list changes: one refused leaves the old list whole.
  if (check !== undefined) return checkedAssignment(obj, rel, loaded, items, check, () => setCollection(obj, state, rel, items, undefined));
  // A list filled from a query's own JOIN may lack members: replaced, it counts as not loaded (partial-lists.ts).
  const old = loaded !== undefined && !isPartial(loaded) ? loaded : undefined;
  const list = newCollection(obj, rel, [], false);
  // The new list diffs against what the old one had committed. A persistent object's list that
  // was not loaded: the next flush reads what the database holds and removes the members not
  // given (SQLAlchemy loads the old list here; a setter cannot wait for the database).
  const unread = old === undefined && state.key !== undefined && !rel.viewonly;
  if (old !== undefined) list.restoreCommitted(old.handOverCommitted());
  else if (unread) list.markUnread();
  // Sets, not `includes`: assigning a list of thousands would otherwise scan one per member.
  const given = new Set(items);
  old?.removeWhere((item) => !given.has(item));
  const kept = new Set(old);
  // A member whose association object was deleted (session.delete) is linked again: a new one.
  const gone = rel.associationView !== undefined && kept.size > 0 ? linksGone(obj, rel, kept) : undefined;
  state.dict[rel.key] = list;
  for (const item of items) {
    if (kept.has(item) && !gone?.has(item)) list.appendQuietly(item);
    else list.push(item);
  }
  // Given no member, nothing else tells the session that the flush must look.
  if (unread) state.sessionForChange?.markModified(state);
}

function notLoadedError(rel: RelationshipProperty): RelationshipNotLoadedError {
  const options = `selectinLoad(${rel.parent.name}, "${rel.key}") or joinedLoad(${rel.parent.name}, "${rel.key}") to the query`;
  return new RelationshipNotLoadedError(
    `${rel} is not loaded, and reading it cannot wait for the database. Use \`await lazy(obj).${rel.key}\`, or add ${options}.`,
  );
}

/**
 * A column not loaded, assigned: recorded as changed from an unknown value (undefined, which no
 * value read from a row equals), so that the flush writes it, even null.
 */
function assignUnloaded(state: InstanceState, key: string, value: unknown): void {
  // First: an open savepoint copies the object as it was, not loaded.
  if (state.key !== undefined) state.recordChange(key, undefined);
  state.markLoaded(key);
  state.dict[key] = value;
}

function expiredError(state: InstanceState, key: string): ExpiredAttributeError | UnloadedAttributeError {
  if (isUnloaded(state, key)) return unloadedError(state, key);
  return new ExpiredAttributeError(
    `${state.mapper.name}.${key} was expired (by commit, rollback or expire()) and must be reloaded: ` +
      `\`await session.refresh(obj)\`, or create the session with { expireOnCommit: false }.`,
  );
}

/** Accessors for a class mapped imperatively: defined on its prototype. */
export function defineAccessor(prototype: object, slot: AttributeSlot): void {
  Object.defineProperty(prototype, slot.key, {
    configurable: true,
    enumerable: true,
    get(this: object) {
      return slot.impl.get(this);
    },
    set(this: object, value: unknown) {
      slot.impl.set(this, value);
    },
  });
}
