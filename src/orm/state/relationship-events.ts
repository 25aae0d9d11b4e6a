/**
 * What happens in memory when a relationship changes, before any flush:
 * - the other side of a `backPopulates` pair follows (a child appended to `parent.children` gets
 *   `child.parent`, and leaves its previous parent's list);
 * - a many-to-many that is a view over association objects creates or removes the association
 *   object (and an association whose two ends are set appears in both views);
 * - objects attached to an object of a session join it (save-update cascade), objects that lose
 *   the parent they cannot exist without are deleted (delete-orphan).
 * Updates to the other side are "quiet": they do not fire events of their own.
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { CollectionEvents, InstrumentedList } from "./collection.js";
import { ensureState, peekState, stateOf, type InstanceState, type StateOwner } from "./instance-state.js";
import { assertWritable } from "./writable.js";
import { collectionOf, listIfMade, stateIn } from "./loaded-lists.js";
import { followsMembers, noteMovedInto } from "./moved-members.js";
import { ArgumentError } from "../../core/errors.js";
import { assertNotViewonly } from "./target-check.js";
import { acceptMember, memberCheck, type MemberCheck } from "./validation.js";
import { targetOf } from "./target-of.js";
import { findAssociation } from "./find-association.js";
import { noteUnlinked, unlinkedAssociation, type AssociationView } from "./unlinked-associations.js";
import { noteMadeLink, takeMadeLink } from "./made-links.js";
import { addedTakenBack, linkRemoved, orphanedIn, outsideAnySession, removalTakenBack, waitForSession } from "./changes-outside-session.js";

/**
 * What the lists of one relationship report their changes to: the events below. One per
 * relationship, a field of it (`RelationshipProperty.events`), which the lists are made with.
 */
export class RelationshipEvents implements CollectionEvents {
  private check: MemberCheck | undefined | null = null; // validators of members added (validation.ts), read when first needed

  constructor(private readonly rel: RelationshipProperty) {}

  changing(owner: object): void {
    const state = stateOf(owner);
    if (state !== undefined) changingState(state);
  }

  checkWritable(owner: object): void {
    assertNotViewonly(this.rel);
    const state = stateOf(owner);
    if (state !== undefined) assertWritable(state, this.rel.key);
  }

  added(owner: object, item: object): void {
    collectionAdded(owner, this.rel, item, this.check === null ? (this.check = memberCheck(this.rel)) : this.check);
  }

  removed(owner: object, item: object): void {
    collectionRemoved(owner, this.rel, item);
  }
}

/** Before a persistent object's relationship changes: a savepoint keeps a copy of it first. */
export function changingState(state: InstanceState): void {
  if (state.key !== undefined) state.sessionForChange?.changing(state);
}

function touched(obj: object): void {
  const state = stateOf(obj);
  if (state !== undefined) touchedState(state);
}

function touchedState(state: InstanceState): void {
  if (state.key !== undefined) state.sessionForChange?.markModified(state);
}

function cascade(owner: object, rel: RelationshipProperty, item: object): void {
  cascadeAlong(stateOf(owner)?.session, owner, rel, item);
}

/**
 * `owner` (in `session`, or in none) holds `item` through `rel` now: the save-update cascade, in
 * whichever direction applies. In a session, `item` joins it; in none, `owner` joins `item`'s at
 * its next commit, if that one would cascade to it the other way.
 */
function cascadeAlong(session: StateOwner | undefined, owner: object, rel: RelationshipProperty, item: object): void {
  if (session) {
    if (rel.cascades("save-update") && stateOf(item)?.session !== session) session.cascadeAdd(item);
    return;
  }
  // Read without reaching `item`: nothing is given to it (this runs for every link a new graph makes).
  const itemSession = peekState(item)?.session;
  if (itemSession && rel.cascadesBack) itemSession.cascadeAdd(owner, true);
}

