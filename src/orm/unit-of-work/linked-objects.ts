/**
 * Objects linked to a session's objects from their own side only: `association.parent = parent`
 * with `parent` in the session and the association in none. The save-update cascade runs from
 * parent to child (`parent.childAssociations.push(association)` adds it at once), not back, as in
 * SQLAlchemy 2.0. But the parent's list shows the association, and SQLAlchemy's flush then leaves
 * it out with a warning: a commit that resolves without a row the object graph holds. Here such
 * an object joins the session at the next commit or `flush()`, if it is still linked to one of
 * the session's objects then; not at an autoflush, which would write it before the application
 * has finished building it (its other end not set yet).
 */
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { leaveOtherEnds } from "./deleted-new.js";

export class LinkedObjects {
  /** Each object noted, with the count of notes when it was first noted. */
  private readonly objects = new Map<object, number>();
  private notes = 0;

  /** `obj`, in no session, was linked to one of the session's objects. */
  note(obj: object): void {
    if (!this.objects.has(obj)) this.objects.set(obj, ++this.notes);
  }

  /** Whether `obj` was noted and joins at the next commit or `flush()` if still linked then. */
  has(obj: object): boolean {
    return this.objects.has(obj);
  }

  /** `obj` was unlinked through a view (an association object of a link removed there): it joins no more. */
  forget(obj: object): void {
    this.objects.delete(obj);
  }

  /** Where a savepoint begins: its rollback forgets what was noted since (`forgetSince`). */
  get mark(): number {
    return this.notes;
  }

  /** A savepoint was rolled back: the links made in it are undone, and so is what they would add. */
  forgetSince(mark: number): void {
    for (const [obj, noted] of this.objects) if (noted > mark) this.objects.delete(obj);
  }

  /** Adds to `owner` each noted object still outside any session and still linked to one of its objects. */
  adopt(owner: StateOwner): void {
    if (this.objects.size === 0) return;
    const noted = [...this.objects.keys()];
    this.objects.clear();
    for (const obj of noted) {
      const state = stateOf(obj);
      if (state === undefined || state.session !== undefined || !linkedTo(owner, state)) continue;
      if (!keyedByGone(state)) owner.cascadeAdd(obj);
      else leaveOtherEnds(state); // goes with the deleted end: left in the other end's list, it failed the commit
    }
  }

  clear(): void {
    this.objects.clear();
  }
}

/** Whether a relationship of `state` whose other side cascades save-update holds an object `owner` keeps (not to be deleted). */
function linkedTo(owner: StateOwner, state: InstanceState): boolean {
  const relationships = state.mapper.relationshipList;
  for (let i = 0; i < relationships.length; i++) {
    const rel = relationships[i]!;
    if (!rel.cascadesBack) continue;
    const value = state.dict[rel.key];
    if (value === undefined || value === null) continue;
    if (Array.isArray(value) ? value.some((member: object) => keeps(owner, member)) : keeps(owner, value as object)) return true;
  }
  return false;
}

/**
 * Whether a many-to-one whose foreign key is in the object's key, or whose other side cascades
 * delete, names an object to be deleted: it goes with it, as a deleted parent's association
 * objects and children do (an association object moved onto a parent then deleted was adopted
 * and inserted with that key cleared; a child given a parent then deleted, with a NULL key).
 */
function keyedByGone(state: InstanceState): boolean {
  const relationships = state.mapper.relationshipList;
  for (let i = 0; i < relationships.length; i++) {
    const rel = relationships[i]!;
    if (rel.collection || rel.resolved.direction !== "manyToOne") continue;
    if (!rel.resolved.pairs.some(([fk]) => fk.primaryKey) && rel.backRef?.cascades("delete") !== true) continue;
    const target = stateOf(state.dict[rel.key] as object);
    if (target !== undefined && (target.deletePending || target.deleted)) return true;
  }
  return false;
}

function keeps(owner: StateOwner, obj: object): boolean {
  const state = stateOf(obj);
  return state !== undefined && state.session === owner && !state.deletePending && !state.deleted;
}
