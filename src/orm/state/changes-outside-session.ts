/**
 * Relationship changes of an object in no session (detached) that only a session could act on: an
 * association object made by adding to a many-to-many view whose association lists are not loaded
 * (`user.groups.push(group)`), and an association object or link removed through such a view, or
 * a member of a delete-orphan or identifying list taken out of it. No list the object holds leads
 * to them, so the session it joins (`session.add(user)`) did not find them: the commit resolved
 * without the link the view showed, or with the link it no longer showed, and so did a
 * `sessionMaker().transaction` retry adding the object again. They wait here, by owner, and each
 * session the owner joins acts on them (`UnitOfWork.add`), until one commits.
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import { ensureState, stateOf, type StateOwner } from "./instance-state.js";
import { noteUnlinked } from "./unlinked-associations.js";

/**
 * What the owner's session is to do: add `added` (if still linked then), treat `orphan` as
 * orphaned through `via`, or delete the link to `unlinked` removed through view `via` (its
 * association objects not loaded: each session is given a stand-in of its own, `linkStub`).
 */
export type ChangeOutside =
  | { readonly added: object }
  | { readonly orphan: object; readonly via: RelationshipProperty | undefined }
  | { readonly unlinked: object; readonly via: RelationshipProperty };

const waiting = new WeakMap<object, ChangeOutside[]>();

/** `owner`, in no session, made a change only a session can act on. */
export function waitForSession(owner: object, change: ChangeOutside): void {
  const changes = waiting.get(owner);
  if (changes === undefined) waiting.set(owner, [change]);
  else changes.push(change);
}

/** The changes `owner` made while in no session: kept until a session it joined commits (a rollback's retry needs them again). */
export function changesOutside(owner: object): readonly ChangeOutside[] | undefined {
  return waiting.get(owner);
}

/** A session `owner` joined committed: its changes are written. */
export function changesWritten(owner: object): void {
  waiting.delete(owner);
}

/** Whether `owner` has a row and is in no session (detached): what it changes waits for the session it joins. */
export function outsideAnySession(owner: object): boolean {
  const state = stateOf(owner);
  return state !== undefined && state.session === undefined && state.key !== undefined;
}

/**
 * `orphan` lost `owner`: `session` (the orphan's, or else the owner's) decides; with none, the
 * session the owner joins, if the orphan has a row to delete.
 */
export function orphanedIn(session: StateOwner | undefined, owner: object | undefined, orphan: object, via: RelationshipProperty | undefined): void {
  if (session !== undefined) session.orphaned(orphan, via, owner);
  else if (owner !== undefined && outsideAnySession(owner) && stateOf(orphan)?.key !== undefined) waitForSession(owner, { orphan, via });
}

/** @internal `association`, made while `owner` was detached, was unlinked again before the owner joined a session: it is not to be added. */
export function addedTakenBack(owner: object, association: object): void {
  const changes = waiting.get(owner);
  const at = changes === undefined ? -1 : changes.findIndex((change) => "added" in change && change.added === association);
  if (at >= 0) changes!.splice(at, 1);
}

/** The link of `owner` to `member` was removed through view `rel` while no association object of it was loaded. */
export function linkRemoved(owner: object, rel: RelationshipProperty, member: object): void {
  const session = stateOf(owner)?.session;
  if (session !== undefined) linkRemovedIn(session, owner, rel, member);
  else if (outsideAnySession(owner)) waitForSession(owner, { unlinked: member, via: rel });
}

/**
 * @internal `session` deletes the link of `owner` to `member` removed through view `rel` (its
 * association objects not loaded), by a stand-in: now, or when the owner joins it.
 */
export function linkRemovedIn(session: StateOwner, owner: object, rel: RelationshipProperty, member: object): void {
  const stub = linkStub(owner, rel, member);
  session.orphaned(stub, rel);
  // Keyed by its link, the stand-in became the session's object of the row, marked for deletion:
  // the link added again before the flush takes it back, and the row (its extra data) stays.
  const state = stateOf(stub)!;
  if (state.key === undefined || !state.deletePending) return;
  // Its other columns were never read: expired, a read loads them (the link added again showed
  // null extra data where the row holds a value).
  state.expireAllColumns();
  noteUnlinked(stub, state.dict, rel.associationView!);
}

/**
 * @internal
 * The link of `owner` (in no session) to `member`, removed through view `rel` while detached, is
 * added again: the waiting removal is taken back. Returns the association object unlinked then (to
 * link again, with its extra data), `null` for a link removed with no association object loaded
 * (its row stays as it is), or undefined when no such removal waits. Without this, the session the
 * owner joined deleted the row and inserted a new association object over it, with null extra data.
 */
export function removalTakenBack(owner: object, rel: RelationshipProperty, member: object): object | null | undefined {
  const changes = waiting.get(owner);
  if (changes === undefined) return undefined;
  const { association, toOwner, toMember } = rel.associationView!;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if ("unlinked" in change) {
      if (change.unlinked !== member || change.via !== rel) continue;
      changes.splice(i, 1);
      return null;
    }
    if (!("orphan" in change) || change.via !== undefined) continue;
    const state = stateOf(change.orphan);
    if (state?.mapper !== association || state.dict[toOwner.key] !== owner || state.dict[toMember.key] !== member) continue;
    changes.splice(i, 1);
    return change.orphan;
  }
  return undefined;
}

/**
 * When the association objects are not loaded, a link removed through the view is deleted by key:
 * a stand-in association object carrying only the link, which the session deletes. A surrogate
 * key is not known from the link: the session then finds the row by loading the association
 * objects at the next flush (`view` tells it which).
 */
export function linkStub(owner: object, rel: RelationshipProperty, member: object): object {
  const view = rel.associationView!;
  const stub = view.association.newInstance() as object;
  const dict = ensureState(stub, view.association).dict;
  dict[view.toOwner.key] = owner;
  dict[view.toMember.key] = member;
  return stub;
}