function collectionAdded(owner: object, rel: RelationshipProperty, item: object, check: MemberCheck | undefined): void {
  acceptMember(rel, owner, item, check); // thrown before anything changes: the list takes the item back
  const view = rel.associationView;
  // A view assigned while not loaded: whether a link exists is known at flush (`settleReplacement`).
  // Adding through the many-to-many view creates the association object: the creator's, or one
  // with its columns' defaults (a surrogate key is the database's to generate). The creator runs
  // first, before anything else changes: when it throws, the list takes the item back and no
  // other object has been touched.
  // A link removed through the view and added again before a flush gets its association object
  // back: a new one lost the link's extra data (memory and the commit showed null).
  let needed = view !== undefined && needsAssociation(owner, rel, item);
  // Removed while the owner is detached: the removal waiting for its session is taken back.
  const back = needed && outsideAnySession(owner) ? removalTakenBack(owner, rel, item) : undefined;
  if (back === null) needed = false;
  const kept = needed ? (back ?? unlinkedAssociation(owner, view!, item)) : undefined;
  const association = !needed || kept !== undefined ? kept : rel.spec.options.creator ? created(owner, rel, item) : (view!.association.newInstance() as object);
  attachBack(item, rel.backRef, owner, rel);
  if (kept !== undefined) relink(kept, view!);
  if (association !== undefined) {
    const state = ensureState(association, view!.association);
    if (kept === undefined && !rel.spec.options.creator) {
      for (const [key, column] of view!.association.columns) {
        // Not checked here (a throw would leave the list half-changed): the flush checks the value.
        if (column.default !== undefined) state.dict[key] = typeof column.default === "function" ? (column.default as () => unknown)() : column.default;
      }
    }
    if (state.dict[view!.toOwner.key] !== owner) setScalar(association, view!.toOwner, owner);
    if (state.dict[view!.toMember.key] !== item) setScalar(association, view!.toMember, item);
    // It joins the owner's session itself: with both ends persistent and their association
    // lists not loaded, no list holds it for a cascade to find. An owner in none: the session it joins.
    if (outsideAnySession(owner)) waitForSession(owner, { added: association });
    else cascade(owner, rel, association);
  }
  cascade(owner, rel, item);
  touched(owner);
}

/** The association object `rel`'s creator makes for `member`; it must be one of the association's class. */
function created(owner: object, rel: RelationshipProperty, member: object): object {
  const { association } = rel.associationView!;
  const made = rel.spec.options.creator!(member, owner) as unknown;
  if (!(made instanceof association.class_)) {
    const what = made === null || typeof made !== "object" ? String(made) : `an instance of ${made.constructor.name}`;
    throw new ArgumentError(`${rel}: creator returned ${what}, not a ${association.name}. Return the association object, e.g. (member, owner) => new ${association.name}(...).`);
  }
  return made;
}

/**
 * Whether a member added through view `rel` needs a new association object: none links the two
 * (one deleted does not count), and, the association objects not loaded, the member is not in
 * the view already. A member pushed again is the link it has: the two copies share one
 * association object, where a second one was made and its INSERT failed on the link's key.
 */
function needsAssociation(owner: object, rel: RelationshipProperty, item: object): boolean {
  if (awaitsCommitted(owner, rel) || findAssociation(owner, rel, item, true) !== undefined) return false;
  if (findAssociation(owner, rel, item) !== undefined) return true; // only a deleted one: a new link
  const view = stateIn(owner).dict[rel.key] as InstrumentedList<object> | undefined;
  return view === undefined || view.occurrences(item) < 2;
}

/** Whether the owner's list of `rel` was assigned while not loaded, and the flush has not read it yet. */
function awaitsCommitted(owner: object, rel: RelationshipProperty): boolean {
  return (stateIn(owner).dict[rel.key] as InstrumentedList<object> | undefined)?.awaitsCommitted === true;
}

/**
 * A list assigned while not loaded (`InstrumentedList.awaitsCommitted`), once the flush has read
 * the members the database holds, `before`: the members it no longer has are removed, with the
 * events of a removal (back-references cleared, orphans deleted, links and association objects
 * deleted), and a view over association objects creates those of the members it adds (those
 * added had their events when assigned). So are `movedIn` left out: moved in, not flushed.
 */
