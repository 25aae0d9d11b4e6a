/**
 * Association objects made in memory (not inserted yet) whose owner's list of association
 * objects was not loaded: `parent.children.push(child)` with `parent.childAssociations` not read,
 * or `Object.assign(new Association(), { parent, child })`. No loaded list holds them, so a link
 * removed through the view before the flush (`parent.children.splice(...)`) did not find the
 * association object that made it: the removal deleted the link's row by key, and the flush
 * paired that DELETE with the new object's INSERT into an UPDATE of a row that was never there
 * (a false `StaleDataError`), or, the association object left behind, wrote the link the view no
 * longer showed. Noted by owner here, they are found by their link.
 */
import type { AssociationView } from "./unlinked-associations.js";
import { stateOf, type InstanceState, type StateOwner } from "./instance-state.js";

const madeByOwner = new WeakMap<object, Set<object>>();

/** @internal `association`, not inserted yet, links `owner` through a view while the owner's association objects are not loaded. */
export function noteMadeLink(owner: object, association: object): void {
  const made = madeByOwner.get(owner);
  if (made === undefined) madeByOwner.set(owner, new Set([association]));
  else made.add(association);
}

/**
 * @internal
 * The association object noted for the link `owner` to `member` through `view` that is still to
 * be inserted by the owner's session (`waiting`). Forgets those inserted since.
 */
export function madeLink(owner: object, view: AssociationView, member: object): object | undefined {
  let found: object | undefined;
  forEachWaiting(owner, view, (association, m) => {
    if (m === member) found ??= association;
  });
  return found;
}

/**
 * @internal
 * `madeLink`, taken out of the notes: the link is being removed. Linked again, it is noted again (`relink`).
 */
export function takeMadeLink(owner: object, view: AssociationView, member: object): object | undefined {
  const found = madeLink(owner, view, member);
  if (found !== undefined) madeByOwner.get(owner)!.delete(found);
  return found;
}

/**
 * @internal
 * The members of `owner`'s view `view` loaded from `rows`, with those of the links made in
 * memory and not inserted yet: the commit writes them, so the view shows them, as the owner's
 * list of association objects does (moved-members.ts).
 */
export function withMadeLinks(owner: object, view: AssociationView, rows: readonly object[]): readonly object[] {
  let members = rows;
  forEachWaiting(owner, view, (_association, member) => {
    if (!members.includes(member)) members = [...members, member];
  });
  return members;
}

/** Calls `fn` with each association noted for `owner` that `waiting` says is still to be inserted, and its member. */
function forEachWaiting(owner: object, view: AssociationView, fn: (association: object, member: object) => void): void {
  const made = madeByOwner.get(owner);
  if (made === undefined) return;
  const session = stateOf(owner)?.session;
  for (const association of made) {
    const state = stateOf(association);
    if (state === undefined || state.key !== undefined) {
      made.delete(association); // inserted: its row is found by key now
      continue;
    }
    if (state.mapper !== view.association || state.dict[view.toOwner.key] !== owner) continue;
    const member = state.dict[view.toMember.key] as object | null | undefined;
    if (member && waiting(state, session)) fn(association, member);
  }
}

/**
 * Whether an association object not inserted yet is to be by `session` (the owner's): pending in
 * it and not to be deleted, or linked from its own side and joining it at the flush; an owner in
 * no session (detached), one in none either, waiting with the owner for the session it joins.
 * One let go (deleted) may be taken back (linked again): it is kept in the notes until inserted.
 */
function waiting(state: InstanceState, session: StateOwner | undefined): boolean {
  if (session === undefined) return state.session === undefined;
  return state.session === undefined ? session.joinsAtFlush(state.obj) : state.session === session && !state.deletePending;
}
