/**
 * The lists and objects a relationship holds as loaded: a many-to-many view made from its
 * association objects when first read, an empty list for a new object, a relationship just
 * loaded from rows. Lists are made with their relationship's events object
 * (`RelationshipProperty.events`, from relationship-events.ts), so this file needs none of them.
 */
import type { RelationshipProperty } from "../mapping/relationship.js";
import { storedMapper } from "../mapped.js";
import { InstrumentedList } from "./collection.js";
import { followsMembers, membersAsInMemory } from "./moved-members.js";
import { withMadeLinks } from "./made-links.js";
import { isPartial, markPartial } from "./partial-lists.js";
import { ensureState, stateOf, type InstanceState } from "./instance-state.js";
import { assertOneRow } from "./one-to-one-rows.js";

/** The object's state; made, for its class's mapper, if it has none yet (imperatively mapped classes). */
export function stateIn(obj: object): InstanceState {
  return stateOf(obj) ?? ensureState(obj, storedMapper(obj.constructor)!);
}

/**
 * The loaded list of `rel` on `obj`: a many-to-many view made from the association objects if it
 * can be, an empty list for objects not yet in the database, else undefined (not loaded: loading
 * later reads the flushed rows).
 */
export function collectionOf(obj: object, rel: RelationshipProperty): InstrumentedList<object> | undefined {
  const state = stateIn(obj);
  const value = state.dict[rel.key] as InstrumentedList<object> | undefined;
  if (value !== undefined) return value;
  if (rel.associationView?.derivedFrom !== undefined) {
    const view = viewFromAssociations(obj, state, rel);
    if (view !== undefined) return view;
  }
  if (state.key !== undefined) return undefined;
  return (state.dict[rel.key] = newCollection(obj, rel, NO_ITEMS, false));
}

const NO_ITEMS: readonly object[] = [];

/**
 * What a relationship of an object holds as loaded; for a many-to-many view not read yet, the
 * list made from the association objects if they are loaded. Undefined: not loaded.
 */
export function loadedValue(state: InstanceState, rel: RelationshipProperty): unknown {
  const value = state.dict[rel.key];
  return value !== undefined || rel.associationView === undefined ? value : collectionOf(state.obj, rel);
}

/**
 * The list to update quietly, as `collectionOf`, but a view that can be made from the
 * association objects only if it was: such a view is made when first read (a graph of new
 * objects linked through association objects then has no second list per object, kept up to
 * date link by link, that nobody reads).
 */
export function listIfMade(owner: object, rel: RelationshipProperty): InstrumentedList<object> | undefined {
  if (rel.associationView?.derivedFrom === undefined) return collectionOf(owner, rel);
  return stateIn(owner).dict[rel.key] as InstrumentedList<object> | undefined;
}

/**
 * The view's members read from the owner's association objects, in their order, each once;
 * undefined when that list is not loaded, or a persistent association's member end is not.
 */
function viewFromAssociations(owner: object, state: InstanceState, view: RelationshipProperty): InstrumentedList<object> | undefined {
  const { derivedFrom, toMember } = view.associationView!;
  const associations = state.dict[derivedFrom!.key] as InstrumentedList<object> | undefined;
  if (associations === undefined) return undefined;
  // A Set keeps the order of first appearance, and finds repeats without a scan per member.
  const members = new Set<object>();
  let skipped = false;
  for (let i = 0; i < associations.length; i++) {
    const link = stateIn(associations[i]!);
    // A deleted association object stays in the list until the commit; its link is gone.
    if (link.gone) {
      skipped = true;
      continue;
    }
    const member = link.dict[toMember.key] as object | null | undefined;
    if (member === undefined && link.key !== undefined) return undefined;
    if (member != null) members.add(member);
  }
  // What the database holds when the association objects are: loaded and unchanged since.
  const committed = state.key !== undefined && !associations.changed && !skipped;
  const list = newCollection(owner, view, [...members], committed);
  // Made from association objects a filtered JOIN left out some of: as partial as they are.
  if (isPartial(associations)) markPartial(list);
  return (state.dict[view.key] = list);
}

/** A list for `owner`'s relationship `rel`, holding `items`; `committed` when they are what the database holds. */
export function newCollection(owner: object, rel: RelationshipProperty, items: readonly object[], committed: boolean): InstrumentedList<object> {
  return InstrumentedList.adopt(items, owner, rel.events, committed);
}

/**
 * A relationship just loaded for `parent`: its list (or object), as the database holds it. The
 * members of a one-to-many whose many-to-one back to the parent is not loaded get it, where
 * their foreign key names this parent: it is known, and changes to them (an association
 * object's other end moving) must find the parent at once, not after a load.
 */
export function setLoaded(parent: object, rel: RelationshipProperty, rows: readonly object[]): void {
  const state = stateIn(parent);
  const back = rel.backRef;
  const oneToMany = back !== undefined && !back.collection && rel.resolved.direction === "oneToMany";
  // Members moved in memory and not flushed are where their side says (moved-members.ts).
  // And a view shows the links of association objects made in memory, not inserted yet (made-links.ts).
  const members =
    back !== undefined && followsMembers(rel) ? membersAsInMemory(parent, rel, back, rows) : rel.associationView !== undefined ? withMadeLinks(parent, rel.associationView, rows) : rows;
  if (!rel.collection) assertOneRow(parent, rel, members);
  if (rel.collection) {
    const list = newCollection(parent, rel, members, true);
    state.dict[rel.key] = list;
    if (members !== rows) movedInNotCommitted(state, list, rows);
  } else state.dict[rel.key] = members[0] ?? null;
  if (!oneToMany) return;
  for (let i = 0; i < members.length; i++) {
    const dict = stateIn(members[i]!).dict;
    if (dict[back.key] === undefined && namesParent(dict, rel.attributePairs, state.dict)) dict[back.key] = parent;
  }
}

/**
 * Members a list shows that its rows lack (moved in memory, not flushed) are not what the
 * database holds: the next flush writes their links, and the owner joins it to mark the list
 * written (taken as committed, a removal before then deleted a link no row held: StaleDataError).
 */
function movedInNotCommitted(state: InstanceState, list: InstrumentedList<object>, rows: readonly object[]): void {
  const inRows = new Set(rows);
  if (list.every((member) => inRows.has(member))) return;
  list.restoreCommitted(list.filter((member) => inRows.has(member)));
  if (state.key !== undefined) state.sessionForChange?.markModified(state);
}

/** Whether a child's foreign key (its attributes of `pairs`) holds the parent's key. */
function namesParent(child: Record<string, unknown>, pairs: readonly (readonly [string, string])[], parent: Record<string, unknown>): boolean {
  for (let p = 0; p < pairs.length; p++) if (child[pairs[p]![1]] !== parent[pairs[p]![0]]) return false;
  return true;
}