export function settleReplacement(owner: object, rel: RelationshipProperty, list: InstrumentedList<object>, before: readonly object[], movedIn: readonly object[] = []): void {
  list.restoreCommitted(before);
  const kept = new Set<object>(list);
  for (let i = 0; i < before.length; i++) if (!kept.has(before[i]!)) collectionRemoved(owner, rel, before[i]!);
  for (let i = 0; i < movedIn.length; i++) if (!kept.has(movedIn[i]!)) collectionRemoved(owner, rel, movedIn[i]!);
  if (rel.associationView === undefined) return;
  const had = new Set(before);
  for (let i = 0; i < list.length; i++) if (!had.has(list[i]!)) collectionAdded(owner, rel, list[i]!, undefined);
}

function collectionRemoved(owner: object, rel: RelationshipProperty, item: object): void {
  detachBack(item, rel.backRef, owner);
  const view = rel.associationView;
  if (view) {
    // Assigned while not loaded: which links go is known at flush (`settleReplacement`).
    if (awaitsCommitted(owner, rel)) return touched(owner);
    // One made through the view and not flushed: it goes (no row to delete), kept for the link added again.
    const made = takeMadeLink(owner, view, item);
    if (made !== undefined) {
      noteUnlinked(made, stateIn(made).dict, view);
      if (outsideAnySession(owner)) addedTakenBack(owner, made);
    }
    if (!stateOf(item)?.deleted && !removeLinkByAssociation(owner, rel, item, made)) linkRemoved(owner, rel, item); // deleted, its links went with it
  } else {
    // An association object leaving its owner's list leaves the many-to-many views through it.
    for (const throughView of rel.backRef?.views ?? []) {
      const av = throughView.associationView!;
      if (av.toOwner !== rel.backRef) continue;
      const dict = ensureState(item, av.association).dict;
      dict[av.toOwner.key] ??= owner;
      dict[av.toMember.key] ??= memberInView(owner, throughView, item) ?? undefined;
      noteUnlinked(item, dict, av); // the link added again through the view before the flush takes it back
      unlinkAssociation(item, av);
      return;
    }
    if (isIdentifying(rel) || rel.cascades("delete-orphan")) {
      const state = stateOf(item);
      if (state?.dict[rel.backRef?.key ?? ""] == null) orphanedIn(state?.session, owner, item, rel);
    }
  }
  touched(owner);
}

/** The member of `owner`'s view that an association (whose member end is not loaded) links to. */
function memberInView(owner: object, view: RelationshipProperty, association: object): object | undefined {
  const av = view.associationView!;
  const dict = ensureState(association, av.association).dict;
  const members = collectionOf(owner, view);
  const target = av.toMember.resolved.target;
  return members?.find((m) =>
    av.toMember.resolved.pairs.every(([fk, key]) => dict[av.association.attributeFor(fk)!] === ensureState(m, target).dict[target.attributeFor(key)!]),
  );
}

/**
 * A scalar relationship of `obj` (whose state is `state`) changed from `old` to `value` (the
 * attribute itself is already set). The state is passed along, not looked up again: this runs
 * for every link an object graph makes.
 */
export function scalarChanged(obj: object, state: InstanceState, rel: RelationshipProperty, old: object | null, value: object | null): void {
  if (old) detachBack(old, rel.backRef, obj);
  if (value) attachBack(value, rel.backRef, obj, rel);
  const views = rel.views;
  for (let i = 0; i < views.length; i++) viewEndChanged(state, views[i]!, rel, old);
  if (value) cascadeAlong(state.session, obj, rel, value);
  else leftOwner(obj, state, rel, old);
  touchedState(state);
}

/**
 * A many-to-one set to null whose other side deletes orphans (`child.parent = null`): the object
 * left its parent as if taken out of the list (SQLAlchemy alike), decided at the flush; the flush
 * cleared its key instead (IntegrityError on a NOT NULL key).
 */
