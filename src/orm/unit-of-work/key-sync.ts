/**
 * Foreign keys in step with relationships during a flush: each row copies the keys of the objects
 * its many-to-one relationships point to, a modified parent copies its key into its one-to-many
 * children (and clears it in children it lost), and rows written before their target had a key
 * wait for it in `awaitingKeys`. A change to a row that already exists is recorded as such (and
 * in `changedRows`), so that it is written with an UPDATE.
 */
import type { InstrumentedList } from "../state/collection.js";
import { ensureState, peekState, stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import { UnsavedReferenceError } from "../errors.js";

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
    if (state.key === undefined || state.deleted || state.deletePending) continue; // its next insert copies the keys
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
    if (target !== null && stateOf(target)?.deletePending) target = null; // it is being deleted
    const targetDict = target === null ? undefined : ensureState(target, rel.resolved.target).dict;
    const pairs = rel.attributePairs;
    for (let p = 0; p < pairs.length; p++) {
      const value = targetDict === undefined ? null : targetDict[pairs[p]![1]];
      if (targetDict !== undefined && (value === undefined || value === null)) {
        awaitingKeys.add(state); // the target is not inserted yet
        continue;
      }
      setAttribute(state, pairs[p]![0], value, changedRows);
    }
  }
}

/**
 * Copies this row's key into its one-to-many children, and clears it in removed children. For a
 * row just inserted, children whose many-to-one points back here copy the key themselves: new
 * ones before their own insert, those with a row as modified objects, or when the key exists
 * (`awaitingKeys`). Its lists are not even walked then: every member of a list with a
 * back-reference points back, as the in-memory events keep them.
 */
export function syncOneToMany(state: InstanceState, changedRows: InstanceState[], justInserted: boolean): void {
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
    for (let c = 0; c < current.length; c++) {
      const childState = ensureState(current[c]!, rel.resolved.target);
      if (childState.key === undefined && back !== undefined && childState.dict[back] === state.obj) continue;
      for (let p = 0; p < pairs.length; p++) setAttribute(childState, pairs[p]![1], state.dict[pairs[p]![0]], changedRows);
    }
    if (!rel.collection || !(value as InstrumentedList<object>).changed) continue;
    const committed = (value as InstrumentedList<object>).committed;
    if (!committed?.length) continue;
    const members = new Set(current);
    for (const removed of committed) {
      if (members.has(removed)) continue;
      const childState = stateOf(removed);
      if (!childState || childState.deletePending || childState.deleted) continue;
      // Cleared only if no other parent took it: its back-reference says so, else (none, or not
      // loaded) its foreign key, which a parent taking it and synced first has set to its own key.
      const parent = rel.backRef === undefined ? undefined : childState.dict[rel.backRef.key];
      const ours = parent === undefined ? pointsAt(childState, state, pairs) : parent === null || parent === state.obj;
      if (ours) for (const [, fkAttr] of pairs) setAttribute(childState, fkAttr, null, changedRows);
    }
  }
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
