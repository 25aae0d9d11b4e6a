/**
 * A session's unit of work: the objects to insert (pending), update (modified) and delete, the
 * orphans to decide at the next flush, and the rows waiting for a key. Objects join it through
 * `add` and the save-update cascade; `flush` writes them (`flush.ts`); a failed flush or a
 * rollback is undone from the journal the flushes kept (`restore`, `discard`).
 */
import { IntegrityError, InvalidRequestError } from "../../core/errors.js";
import { classifyDuplicate } from "../../core/schema/duplicate-key.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { stateFor } from "../state/state-for.js";
import { flush } from "./flush.js";
import type { Journal } from "./journal.js";
import type { IdentityMap } from "../identity/identity-map.js";
import { discardWork, restoreWork } from "./undo.js";
import { Snapshots } from "../state/snapshots.js";
import { AddedValues } from "./added-values.js";
import { recordMutations, stopWatching, watchWrittenValues } from "./mutations.js";
import { readReplacedCollections } from "./unread-collections.js";
import { LinkedObjects } from "./linked-objects.js";
import { changesOutside, changesWritten, linkRemovedIn } from "../state/changes-outside-session.js";
import { PendingObjects } from "./pending.js";
import { Orphans } from "./orphans.js";
import { formatKey } from "./persister.js";
import { OutsideMembers } from "./outside-members.js";
import { unsavedReference } from "./key-sync.js";
import type { UnsavedReferenceError } from "../errors.js";
import { removeLinksByLoading, type RemovedLink } from "./removed-links.js";
import { orphanedOutside } from "./link-stand-ins.js";
import type { FlushTarget, UnitOfWorkHost } from "./collaborators.js";
import { DeletedNew } from "./deleted-new.js";
import { leaveViews } from "../state/find-association.js";

export class UnitOfWork {
  /**
   * Objects added and not yet inserted, each once, in the order added: a list, since a Set
   * would cost a large `addAll` a hash insert per object.
   */
  readonly pending = new PendingObjects();
  readonly modified = new Set<InstanceState>();
  readonly deleting = new Set<InstanceState>();
  /** Objects that left a delete-orphan parent: deleted at the next flush if still without one. */
  private readonly orphans = new Orphans();
  /** Links removed through a view over a surrogate-keyed association not loaded: found at the next flush. */
  readonly removedLinks: RemovedLink[] = [];
  /** Flushes completed and rollbacks run: a link removed through a view takes its association object back only before the next. */
  flushes = 0;
  /** Rows written before an object they point to had a key (see `FlushWork.awaitingKeys`). */
  readonly awaitingKeys = new Set<InstanceState>();
  /** Objects linked to the session's objects from their own side: they join at the next commit or `flush()`. */
  readonly linked = new LinkedObjects();
  /** Detached objects that joined since the last commit: a rollback detaches them again, changes kept (`discard`). */
  readonly rejoined = new Set<InstanceState>();
  /** Each of `rejoined` as it joined: the changes made to it in the session are the transaction's, which a rollback drops. */
  readonly rejoinedAs = new Snapshots();
  /** New objects as they joined, for the same reason (`added-values.ts`). */
  readonly addedAs = new AddedValues();
  /** Members of the session's lists that are outside it (`outside-members.ts`). */
  private readonly outside = new OutsideMembers();
  /** New objects the application deleted: their links go with them, and no cascade adds them back. */
  private readonly deletedNew = new DeletedNew();

  constructor(private readonly host: UnitOfWorkHost) {}

  /** The session whose work this is. */
  get owner(): StateOwner {
    return this.host.owner;
  }

  /** Its identity map. */
  get identity(): IdentityMap {
    return this.host.identity;
  }

  // ------------------------------------------------------------------ membership