function leftOwner(obj: object, state: InstanceState, rel: RelationshipProperty, old: object | null): void {
  const back = rel.backRef;
  if (back?.collection && back.cascades("delete-orphan")) orphanedIn(state.session, old ?? undefined, obj, back);
}

function setScalar(obj: object, rel: RelationshipProperty, value: object): void {
  const state = stateIn(obj);
  const old = (state.dict[rel.key] ?? null) as object | null;
  changingState(state);
  state.dict[rel.key] = value;
  scalarChanged(obj, state, rel, old, value);
}

/** Makes `target`'s side of the pair point at `obj`. */
function attachBack(target: object, back: RelationshipProperty | undefined, obj: object, rel: RelationshipProperty): void {
  if (!back) return;
  if (back.collection) {
    const list = listIfMade(target, back);
    if (list) list.appendQuietly(obj);
    else if (followsMembers(back)) noteMovedInto(target, back, obj); // not loaded: its load shows obj
    if (list && back.resolved.direction === "manyToMany") touched(target); // a link: its flush marks the list written
    return;
  }
  const state = stateIn(target);
  const previous = state.dict[back.key] as object | null | undefined;
  if (previous === obj) return;
  // `target` moves from its previous parent (or one-to-one partner) to `obj`.
  if (previous) {
    if (rel.collection) collectionOf(previous, rel)?.removeQuietly(target);
    else {
      const previousState = stateIn(previous);
      changingState(previousState);
      previousState.dict[rel.key] = null;
    }
  }
  changingState(state);
  state.dict[back.key] = obj;
  touched(target);
}

/** Makes `target`'s side of the pair stop pointing at `obj`. */
function detachBack(target: object, back: RelationshipProperty | undefined, obj: object): void {
  if (!back) return;
  if (back.collection) {
    listIfMade(target, back)?.removeQuietly(obj);
  } else {
    const state = stateIn(target);
    if (state.dict[back.key] === obj) {
      changingState(state);
      state.dict[back.key] = null;
    }
  }
  touched(target);
}

/** An association's end changed: the views through it drop the old link and show the new one. */
function viewEndChanged(association: InstanceState, view: RelationshipProperty, end: RelationshipProperty, old: object | null): void {
  const av = view.associationView!;
  const owner = targetOf(association, av.toOwner);
  const member = targetOf(association, av.toMember);
  const oldOwner = end === av.toOwner ? old : owner;
  const oldMember = end === av.toMember ? old : member;
  if (oldOwner && oldMember) listIfMade(oldOwner, view)?.removeQuietly(oldMember);
  if (owner && member) {
    listIfMade(owner, view)?.appendQuietly(member);
    // Not inserted, of an owner that has a row: no list of it may be loaded (or stay loaded) to
    // find it by; a view's removal and load find it by its link. A new owner's lists stay loaded.
    if (association.key === undefined) noteMadeLinkOf(owner, association.obj);
  }
}

/**
 * Removes the link of `owner` to `member` through view `rel` by its association object, found in
 * the lists loaded (`findAssociation`), else `pending` (one added while no list held it); returns
 * whether there was one. A surrogate-keyed association's link removed while not loaded is found
 * so by the flush, after loading the association objects (`removed-links.ts`).
 */
export function removeLinkByAssociation(owner: object, rel: RelationshipProperty, member: object, pending?: object): boolean {
  const view = rel.associationView!;
  // A live one first: the one of a link deleted before (flushed, still listed until the commit)
  // was deleted again, a DELETE that matched no row.
  const association = findAssociation(owner, rel, member, true) ?? findAssociation(owner, rel, member) ?? pending;
  if (association === undefined) return false;
  // The view knows both ends, even where the association has not loaded them.
  const dict = ensureState(association, view.association).dict;
  dict[view.toOwner.key] ??= owner;
  dict[view.toMember.key] ??= member;
  if (association !== pending) noteUnlinked(association, dict, view);
  unlinkAssociation(association, view);
  // A second association object made for the link (the view shows a member once): it goes too.
  // Left in the owner's list, the commit wrote the link the view no longer showed.
  for (let other = findAssociation(owner, rel, member, true); other !== undefined && other !== association; ) {
    unlinkAssociation(other, view);
    const next = findAssociation(owner, rel, member, true);
    other = next === other ? undefined : next;
  }
  return true;
}

