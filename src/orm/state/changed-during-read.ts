/**
 * Columns assigned while a read of them was in flight (`session.refresh(obj)` or a lazy load not
 * awaited yet, then `obj.title = "x"`): the read's row used to overwrite the assignment, marked
 * unchanged, and the commit resolved without it. The assignment is kept instead, and compared
 * with the row's value at the next flush. Changes made before the read began are the read's to
 * replace (a refresh drops them, as SQLAlchemy's does).
 */
import type { InstanceState } from "./instance-state.js";

/** The values of `keys` the objects held as changes not flushed when a read began. */
export type ChangesBefore = Map<InstanceState, Map<string, unknown>> | undefined;

/** Notes, before a read of `keys` is sent, which of them each object holds as changes. */
export function changesBefore(states: readonly InstanceState[], keys: readonly string[]): ChangesBefore {
  let before: ChangesBefore;
  for (const state of states) {
    const committed = state.committed;
    if (committed === undefined) continue;
    for (const key of keys) {
      if (!(key in committed)) continue;
      let values = (before ??= new Map()).get(state);
      if (values === undefined) before.set(state, (values = new Map()));
      values.set(key, state.dict[key]);
    }
  }
  return before;
}

/** Whether `key` of `state` was assigned since `changesBefore` was taken. */
export function changedDuringRead(state: InstanceState, key: string, before: ChangesBefore): boolean {
  const committed = state.committed;
  if (committed === undefined || !(key in committed)) return false;
  const values = before?.get(state);
  return values === undefined || !values.has(key) || values.get(key) !== state.dict[key];
}

/** What each relationship of an object held when a read of it began: the value, and a list's members. */
export type RelationshipsBefore = readonly (readonly [unknown, readonly unknown[] | undefined])[];

/** Notes, before a refresh's read is sent, what each relationship of `state` holds (by `mapper.relationshipList`). */
export function relationshipsBefore(state: InstanceState): RelationshipsBefore {
  return state.mapper.relationshipList.map((rel) => {
    const value = state.dict[rel.key];
    return [value, Array.isArray(value) ? Array.from(value as unknown[]) : undefined] as const;
  });
}

/**
 * Whether the relationship at `index` of `mapper.relationshipList` was assigned, or its list
 * changed, since `relationshipsBefore`: a refresh then keeps it, as it keeps a column assigned
 * meanwhile (unloaded, `book.author = other` or a tag pushed was lost, and the commit resolved).
 */
export function relationshipChangedDuringRead(state: InstanceState, index: number, before: RelationshipsBefore): boolean {
  const [value, members] = before[index]!;
  const now = state.dict[state.mapper.relationshipList[index]!.key];
  if (now !== value) return true;
  if (members === undefined) return false;
  const list = now as readonly unknown[];
  if (list.length !== members.length) return true;
  for (let i = 0; i < list.length; i++) if (list[i] !== members[i]) return true;
  return false;
}