  /** The object and what it references (save-update cascade) join; a deleted-marked one is kept. */
  add(state: InstanceState): void {
    const { owner } = this.host;
    if (state.session === owner) {
      if (state.deletePending && state.key !== undefined) this.undelete(state);
      return;
    }
    if (state.session) throw new InvalidRequestError(`${describe(state)} already belongs to another session; expunge it there first.`);
    // A worklist rather than recursion: a long chain of related objects must not exhaust the
    // stack. Each object joins when first reached, so it is visited once however many links lead
    // to it; objects of another session are left where they are. The worklist is the pending
    // list itself (objects without a row join it, in the order reached), plus the few that join
    // with a row: no second list of every object added.
    this.deletedNew.readded(state.obj);
    const pending = this.pending.all;
    const first = pending.length;
    let next = first;
    const keyed: InstanceState[] = [];
    try {
      this.join(state, keyed);
      this.cascadeFrom(pending, next, keyed);
    } catch (error) {
      // Refused part way (a deleted object reached): none of what joined stays.
      for (const joined of [...pending.slice(first), ...keyed]) if (joined.session === owner) this.expunge(joined);
      throw error;
    }
  }

  /** The save-update cascade from the objects that joined (`pending` from `next` on, and `keyed`). */
  private cascadeFrom(pending: readonly InstanceState[], next: number, keyed: InstanceState[]): void {
    for (let k = 0; next < pending.length || k < keyed.length; ) {
      const { mapper, dict } = next < pending.length ? pending[next++]! : keyed[k++]!;
      const cascading = mapper.relationshipsCascading("save-update");
      for (let r = 0; r < cascading.length; r++) {
        const value = dict[cascading[r]!.key];
        if (value === undefined || value === null) continue;
        if (!Array.isArray(value)) {
          this.joinCascaded(value as object, keyed);
          continue;
        }
        // Indexed: `for...of` over an Array subclass allocates an iterator result per member.
        for (let j = 0; j < value.length; j++) this.joinCascaded(value[j] as object, keyed);
      }
    }
  }

  /** See `StateOwner.cascadeAdd`. An object of another session stays there (and is outside this one's lists). */
  cascadeAdd(obj: object, fromItsSide: boolean): void {
    const session = stateOf(obj)?.session;
    if (session !== undefined) {
      if (session !== this.host.owner) this.outside.letGo();
    } else if (fromItsSide) {
      this.linked.note(obj);
    } else {
      this.add(stateFor(obj));
    }
  }

  /** An object reached by the save-update cascade joins, unless it is in a session already. */
  private joinCascaded(obj: object, keyed: InstanceState[]): void {
    const known = stateOf(obj);
    if (known?.session !== undefined) {
      if (known.session !== this.host.owner) this.outside.letGo();
      return;
    }
    if (known !== undefined) this.deletedNew.refuse(known, describe);
    this.join(known !== undefined && !known.mapper.fieldsMayHideAttributes ? known : stateFor(obj), keyed);
  }

  /** Pending without a row, else in the identity map (and on `keyed`, for the cascade to walk on). */
  private join(state: InstanceState, keyed: InstanceState[]): void {
    if (state.deleted) throw new InvalidRequestError(`${describe(state)} was deleted; it cannot be added again.`);
    // Two objects for one row would both be written, and a lookup would find only one (SQLAlchemy refuses too).
    const holder = state.key === undefined ? undefined : this.host.identity.get(state.mapper, state.key);
    if (holder !== undefined && holder !== state.obj) {
      throw new InvalidRequestError(
        `${describe(state)} cannot join the session: it holds another object for that row (loaded or added before). ` +
          `session.merge(obj) copies its changes onto that one; or expunge the other first.`,
      );
    }
    const savepoint = this.host.savepoints.openSavepoint;
    savepoint?.changing(state);
    state.attach(this.host.owner);
    savepoint?.joined(state);
    if (state.key === undefined) {
      this.pending.push(state);
    } else {
      this.host.identity.set(state.mapper, state.key, state.obj);
      // Changed while detached, perhaps: its relationships too (moved to a new parent, whose
      // key it then copies), which leave no trace in `committed`. The flush looks, at little cost.
      this.modified.add(state);
      this.rejoined.add(state);
      this.rejoinedAs.take(state, false);
      keyed.push(state);
      this.actOnChangesOutside(state, keyed);
    }
  }

