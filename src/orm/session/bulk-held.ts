/**
 * What a bulk UPDATE or DELETE must not leave behind in the session's objects:
 * - lists (and one-to-ones from the other side) that hold the rows a bulk UPDATE moved to another
 *   parent by setting their foreign key. Left loaded, the old parent's list still held the row,
 *   and deleting that parent with a delete cascade deleted it from under its new parent (or a
 *   flush cleared its new key), while the new parent's list lacked it; the commit resolved.
 *   They are unloaded, to be read again;
 * - changes not flushed (autoflush off) that expiring the objects the statement may have changed
 *   would drop: `synchronizeSession: false` (or an object "evaluate" cannot decide) expired them,
 *   and the commit resolved without them. Such a statement is refused before it runs.
 */
import { InvalidRequestError } from "../../core/errors.js";
import type { IdentityMap } from "../identity/identity-map.js";
import { identityKey } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { MISSING } from "./bulk-evaluate.js";

/** What the checks need of the session. */
export interface HeldObjects {
  readonly identity: IdentityMap;
  readonly owner: StateOwner;
  /** Whether the object holds changes not flushed. */
  readonly hasChanges: (state: InstanceState) => boolean;
}

/**
 * The relationships, of any model, whose value holds `mapper`'s objects by a foreign key among
 * `attributes` (a one-to-many's list, a one-to-one from the side without the key).
 */
export function relationshipsJoinedBy(mapper: Mapper, attributes: Iterable<string>): RelationshipProperty[] {
  const set = new Set(attributes);
  const found: RelationshipProperty[] = [];
  for (const other of mapper.registry.mappers) {
    for (const rel of other.relationships.values()) {
      if (!rel.isResolved || rel.resolved.direction !== "oneToMany" || rel.parent !== other || !sameRows(rel.target, mapper)) continue;
      if (rel.attributePairs.some(([, fk]) => set.has(fk))) found.push(rel);
    }
  }
  return found;
}

/** Whether a relationship to `target` may hold rows of `mapper`: the same model, or two classes of one single-table hierarchy. */
function sameRows(target: Mapper, mapper: Mapper): boolean {
  return target === mapper || (mapper.inheritance !== undefined && target.inheritance?.hierarchy === mapper.inheritance.hierarchy);
}

/**
 * Unloads `rels` on the objects that held a row the statement moved (`moved`: the session's
 * objects of the rows changed), or whose key the new foreign key names; on every object holding
 * them loaded when either is unknown (`moved` undefined: which rows changed is not known; a key
 * set to an SQL expression, or only part of it set).
 */
export function unloadMovedLists(host: HeldObjects, rels: readonly RelationshipProperty[], moved: readonly InstanceState[] | undefined, values: ReadonlyMap<string, unknown>): void {
  const movedObjects = new Set(moved?.map((state) => state.obj));
  for (const rel of rels) {
    const pairs = rel.attributePairs;
    const given = pairs.every(([, fk]) => values.has(fk) && values.get(fk) !== MISSING) ? identityKey(pairs.map(([, fk]) => values.get(fk))) : undefined;
    const everyHolder = moved === undefined || given === undefined;
    host.identity.forMapper(rel.parent).forEach((obj) => {
      const state = stateOf(obj)!;
      const held = state.dict[rel.key];
      if (held === undefined) return;
      if (!everyHolder) {
        const holds = Array.isArray(held) ? held.some((member) => movedObjects.has(member as object)) : held !== null && movedObjects.has(held as object);
        if (!holds && identityKey(pairs.map(([key]) => state.dict[key])) !== given) return;
      }
      host.owner.changing(state);
      state.dict[rel.key] = undefined;
    });
  }
}

/**
 * Throws InvalidRequestError, before the statement runs, when following it would drop changes
 * not flushed: of objects of `mapper` it would expire (`expired`: every one that may match, for
 * `synchronizeSession: false`, or those "evaluate" cannot decide; an UPDATE expires only what it
 * sets), or of objects whose list of `rels` it would unload.
 */
export function assertChangesKept(
  host: HeldObjects,
  what: string,
  mapper: Mapper,
  expired: Iterable<InstanceState>,
  values: ReadonlyMap<string, unknown> | undefined,
  rels: readonly RelationshipProperty[],
): void {
  for (const state of expired) {
    if (!host.hasChanges(state)) continue;
    const changed = values ? Object.keys(state.committed ?? {}).filter((attr) => values.has(attr)) : ["(any)"];
    if (changed.length) throw dropped(what, state, values ? `changes to ${changed.join(", ")}` : "changes", `the objects of ${mapper.name} it may have ${values ? "changed" : "deleted"} are expired`);
  }
  for (const rel of rels) {
    host.identity.forMapper(rel.parent).forEach((obj) => {
      const state = stateOf(obj)!;
      if (state.dict[rel.key] !== undefined && host.hasChanges(state)) throw dropped(what, state, "changes", `${String(rel)} may hold rows it moves, and is read again`);
    });
  }
}

function dropped(what: string, state: InstanceState, changes: string, why: string): InvalidRequestError {
  const { mapper } = state;
  const row = mapper.keyAttributes.map((attr) => `${attr}=${JSON.stringify(state.dict[attr])}`).join(", ");
  return new InvalidRequestError(
    `${what}: ${mapper.name} (${row}) holds ${changes} not flushed, which following the statement would drop (${why}). ` +
      `Flush first (await session.flush()), or use synchronizeSession "fetch": nothing was run.`,
  );
}
