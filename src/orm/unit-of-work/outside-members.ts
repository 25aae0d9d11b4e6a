/**
 * Members of the session's lists that are not in the session: expunged (or deleted while new),
 * in another session, or never added because their relationship does not cascade save-update.
 * No flush writes such a member's row, nor a one-to-many's foreign key in it, so a commit would
 * resolve while the list shows what the database does not hold (SQLAlchemy writes nothing there
 * and warns). A one-to-many member is noted at the flush that writes its list, and refused
 * before COMMIT if still outside then, as a many-to-one's target is (`unsavedReference`): it may
 * be added and flushed meanwhile. A many-to-many link to a member without a row cannot be
 * written at all: that flush is refused before its first statement.
 *
 * Looked for only where a member can be outside: in every list once the session has let an
 * object go (`expunge`, an object of another session met by the cascade), else only in lists
 * that do not cascade save-update. A list's committed members were looked at when they joined it.
 */
import { UnsavedReferenceError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstrumentedList } from "../state/collection.js";
import { peekState, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";
import type { IdentityMap } from "../identity/identity-map.js";

/** A one-to-many member seen outside the session at a flush: checked again before COMMIT. */
interface Noted {
  readonly owner: InstanceState;
  readonly rel: RelationshipProperty;
  readonly member: object;
}

/** What a session knows of members outside it, from one commit to the next. */
export class OutsideMembers {
  /** An object left the session or was met in another since the last commit: any list may hold one. */
  private anyList = false;
  private readonly noted: Noted[] = [];

  /** An object left the session (expunged), or the cascade met one of another session. */
  letGo(): void {
    this.anyList = true;
  }

  /**
   * Looks through the lists a flush writes (of `states`): one-to-many members outside the
   * session are noted; a many-to-many member outside it and without a row makes the flush refuse.
   */
  find(session: StateOwner, states: readonly InstanceState[] | ReadonlySet<InstanceState>, mappers?: readonly Mapper[]): void {
    // Mostly no relationship to look at: with the states' mappers known, no pass at all; else a
    // pass that asks each mapper once per run of its objects.
    if (mappers !== undefined && mappers.every((m) => this.relationshipsOf(m).length === 0)) return;
    let mapper: Mapper | undefined;
    let relationships: readonly RelationshipProperty[] = [];
    const look = (owner: InstanceState) => {
      if (owner.mapper !== mapper) relationships = this.relationshipsOf((mapper = owner.mapper));
      if (relationships.length !== 0) this.lookAt(session, owner, relationships);
    };
    // Indexed over an array: `for...of` allocates an iterator result per state until optimized.
    if (Array.isArray(states)) for (let i = 0; i < states.length; i++) look(states[i]!);
    else for (const owner of states) look(owner);
  }

  private relationshipsOf(mapper: Mapper): readonly RelationshipProperty[] {
    return this.anyList ? mapper.flushedRelationships.holding : mapper.flushedRelationships.holdingUncascaded;
  }

  private lookAt(session: StateOwner, owner: InstanceState, relationships: readonly RelationshipProperty[]): void {
    for (let r = 0; r < relationships.length; r++) {
      const rel = relationships[r]!;
      for (const member of addedMembers(owner, rel)) {
        const state = peekState(member);
        if (state?.session === session) continue;
        if (rel.resolved.direction === "manyToMany") {
          if (state?.key === undefined) throw unsaved(owner, rel, state, "the link to it cannot be written: it has no row");
        } else if (!this.noted.some((n) => n.owner === owner && n.rel === rel && n.member === member)) {
          this.noted.push({ owner, rel, member });
        }
      }
    }
  }

  /**
   * Before COMMIT: the first member noted that is still in its list and still not written, but
   * one that went with an end the flush deleted (`gone`): no row of it is to be written.
   */
  unsaved(session: StateOwner, identity: IdentityMap, gone?: { wentWithEnd(obj: object): boolean }): UnsavedReferenceError | undefined {
    for (const { owner, rel, member } of this.noted) {
      if (owner.session !== session || owner.deletePending || owner.deleted || gone?.wentWithEnd(member)) continue;
      const value = owner.dict[rel.key];
      if (rel.collection ? !(value as object[] | undefined)?.includes(member) : value !== member) continue;
      const state = peekState(member);
      if (state?.session === session && state.key !== undefined) continue;
      if (state !== undefined && rowNamesOwner(identity, owner, rel, state)) continue;
      const pairs = rel.resolved.pairs.map(([, fk]) => fk.name).join(", ");
      const what = state?.key === undefined ? "its row would not be written" : `its ${pairs} naming the ${owner.mapper.name} would not be written`;
      return unsaved(owner, rel, state, what);
    }
    return undefined;
  }

  /** Committed or rolled back: nothing outside is pending any more. */
  reset(): void {
    this.anyList = false;
    this.noted.length = 0;
  }
}

/**
 * Whether the member's row, held by the session as another object (the member expunged, then its
 * row read again or merged back), names the owner as the flushes left it: then the foreign key the
 * list shows is written, and nothing is lost. Such a list used to be refused all the same.
 */
function rowNamesOwner(identity: IdentityMap, owner: InstanceState, rel: RelationshipProperty, member: InstanceState): boolean {
  if (member.key === undefined || rel.resolved.direction !== "oneToMany") return false;
  const obj = identity.get(member.mapper, member.key);
  const held = obj === undefined || obj === member.obj ? undefined : peekState(obj);
  if (held === undefined || held.deletePending || held.deleted) return false;
  return rel.attributePairs.every(([key, fk]) => {
    const value = storedValue(held, fk);
    return value !== null && value !== undefined && held.dict[fk] === value && value === owner.dict[key];
  });
}

function unsaved(owner: InstanceState, rel: RelationshipProperty, member: InstanceState | undefined, what: string): UnsavedReferenceError {
  const at = `${owner.mapper.name}.${rel.key}`;
  const where =
    member?.session !== undefined
      ? "that belongs to another session"
      : rel.cascades("save-update")
        ? "that is not in the session (expunged, or deleted while new)"
        : `that was never added to the session (${at} does not cascade save-update)`;
  return new UnsavedReferenceError(
    `${at} holds a ${rel.resolved.target.name} ${where}, so ${what}: add that object to the session (session.add), ` +
      `or take it out of ${at}. Nothing was committed.`,
  );
}

/**
 * The members the relationship gained since its list was last loaded or flushed (every member of
 * a new list). A one-to-one keeps no such history: its object counts only while it has no row.
 */
function addedMembers(owner: InstanceState, rel: RelationshipProperty): readonly object[] {
  const value = owner.dict[rel.key];
  if (value === undefined || value === null) return [];
  if (!rel.collection) return peekState(value as object)?.key === undefined ? [value as object] : [];
  return (value as InstrumentedList<object>).gained();
}