  /** What the object changed while in no session that only a session can act on (changes-outside-session.ts). */
  private actOnChangesOutside(state: InstanceState, keyed: InstanceState[]): void {
    const changes = changesOutside(state.obj);
    if (changes === undefined) return;
    for (const change of changes) {
      // Added when the commit or flush() finds it still linked (linked-objects.ts).
      if ("added" in change) this.linked.note(change.added);
      else if ("unlinked" in change) linkRemovedIn(this.host.owner, state.obj, change.via, change.unlinked);
      else {
        let orphan = stateFor(change.orphan);
        if (orphan.deleted) continue;
        // A detached association object or member joins first (or the session's object of its
        // row stands for it): the session deletes its own objects.
        if (orphan.session === undefined && orphan.key !== undefined) {
          const held = this.host.identity.get(orphan.mapper, orphan.key);
          if (held === undefined) this.join(orphan, keyed);
          else orphan = stateOf(held)!;
        }
        this.orphaned(orphan, change.via, state.obj);
      }
    }
  }

  /** Marks the object for deletion at the next flush; a pending one simply leaves. */
  delete(state: InstanceState): void {
    if (state.session !== this.host.owner) throw new InvalidRequestError(`${describe(state)} is not in this session.`);
    this.host.savepoints.openSavepoint?.changing(state);
    if (state.key === undefined) return this.deletedNew.delete(this, state);
    state.markForDeletion();
    this.deleting.add(state);
    leaveViews(state); // an association object: its link leaves the views showing it
  }

  undelete(state: InstanceState): void {
    state.unmarkForDeletion();
    this.deleting.delete(state);
  }

  /** The object leaves the session (pending or persistent). */
  expunge(state: InstanceState): void {
    this.outside.letGo();
    if (state.key === undefined) this.pending.remove(state);
    this.forget(state);
  }

  /** Takes the object out of every set and map of the session but `pending`, and detaches it. */
  forget(state: InstanceState): void {
    this.modified.delete(state);
    this.deleting.delete(state);
    this.awaitingKeys.delete(state);
    if (state.key !== undefined) this.host.identity.delete(state.mapper, state.key);
    this.host.identity.noteLeft();
    // Not held for a savepoint's rollback either: a stream in one keeps memory to a batch.
    this.host.identity.savepointReads?.delete(state);
    this.rejoinedAs.drop(state);
    this.addedAs.drop(state);
    state.detach();
  }

  /** See `StateOwner.changingNew`. */
  changingNew(state: InstanceState): void {
    if (state.session === this.host.owner) this.addedAs.changing(state);
  }

  markModified(state: InstanceState): void {
    this.host.savepoints.openSavepoint?.changing(state);
    if (state.key !== undefined && !state.deleted) this.modified.add(state);
  }

  /** See `StateOwner.orphaned`. */
  orphaned(state: InstanceState, via: RelationshipProperty | undefined, from?: object): void {
    if (state.session === this.host.owner) {
      // Decided at the flush: another list may take it meanwhile (`deleteOrphans`).
      if (via !== undefined) this.orphans.add(state, via, from);
      else this.delete(state);
      return;
    }
    orphanedOutside(this, state, via);
  }

  /**
   * A savepoint was rolled back: the objects that left a delete-orphan list in it are as they
   * were, in their lists again (it began with a flush, which decided the orphans before it).
   */
  forgetOrphans(): void {
    this.orphans.clear();
  }

  /** Every object of the session: pending ones, then those in the identity map. */
  objects(): object[] {
    const objects = this.pending.all.map((state) => state.obj);
    this.host.identity.forEachObject((obj) => objects.push(obj));
    return objects;
  }

  /** Whether a flush would write nothing (orphans are decided first, and changes in place found). */
  get isEmpty(): boolean {
    this.deleteOrphans();
    recordMutations(this.host.owner, this.modified);
    return this.pending.length === 0 && this.modified.size === 0 && this.deleting.size === 0 && this.removedLinks.length === 0;
  }

  // ------------------------------------------------------------------ flush