/**
 * A link removed and added again before a flush, while its association objects were not loaded:
 * the association object made when it was added again (`replacement`, pending) takes the key of
 * the one loaded since, which is deleted. The flush then writes one UPDATE of that row (a row
 * switch) rather than an INSERT that the unique constraint over the link columns would refuse.
 * Returns whether there was such a row.
 */
export function takeOverAssociation(owner: object, rel: RelationshipProperty, member: object, replacement: object): boolean {
  const view = rel.associationView!;
  const old = findAssociation(owner, rel, member);
  if (old === undefined || old === replacement) return false;
  const oldState = ensureState(old, view.association);
  const newState = ensureState(replacement, view.association);
  // In the lists of association objects, the replacement stands where the old one did; the views do not change.
  for (const end of [view.toOwner, view.toMember]) {
    const target = newState.dict[end.key] as object | null | undefined;
    const list = target && end.backRef?.collection ? (stateIn(target).dict[end.backRef.key] as InstrumentedList<object> | undefined) : undefined;
    if (list?.includes(old)) {
      list.removeQuietly(old);
      list.appendQuietly(replacement);
    }
  }
  for (const attr of view.association.keyAttributes) newState.dict[attr] = oldState.dict[attr];
  oldState.session?.orphaned(old);
  return true;
}

/** An association object unlinked through a view links again: back in both ends' lists, and no longer to be deleted. */
function relink(association: object, view: AssociationView): void {
  const state = stateIn(association);
  changingState(state); // a savepoint's rollback marks it for deletion again
  for (const end of [view.toOwner, view.toMember]) {
    const target = state.dict[end.key] as object | null | undefined;
    if (target) attachBack(target, end.backRef, association, end);
  }
  // A pending one left the session with its removal: the cascade that follows brings it back,
  // and its link is found by the next removal through a view as when it was made (made-links.ts).
  if (state.key !== undefined) state.session?.relinked(association);
  else for (const end of [view.toOwner, view.toMember]) noteMadeLinkOf(state.dict[end.key] as object | null | undefined, association);
}

/** Notes `association` as made for `owner`'s links, where the owner has a row (as `viewEndChanged` does). */
function noteMadeLinkOf(owner: object | null | undefined, association: object): void {
  if (owner && peekState(owner)?.key !== undefined) noteMadeLink(owner, association);
}

/** Removes an association object from both ends (and so from both views), and deletes it. */
function unlinkAssociation(association: object, view: NonNullable<RelationshipProperty["associationView"]>): void {
  const dict = ensureState(association, view.association).dict;
  for (const end of [view.toOwner, view.toMember]) {
    const target = dict[end.key] as object | null | undefined;
    if (target) detachBack(target, end.backRef, association);
    for (const other of end.views) {
      const owner = dict[other.associationView!.toOwner.key] as object | null | undefined;
      const member = dict[other.associationView!.toMember.key] as object | null | undefined;
      if (owner && member) listIfMade(owner, other)?.removeQuietly(member);
    }
  }
  const owner = (dict[view.toOwner.key] ?? undefined) as object | undefined;
  orphanedIn(stateOf(association)?.session ?? (owner && stateOf(owner)?.session), owner, association, undefined);
}

/** The child's foreign key is part of its primary key: it cannot exist without its parent. */
function isIdentifying(rel: RelationshipProperty): boolean {
  if (rel.resolved.direction !== "oneToMany") return false;
  return rel.resolved.pairs.some(([, fkCol]) => fkCol.primaryKey);
}
