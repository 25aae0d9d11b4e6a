/**
 * Foreign keys in step with relationships during a flush: each row copies the keys of the objects
 * its many-to-one relationships point to, a modified parent copies its key into its one-to-many
 * children (and clears it in children it lost), and rows written before their target had a key
 * wait for it in `awaitingKeys`. A change to a row that already exists is recorded as such (and
 * in `changedRows`), so that it is written with an UPDATE.
 */
import type { InstrumentedList } from "../state/collection.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { ensureState, peekState, stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import { UnsavedReferenceError } from "../errors.js";
import { isUnmatched } from "../state/unmatched-references.js";
import { guardUnlink } from "./unlink-guards.js";

/** Sets a column attribute for the flush: a change to record (in `changedRows` too) when the row already exists. */
export function setAttribute(state: InstanceState, attr: string, value: unknown, changedRows: InstanceState[]): void {
  const old = state.dict[attr];
  if (old === value) return;
  if (state.key !== undefined) {
    state.recordChange(attr, old ?? null);
    changedRows.push(state);
  }
  state.dict[attr] = value;
}

/** Rows that waited for a key copy it now, if their target has one; the others wait on. */
export function retryAwaitingKeys(awaitingKeys: Set<InstanceState>, changedRows: InstanceState[]): void {
  if (awaitingKeys.size === 0) return;
  const retry = [...awaitingKeys];
  awaitingKeys.clear();
  for (const state of retry) {
    // Not inserted (a failed flush undid it): its next insert copies the keys anyway.
    if (state.key !== undefined && !state.deletePending && !state.deleted) syncManyToOne(state, changedRows, awaitingKeys);
  }
}

/**
 * Before COMMIT: a row still waiting for a key after the last flush points at an object that no
 * flush of this session inserts (not in the session), so its foreign key would stay empty while
 * the object graph shows the link. The error names the first such link.
 */
export function unsavedReference(awaitingKeys: ReadonlySet<InstanceState>): UnsavedReferenceError | undefined {
  for (const state of awaitingKeys) {
    if (state.key === undefined || state.gone) continue; // its next insert copies the keys
    for (const rel of state.mapper.flushedRelationships.manyToOne) {
      const target = state.dict[rel.key] as object | null | undefined;
      const targetState = target == null ? undefined : peekState(target);
      if (targetState === undefined || targetState.key !== undefined) continue;
      const owner = state.mapper.name;
      const where = targetState.session === state.session ? "was never inserted" : "is not in the session";
      return new UnsavedReferenceError(
        `${owner}.${rel.key} holds a ${rel.resolved.target.name} that ${where}, so the ${owner} row's ` +
          `${rel.attributePairs.map(([fk]) => fk).join(", ")} would be committed empty: add that object to the session (session.add), ` +
          `or cascade save-update along ${owner}.${rel.key}, or set ${owner}.${rel.key} to null. Nothing was committed.`,
      );
    }
  }
  return undefined;
}

/**
 * Copies the key of each many-to-one target into this row's foreign-key columns; a row whose
 * target has no key yet goes to `awaitingKeys`.
 */
export function syncManyToOne(state: InstanceState, changedRows: InstanceState[], awaitingKeys: Set<InstanceState>): void {
  const relationships = state.mapper.flushedRelationships.manyToOne;
  for (let r = 0; r < relationships.length; r++) {
    const rel = relationships[r]!;
    let target = state.dict[rel.key] as object | null | undefined;
    if (target === undefined) continue; // not loaded and not assigned: leave the key as it is
    if (target === null && isUnmatched(state, rel.key)) continue; // read as null, its key named a row no one answered
    // Being deleted, or deleted by an earlier flush (its children lost their key then): its key names no row.
    if (target !== null && stateOf(target)?.gone) target = null;
    const targetState = target === null ? undefined : ensureState(target, rel.resolved.target);
    const targetDict = targetState?.dict;
    const pairs = rel.attributePairs;
    if (keySetDirectly(state, pairs, targetDict)) continue;
    // A target of this session not inserted yet, its key given by hand: its row comes later in
    // the flush (a cycle between tables, or within one broken at a nullable key). The key would
    // name no row yet: it is copied once the row is there, as a generated one is.
    const unwritten = targetState !== undefined && targetState.key === undefined && targetState !== state && targetState.session === state.session && state.session !== undefined;
    for (let p = 0; p < pairs.length; p++) {
      const value = targetDict === undefined ? null : targetDict[pairs[p]![1]];
      if (targetDict !== undefined && (unwritten || value === undefined || value === null)) {
        awaitingKeys.add(state); // the target is not inserted yet
        continue;
      }
      setAttribute(state, pairs[p]![0], value, changedRows);
    }
  }
}

/**
 * Whether the row's foreign key was set directly (`child.parentId = 2`) while its reference still
 * names the object the row stored: the column is the change, and is written (as in SQLAlchemy,
 * which copies a key only from a reference assigned). Copying the reference's key undid it, and
 * the commit resolved without it.
 */
function keySetDirectly(state: InstanceState, pairs: readonly (readonly [string, string])[], targetDict: Record<string, unknown> | undefined): boolean {
  if (state.committed === undefined) return false;
  let set = false;
  for (let p = 0; p < pairs.length; p++) {
    const [fk, key] = pairs[p]!;
    const stored = storedValue(state, fk);
    if ((targetDict === undefined ? null : targetDict[key]) !== (stored ?? null)) return false;
    if (state.dict[fk] !== stored) set = true;
  }
  return set;
}

