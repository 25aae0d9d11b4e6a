/**
 * A one-to-many list loaded after its members moved in memory: a child whose many-to-one was
 * assigned another parent (`book.author = other`) and not flushed (`autoflush: false`). The rows
 * still name the old parent, so a list loaded from them showed the child in the old parent's list
 * and not in the new one's, though the commit writes the new one. As SQLAlchemy's pending
 * collection mutations do, the new parent's list, not loaded when the child moved in, notes it,
 * and a load adds it; the old parent's list leaves out a child whose reference names another.
 * Only without autoflush: with it, each load flushes first, and the rows hold the move.
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import { peekState } from "./instance-state.js";

/** Children moved into a list not loaded, per owner and relationship: checked again when it loads. */
const movedIn = new WeakMap<object, Map<RelationshipProperty, Set<object>>>();
/** Whether any list was ever noted: until then a load looks nothing up. */
let anyMoved = false;

/** `member`'s many-to-one now names `owner`, whose list `rel` is not loaded: its load must show it. */
export function noteMovedInto(owner: object, rel: RelationshipProperty, member: object): void {
  const state = peekState(owner);
  // A new owner's list is made empty, and then kept; with autoflush, every load flushes the move first.
  if (state?.key === undefined || state.session?.autoflush !== false) return;
  let byRel = movedIn.get(owner);
  if (!byRel) movedIn.set(owner, (byRel = new Map()));
  let members = byRel.get(rel);
  if (!members) byRel.set(rel, (members = new Set()));
  members.add(member);
  anyMoved = true;
}

/**
 * The members a one-to-many list of `parent` shows when loaded from `rows` (its back-reference
 * `back`): without the children whose loaded reference names another parent, with those moved
 * into it and still naming it. The rows themselves in the common case, with one read per member.
 */
export function membersAsInMemory(parent: object, rel: RelationshipProperty, back: RelationshipProperty, rows: readonly object[]): readonly object[] {
  let members = rows;
  for (let i = 0; i < rows.length; i++) {
    const named = peekState(rows[i]!)?.dict[back.key];
    if (named !== undefined && named !== parent) {
      members = rows.filter((row) => {
        const value = peekState(row)?.dict[back.key];
        return value === undefined || value === parent;
      });
      break;
    }
  }
  if (!anyMoved) return members;
  const byRel = movedIn.get(parent);
  const moved = byRel?.get(rel);
  if (!moved) return members;
  byRel!.delete(rel);
  const session = peekState(parent)?.session;
  const added = [...moved].filter((member) => {
    const state = peekState(member);
    return state?.session === session && state!.dict[back.key] === parent && !members.includes(member);
  });
  return added.length ? [...members, ...added] : members;
}
