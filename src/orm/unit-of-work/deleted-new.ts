/**
 * A new object (no row yet) deleted with `session.delete`: it simply leaves the session, but its
 * links stayed. A link made through a many-to-many view left a pending association object whose
 * key names it (the flush failed with NullIdentityKeyError), and an association object linked
 * from its own side was adopted at the commit, whose save-update cascade inserted the deleted
 * object again with the link. Now the links go with it, as a persistent object's rows do: its
 * views are emptied (their association objects made in memory go), the objects whose key or
 * delete cascade ties them to it go too, and no cascade adds it back (`DeletedNew.refuse`).
 */
import { InvalidRequestError } from "../../core/errors.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstrumentedList } from "../state/collection.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import type { LinkedObjects } from "./linked-objects.js";

/** @internal What of the unit of work deleting a new object acts on. */
export interface DeletedNewHost {
  readonly owner: StateOwner;
  readonly linked: LinkedObjects;
  delete(state: InstanceState): void;
  expunge(state: InstanceState): void;
  forget(state: InstanceState): void;
}

/** @internal The new objects the application deleted: a cascade must not bring them back. */
export class DeletedNew {
  private readonly deleted = new WeakSet<object>();
  /** New objects a flush's delete cascade reached (`reachedByCascade`). */
  private readonly cascaded = new WeakSet<object>();

  /** Deletes `state` (no row, in the host's session) and the links that name it. */
  delete(host: DeletedNewHost, state: InstanceState): void {
    this.deleted.add(state.obj);
    host.linked.forget(state.obj); // still linked to the session's objects: it must not join again at the flush
    const ties: object[] = [];
    const relationships = state.mapper.relationshipList;
    for (let r = 0; r < relationships.length; r++) {
      const rel = relationships[r]!;
      const list = state.dict[rel.key];
      if (rel.viewonly || !Array.isArray(list) || list.length === 0) continue;
      // Through the view's own removal: the association object made for each link goes with it.
      if (rel.associationView !== undefined) (list as InstrumentedList<object>).splice(0, list.length);
      else if (tiedTo(rel)) ties.push(...(list as object[]));
    }
    host.expunge(state);
    for (const member of ties) this.goWith(host, member);
  }

  /** `member`'s key (or a delete cascade) names a deleted new object: it goes too. */
  private goWith(host: DeletedNewHost, member: object): void {
    const state = stateOf(member);
    if (state === undefined || this.deleted.has(member)) return;
    if (state.key !== undefined) {
      // A row moved onto the new object in memory: deleted, as a deleted parent's children are.
      if (state.session === host.owner && !state.gone) host.delete(state);
      return;
    }
    leaveOtherEnds(state);
    if (state.session === host.owner) this.delete(host, state);
    else {
      this.deleted.add(member);
      host.linked.forget(member);
    }
  }

  /**
   * A new object a flush's delete cascade reached (an end of an association object deleted): it
   * leaves the session. Still in its other ends' lists (the flush may not change them), it failed
   * the commit as a member outside the session (`wentWithEnd`).
   */
  reachedByCascade(host: DeletedNewHost, state: InstanceState): void {
    host.linked.forget(state.obj); // still linked to its other end: adopted at the commit, it was inserted with the deleted end's key cleared
    host.forget(state);
    this.cascaded.add(state.obj);
  }

  /** Whether `obj`, new, left the session with an end a flush deleted: nothing of it is to be written. */
  wentWithEnd(obj: object): boolean {
    return this.cascaded.has(obj) && stateOf(obj)?.session === undefined;
  }

  /** Added again by the application itself: a cascade may reach it again. */
  readded(obj: object): void {
    this.deleted.delete(obj);
  }

  /** Throws when a cascade reaches a new object the application deleted: it must not be written. */
  refuse(state: InstanceState, describe: (state: InstanceState) => string): void {
    if (!this.deleted.has(state.obj)) return;
    throw new InvalidRequestError(
      `${describe(state)} was deleted before it was inserted, and an object added now still references it: a cascade does not add a deleted object again. ` +
        `Unlink it first, or session.add() it again to keep it.`,
    );
  }
}

/** Whether members of one-to-many `rel` cannot exist without its owner: their key holds its foreign key, or the delete cascades. */
function tiedTo(rel: RelationshipProperty): boolean {
  if (rel.resolved.direction !== "oneToMany") return false;
  return rel.cascades("delete") || rel.resolved.pairs.some(([, fk]) => fk.primaryKey);
}

/**
 * @internal
 * Takes a new object out of the lists of the objects its many-to-ones name (through the list's
 * removal, so that a view over association objects drops the link too): a new object left there
 * outside the session failed the commit.
 */
export function leaveOtherEnds(state: InstanceState): void {
  for (const rel of state.mapper.relationshipList) {
    const back = rel.backRef;
    const target = state.dict[rel.key] as object | null | undefined;
    if (rel.viewonly || rel.collection || back === undefined || !back.collection || !target) continue;
    const list = stateOf(target)?.dict[back.key] as InstrumentedList<object> | undefined;
    const at = list?.indexOf(state.obj) ?? -1;
    if (at >= 0) list!.splice(at, 1);
  }
}