  /**
   * Writes the work. On error the objects are as before the call (the caller undoes the
   * journal's records of the database work, which its rollback discards).
   */
  async flush(target: FlushTarget): Promise<void> {
    // Lists assigned while not loaded read what the database holds first: the members they
    // remove may be orphans to delete, or have association objects to delete or to insert.
    if (await readReplacedCollections(this.modified, target.load, this.pending.all)) this.deleteOrphans();
    if (this.removedLinks.length) {
      // Kept until found: a failed load leaves them for the next flush.
      await removeLinksByLoading(this.removedLinks, this.pending.all, target.load);
      this.removedLinks.length = 0;
    }
    this.outside.find(this.host.owner, this.pending.all, this.pending.mappers);
    this.outside.find(this.host.owner, this.modified);
    watchWrittenValues(this.host.owner, this.modified, this.pending.all, target.expiring);
    // The pending list goes to the flush; objects added meanwhile wait in a new one.
    const { states: pending, byMapper: pendingByMapper } = this.pending.take();
    const modified = [...this.modified];
    const deleting = [...this.deleting];
    let inserted: number;
    try {
      inserted = await flush({
        conn: target.connection,
        identity: this.host.identity,
        journal: target.journal,
        pending,
        pendingByMapper,
        modified,
        deleting,
        awaitingKeys: this.awaitingKeys,
        expiring: target.expiring,
        load: target.load,
        hooks: target.hooks,
        savepoint: this.host.savepoints.openSavepoint,
      });
    } catch (error) {
      this.pending.reset(pending.concat(this.pending.all));
      // A duplicate key: which one, by the metadata of the tables written (core/schema/duplicate-key.ts).
      if (error instanceof IntegrityError) classifyDuplicate(error, new Set([...pending, ...modified, ...deleting].map((s) => s.mapper.table.metadata)), target.connection.dialect.identifierLimit);
      throw error;
    }
    // Mostly every pending object was inserted: then no pass over them.
    if (inserted !== pending.length) this.keepUninserted(pending);
    this.modified.clear();
    for (const state of deleting) this.deleting.delete(state);
    this.flushes++;
  }

  /**
   * After a flush, the pending objects it did not insert stay pending, but those a delete
   * cascade reached: they leave the session (as SQLAlchemy expunges them).
   */
  private keepUninserted(flushed: readonly InstanceState[]): void {
    const left: InstanceState[] = [];
    for (const state of flushed) {
      if (state.key !== undefined) continue;
      if (state.deletePending) this.deletedNew.reachedByCascade(this, state);
      else left.push(state);
    }
    this.pending.reset(left.concat(this.pending.all));
  }

  /** Objects that left a delete-orphan parent and found no other by now are deleted. */
  private deleteOrphans(): void {
    // Asked before every query (the autoflush's check): no callback made when none waits.
    if (this.orphans.isEmpty) return;
    this.orphans.decide(this.host, this.pending.all, (state) => this.delete(state));
  }

  // ------------------------------------------------------------------ undo

  /** A failed flush or COMMIT: the work is pending again, to be written once (`undo.ts`). */
  restore(journal: Journal): void {
    restoreWork(this, journal);
  }

  /** `session.rollback()`: the transaction's work is dropped (`undo.ts`). */
  discard(journal: Journal): void {
    discardWork(this, journal);
    this.flushes++; // nothing unlinked in the transaction comes back
  }

  /**
   * Before COMMIT: a many-to-one key or a one-to-many member the flushes could not write, its
   * object outside the session (`unsavedReference`, `outside-members.ts`).
   */
  unsavedReference(): UnsavedReferenceError | undefined {
    return unsavedReference(this.awaitingKeys) ?? this.outside.unsaved(this.host.owner, this.host.identity, this.deletedNew);
  }

  /** Forgets every object (their detaching is the caller's). */
  clear(): void {
    this.outside.reset();
    stopWatching(this.host.owner);
    this.pending.reset([]);
    this.modified.clear();
    this.deleting.clear();
    this.orphans.clear();
    this.removedLinks.length = 0;
    this.awaitingKeys.clear();
    this.linked.clear();
    this.rejoined.clear();
    this.rejoinedAs.clear();
    this.addedAs.clear();
  }

  /** The transaction committed: the objects that joined it are the database's now. */
  committed(): void {
    for (const state of this.rejoined) changesWritten(state.obj);
    this.rejoined.clear();
    this.rejoinedAs.clear();
    this.addedAs.clear();
    this.outside.reset();
  }
}

export function describe(state: InstanceState): string {
  if (state.key === undefined) return `${state.mapper.name} object`;
  return `${state.mapper.name} (${state.mapper.keyAttributes.map((attr) => `${attr}=${formatKey(state.dict[attr])}`).join(", ")})`;
}
