/**
 * A list loaded after its members moved in memory, not flushed (`autoflush: false`): a child whose
 * many-to-one was assigned another parent (`book.author = other`), a many-to-many link added or
 * removed from the other side (`book.tags.push(tag)` with `tag.books` not loaded). The rows still
 * hold the old links, so a list loaded from them showed the child in the old parent's list and
 * not in the new one's, though the commit writes the new one. As SQLAlchemy's pending collection
 * mutations do, a list not loaded when a member moved in notes it, and a load adds it; a loaded
 * list leaves out a member whose own side (its reference, or its loaded list) says otherwise.
 * Only without autoflush (with it, each load flushes first, and the rows hold the move), or for a
 * new object linked from its own side (`association.parent = parent`), which an autoflush does not
 * write: it joins the session at the flush (linked-objects.ts).
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import { peekState, type InstanceState } from "./instance-state.js";

/** Children moved into a list not loaded, per owner and relationship: checked again when it loads. */
const movedIn = new WeakMap<object, Map<RelationshipProperty, Set<object>>>();
/** Whether any list was ever noted: until then a load looks nothing up. */
let anyMoved = false;

/** The lists this follows: one-to-many, and many-to-many over a plain association table. */
export function followsMembers(rel: RelationshipProperty): boolean {
  const direction = rel.resolved.direction;
  return direction === "oneToMany" || (direction === "manyToMany" && rel.associationView === undefined && rel.backRef?.associationView === undefined);
}

/** Whether `member`'s side of the pair (`back`) has it linked to `parent`; undefined when not loaded. */
function linkedInMemory(member: object, back: RelationshipProperty, parent: object): boolean | undefined {
  const value = peekState(member)?.dict[back.key];
  if (value === undefined) return undefined;
  return back.collection ? (value as readonly object[]).includes(parent) : value === parent;
}

/** `member`'s side now links it to `owner`, whose list `rel` is not loaded: its load must show it. */
export function noteMovedInto(owner: object, rel: RelationshipProperty, member: object): void {
  const state = peekState(owner);
  // A new owner's list is made empty, and then kept; with autoflush, every load flushes the move
  // first, but for an object linked from its own side, which joins the session only at the flush.
  if (state?.key === undefined) return;
  if (state.session?.autoflush !== false && (state.session === undefined || peekState(member)?.session !== undefined)) return;
  let byRel = movedIn.get(owner);
  if (!byRel) movedIn.set(owner, (byRel = new Map()));
  let members = byRel.get(rel);
  if (!members) byRel.set(rel, (members = new Set()));
  members.add(member);
  anyMoved = true;
}

/**
 * The members a list of `parent` shows when loaded from `rows` (`back`: the members' side):
 * without those whose side, loaded, does not link them to it, with those moved into it and still
 * linked. The rows themselves in the common case, with one read per member.
 */
export function membersAsInMemory(parent: object, rel: RelationshipProperty, back: RelationshipProperty, rows: readonly object[]): readonly object[] {
  let members = rows;
  for (let i = 0; i < rows.length; i++) {
    if (linkedInMemory(rows[i]!, back, parent) === false) {
      members = rows.filter((row) => linkedInMemory(row, back, parent) !== false);
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
    // Deleted by a flush since (an orphan): its row and links are gone.
    if (state?.deleted === true) return false;
    const joins = state?.session === session || (state?.session === undefined && session?.joinsAtFlush(member) === true);
    return joins && linkedInMemory(member, back, parent) === true && !members.includes(member);
  });
  return added.length ? [...members, ...added] : members;
}

/**
 * Of `candidates` (a flush's objects), those whose own side (`back`) links them to `parent` in
 * memory and that `rows` (the list as the database holds it) lack: moved in, not flushed. A list
 * assigned while not loaded is read inside the flush, with no autoflush to write them first.
 */
export function movedInMemory(parent: object, back: RelationshipProperty, rows: readonly object[], candidates: readonly InstanceState[]): object[] {
  let moved: object[] | undefined;
  let inRows: Set<object> | undefined;
  for (let i = 0; i < candidates.length; i++) {
    const state = candidates[i]!;
    // Of the members' class: another class may have a relationship of that name (families' and tags' children).
    if (state.gone || state.mapper.relationships.get(back.key) !== back || linkedInMemory(state.obj, back, parent) !== true) continue;
    inRows ??= new Set(rows);
    if (!inRows.has(state.obj)) (moved ??= []).push(state.obj);
  }
  return moved ?? [];
}