/**
 * Copies this row's key into its one-to-many children, and clears it in removed children. For a
 * row just inserted, children whose many-to-one points back here copy the key themselves: new
 * ones before their own insert, those with a row as modified objects, or when the key exists
 * (`awaitingKeys`). Its lists are not even walked then: every member of a list with a
 * back-reference points back, as the in-memory events keep them.
 */
export function syncOneToMany(
  state: InstanceState,
  changedRows: InstanceState[],
  justInserted: boolean,
  held?: (rel: RelationshipProperty) => ReadonlySet<object>,
): void {
  const relationships = state.mapper.flushedRelationships.oneToMany;
  for (let r = 0; r < relationships.length; r++) {
    const rel = relationships[r]!;
    const value = state.dict[rel.key];
    if (value === undefined) continue;
    const pairs = rel.attributePairs;
    // A new child whose many-to-one points back here copies the key itself, before its insert.
    const back = rel.backRef !== undefined && !rel.backRef.viewonly ? rel.backRef.key : undefined;
    if (justInserted && back !== undefined) continue;
    const current: readonly object[] = rel.collection ? (value as object[]) : value === null ? [] : [value as object];
    // Members the list had when loaded or flushed name this row already, unless its key changed:
    // only those added since get it (as in SQLAlchemy). A member's foreign key set directly to
    // another parent's used to be overwritten with this one's whenever this row was changed.
    const kept = rel.collection && !justInserted ? committedMembers(state, value as InstrumentedList<object>, pairs) : undefined;
    for (let c = 0; kept !== ALL && c < current.length; c++) {
      if (kept?.has(current[c]!)) continue;
      const childState = ensureState(current[c]!, rel.resolved.target);
      // Deleted by this flush or an earlier one: no UPDATE writes it, and a rollback that brings
      // it back would keep the key (its row holds another): an assignment of that parent was then no change.
      if (childState.gone) continue;
      if (childState.key === undefined && back !== undefined && childState.dict[back] === state.obj) continue;
      if (movedDirectly(childState, state, pairs)) continue;
      for (let p = 0; p < pairs.length; p++) setAttribute(childState, pairs[p]![1], state.dict[pairs[p]![0]], changedRows);
    }
    if (!rel.collection || !(value as InstrumentedList<object>).changed) continue;
    const committed = (value as InstrumentedList<object>).committed;
    if (!committed?.length) continue;
    const members = new Set(current);
    for (const removed of committed) {
      if (members.has(removed)) continue;
      const childState = stateOf(removed);
      if (!childState || childState.gone) continue;
      // Cleared only if no other parent took it: its back-reference says so, else (none, or not
      // loaded) its foreign key, which a parent taking it and synced first has set to its own key.
      const parent = rel.backRef === undefined ? undefined : childState.dict[rel.backRef.key];
      let ours = parent === undefined ? pointsAt(childState, state, pairs) : parent === null || parent === state.obj;
      // Its back-reference not loaded: refreshed or expired after it moved, which dropped the move
      // on its side only. Another list still holding it took it: its row stays as read (the key
      // used to be cleared, and the commit left the row on no parent that anything showed).
      if (ours && parent === undefined && rel.backRef !== undefined && held?.(rel).has(removed)) ours = false;
      if (!ours) continue;
      // Read as this row's child: its UPDATE names this row, so that one another transaction
      // moved elsewhere meanwhile is not taken from its new parent (unlink-guards.ts).
      if (pairs.every(([key, fk]) => storedValue(childState, fk) === storedValue(state, key))) guardUnlink(childState, pairs.map(([, fk]) => fk));
      for (const [, fkAttr] of pairs) setAttribute(childState, fkAttr, null, changedRows);
    }
  }
}

/**
 * Whether the child's row names this one and its foreign key was since set directly (to another
 * parent, or null): that is the change to write, as for a many-to-one (`keySetDirectly`). A
 * one-to-one (`account.settings`) has no committed members to tell this by.
 */
function movedDirectly(child: InstanceState, parent: InstanceState, pairs: readonly (readonly [string, string])[]): boolean {
  if (child.committed === undefined) return false;
  let set = false;
  for (let p = 0; p < pairs.length; p++) {
    const [key, fk] = pairs[p]!;
    const stored = storedValue(child, fk);
    if (stored !== parent.dict[key]) return false;
    if (child.dict[fk] !== stored) set = true;
  }
  return set;
}

/** Every member of the list: it has not changed since loaded or flushed. */
const ALL = "all";

/** The members a list had when loaded or flushed, when they need no key copied (the parent's key is unchanged). */
function committedMembers(state: InstanceState, list: InstrumentedList<object>, pairs: readonly (readonly [string, string])[]): ReadonlySet<object> | typeof ALL | undefined {
  if (pairs.some(([key]) => storedValue(state, key) !== state.dict[key])) return undefined;
  if (!list.changed) return ALL;
  const committed = list.awaitsCommitted ? undefined : list.committed;
  return committed?.length ? new Set(committed) : undefined;
}

/**
 * Whether the child's foreign key names the parent's row, by the parent's key now or as stored;
 * a key not loaded (expired) is taken to, as it was read with the parent's list.
 */
function pointsAt(child: InstanceState, parent: InstanceState, pairs: readonly (readonly [string, string])[]): boolean {
  if (pairs.some(([, fk]) => child.dict[fk] === undefined)) return true;
  const names = (value: (attr: string) => unknown) => pairs.every(([key, fk]) => child.dict[fk] === value(key));
  return names((attr) => parent.dict[attr]) || names((attr) => storedValue(parent, attr));
}
