/**
 * The Session: a unit of work over one database transaction, with an identity map.
 *
 * ```ts
 * const session = new Session(engine);
 * const parent = new Parent();
 * parent.children.push(new Child());
 * session.add(parent);
 * await session.commit();                       // INSERTs in dependency order, one transaction
 * const again = await session.get(Parent, 1);   // no SQL: the identity map has it
 * ```
 *
 * Objects join the session with `add` (and through their relationships: save-update cascade);
 * `flush` writes what changed; `commit` flushes and commits; `rollback` discards. A flush that
 * fails rolls the transaction back and restores every object to its state before the
 * transaction's flushes, so nothing is lost in memory and the session stays usable.
 */
import { ArgumentError, InvalidRequestError } from "../../core/errors.js";
import type { Select } from "../../core/statements/select.js";
import { select } from "../../core/statements/select.js";
import type { CompiledQuery } from "../../core/compiler/compiled-query.js";
import type { Connection } from "../../engine/connection.js";
import type { IsolationLevel } from "../../engine/driver.js";
import type { Engine } from "../../engine/engine.js";
import type { Transaction } from "../../engine/transaction.js";
import { DeclarativeBase } from "../declarative/declarative-base.js";
import { mapperOfClass } from "../entity.js";
import { UnmappedClassError } from "../errors.js";
import { hydrator } from "../loading/hydrate.js";
import { hasEagerDefault, runQuery, runScalars, type QueryContext } from "../loading/query-runner.js";
import { loadRelationship, type LoadContext } from "../loading/relationship-loader.js";
import type { CascadeOption } from "../mapping/cascade.js";
import { MAPPER, type Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { ensureState, stateOf, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { loadedValue } from "../state/relationship-events.js";
import { raiseLoadError } from "../state/raise-load.js";
import { flush, uncommitCollections } from "../unit-of-work/flush.js";
import { Journal } from "../unit-of-work/journal.js";
import { keyOf } from "../unit-of-work/persister.js";
import { identityKey, IdentityMap } from "./identity-map.js";
import { LazyLoader } from "./lazy.js";
import { PendingObjects } from "./pending.js";
import { adoptOwnProperties, fillLinkKey, primaryKeyValues, type PrimaryKeyValue } from "./object-keys.js";
export type { PrimaryKeyValue } from "./object-keys.js";
import { newSavepoint, restoreSnapshots, takeSnapshot, type Savepoint } from "./savepoint.js";

type AnyClass = abstract new (...args: any[]) => object;

export interface SessionOptions {
  /** Flush before queries, so that they see pending changes (default true). */
  readonly autoflush?: boolean;
  /** Expire every object's attributes on commit, so they are reloaded (default true). */
  readonly expireOnCommit?: boolean;
  /** Isolation level of the session's transactions. */
  readonly isolationLevel?: IsolationLevel;
}


export class Session implements StateOwner {
  readonly autoflush: boolean;
  readonly expireOnCommit: boolean;
  private readonly identity = new IdentityMap();
  /**
   * Objects added and not yet inserted, each once, in the order added: a list, since a Set
   * would cost a large `addAll` a hash insert per object.
   */
  private readonly pending = new PendingObjects();
  private readonly modified = new Set<InstanceState>();
  private readonly deleting = new Set<InstanceState>();
  /** Objects that left a delete-orphan parent: deleted at the next flush if still without one. */
  private readonly orphans = new Map<InstanceState, RelationshipProperty>();
  /** Rows written before an object they point to had a key (see `FlushWork.awaitingKeys`). */
  private readonly awaitingKeys = new Set<InstanceState>();
  private conn: Connection | undefined;
  private tx: Transaction | undefined;
  private journal = new Journal();
  private readonly savepoints: Savepoint[] = [];
  private flushing = false;
  /** Above 0 while a merge is under way: queries it makes do not autoflush. */
  private autoflushHeld = 0;
  private closed = false;
  private readonly lazyLoader: LazyLoader;

  constructor(
    readonly engine: Engine,
    private readonly options: SessionOptions = {},
  ) {
    this.autoflush = options.autoflush ?? true;
    this.expireOnCommit = options.expireOnCommit ?? true;
    this.lazyLoader = new LazyLoader((rel, objects) => this.loadNow(rel, objects));
  }

  // ------------------------------------------------------------------ membership

  /** Adds an object (and what it references: save-update cascade); it is inserted at the next flush. */
  add(obj: object): void {
    this.checkOpen();
    const state = this.stateFor(obj);
    if (state.session === this) {
      if (state.deletePending && state.key !== undefined) this.undelete(state);
      return;
    }
    if (state.session) throw new InvalidRequestError(`${describe(state)} already belongs to another session; expunge it there first.`);
    // Save-update cascade, as a worklist rather than recursion: a long chain of related objects
    // must not exhaust the stack. Each object joins when first reached, so it is visited once
    // however many links lead to it; objects of another session are left where they are. The
    // worklist is the pending list itself (objects without a row join it, in the order reached),
    // plus a list of the few that join with a row: no second list of every object added.
    const pending = this.pending.all;
    let next = pending.length;
    const keyed: InstanceState[] = [];
    this.join(state, keyed);
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

  /** An object reached by the save-update cascade joins the session, unless it is in one already. */
  private joinCascaded(obj: object, keyed: InstanceState[]): void {
    const known = stateOf(obj);
    if (known?.session !== undefined) return;
    // A declarative model with a state needs none of `stateFor`'s checks: its class is mapped,
    // and it cannot hide attributes behind own fields.
    const state = known !== undefined && obj instanceof DeclarativeBase ? known : this.stateFor(obj);
    this.join(state, keyed);
  }

  /**
   * The object becomes the session's: pending without a row, else in the identity map (and on
   * `keyed`, for the cascade to walk on from it).
   */
  private join(state: InstanceState, keyed: InstanceState[]): void {
    if (state.deleted) throw new InvalidRequestError(`${describe(state)} was deleted; it cannot be added again.`);
    const savepoint = this.savepoints.length ? this.savepoints[this.savepoints.length - 1] : undefined;
    if (savepoint) takeSnapshot(savepoint, state);
    state.session = this;
    if (state.key === undefined) {
      this.pending.push(state);
      savepoint?.added.add(state);
    } else {
      this.identity.set(state.mapper, state.key, state.obj);
      // Changed while detached, perhaps: its relationships too (moved to a new parent, whose
      // key it then copies), which leave no trace in `committed`. The flush looks, at little cost.
      this.modified.add(state);
      keyed.push(state);
    }
  }

  addAll(objects: Iterable<object>): void {
    for (const obj of objects) this.add(obj);
  }

  /** Marks an object for deletion at the next flush (a pending one is simply removed). */
  delete(obj: object): void {
    this.checkOpen();
    const state = this.stateFor(obj);
    if (state.session !== this) throw new InvalidRequestError(`${describe(state)} is not in this session.`);
    this.snapshot(state);
    if (state.key === undefined) {
      this.expungeState(state);
      return;
    }
    state.deletePending = true;
    this.deleting.add(state);
  }

  /** Removes an object (and what its relationships cascade `expunge` to) from the session. */
  expunge(obj: object): void {
    const state = this.stateFor(obj);
    if (state.session !== this) return;
    this.expungeState(state);
    for (const related of this.related(state, "expunge")) this.expunge(related);
  }

  /**
   * Copies a detached or foreign object's state onto this session's object of the same key (and,
   * along the merge cascade, its related objects'). It autoflushes once, first: a flush in the
   * middle would write objects merged only in part (SQLAlchemy merges under `no_autoflush` too).
   */
  async merge<T extends object>(obj: T): Promise<T> {
    this.checkOpen();
    await this.autoflushIfOn();
    this.autoflushHeld++;
    try {
      return await this.mergeInto(obj, new Map());
    } finally {
      this.autoflushHeld--;
    }
  }

  private async mergeInto<T extends object>(obj: T, merged: Map<object, object>): Promise<T> {
    const done = merged.get(obj);
    if (done) return done as T;
    const state = this.stateFor(obj);
    const mapper = state.mapper;
    const key = state.dict && mapper.primaryKey.every((c) => state.dict[mapper.attributeFor(c)!] != null) ? keyOf(mapper, state) : undefined;
    let target = key === undefined ? undefined : ((this.identity.get(mapper, key) as T | undefined) ?? (await this.getByKey<T>(mapper, key, mapper.primaryKey.map((c) => state.dict[mapper.attributeFor(c)!]))));
    if (!target) {
      target = Object.create(mapper.class_.prototype) as T;
      this.add(target);
    }
    merged.set(obj, target);
    for (const attr of mapper.columns.keys()) {
      if (state.dict[attr] !== undefined) (target as Record<string, unknown>)[attr] = state.dict[attr];
    }
    // Merge cascade: related objects are merged too, and the merged ones assigned.
    for (const rel of mapper.relationships.values()) {
      const value = state.dict[rel.key];
      if (value === undefined || rel.viewonly || !rel.cascades("merge")) continue;
      // A view whose association objects are merged too: they carry its links (merging both
      // paths would make each link twice).
      const through = rel.associationView?.derivedFrom;
      if (through !== undefined && state.dict[through.key] !== undefined) continue;
      const mergedValue = Array.isArray(value)
        ? await mergeEach(value as object[], (v) => this.mergeInto(v, merged))
        : value === null
          ? null
          : await this.mergeInto(value as object, merged);
      (target as Record<string, unknown>)[rel.key] = mergedValue;
    }
    return target;
  }

  /** The object with this primary key: from the identity map (no SQL) or the database. */
  async get<T extends object>(cls: abstract new (...args: any[]) => T, pk: PrimaryKeyValue): Promise<T | undefined> {
    this.checkOpen();
    const mapper = this.mapperOf(cls);
    const values = primaryKeyValues(mapper, pk);
    const key = identityKey(values);
    const known = this.identity.get(mapper, key) as T | undefined;
    if (known && !stateOf(known)!.expired) return stateOf(known)!.deletePending ? undefined : known;
    return this.getByKey<T>(mapper, key, values);
  }

  private async getByKey<T extends object>(mapper: Mapper, _key: unknown, values: readonly unknown[]): Promise<T | undefined> {
    const statement = () => select(mapper.class_).where(...mapper.primaryKey.map((c, i) => c.eq(values[i] as never)));
    if (hasEagerDefault(mapper)) return (await this.scalars(statement() as unknown as Select<unknown, T>))[0];
    // The common case: a SELECT by key compiled once per mapper, only the key values bound anew.
    await this.autoflushIfOn();
    const compiled = preparedGet(this.engine, mapper, statement);
    const params = mapper.primaryKey.map((c, i) => {
      const process = this.engine.dialect.bindProcessor(c.type);
      return process && values[i] !== null && values[i] !== undefined ? process(values[i]) : values[i];
    });
    const conn = await this.connection();
    const { rows } = await conn.executeCompiled<unknown[]>({ ...compiled, params }, { rowShape: "arrays" });
    return rows.length ? (hydrator(mapper, 0, this.loadContext)(rows[0]!) as T) : undefined;
  }

  /** The first column of each row: for `select(Model)`, the model objects. */
  async scalars<T>(statement: Select<any, T, any>): Promise<T[]> {
    this.checkOpen();
    await this.autoflushIfOn();
    return (await runScalars(this.queryContext, statement as unknown as Select<unknown>)) as T[];
  }

  /** The first column of the first row, or undefined. */
  async scalar<T>(statement: Select<any, T, any>): Promise<T | undefined> {
    const rows = await this.execute(statement);
    return rows.length ? (rows[0]![0] as T) : undefined;
  }

  /** Rows as tuples, one value per select item; entities come back as objects (one per key). */
  async execute<Tuple extends readonly unknown[]>(statement: Select<any, any, Tuple>): Promise<Tuple[]> {
    this.checkOpen();
    await this.autoflushIfOn();
    return (await runQuery(this.queryContext, statement as unknown as Select<unknown>)) as unknown as Tuple[];
  }

  /**
   * Loads a relationship for objects now (select-in); used by lazy loads, cascades, refresh. A
   * lazy load is a query, so it autoflushes first.
   */
  private async loadNow(rel: RelationshipProperty, objects: readonly object[]): Promise<void> {
    await this.autoflushIfOn(); // a no-op inside a flush (which loads children to delete)
    await loadRelationship(this.loadContext, rel, objects);
  }

  /** `await lazy(obj).key`: loads one relationship, batched with the loads of the same tick. */
  loadLazily(obj: object, key: string): Promise<unknown> {
    const state = this.stateFor(obj);
    const rel = state.mapper.relationships.get(key);
    if (!rel) throw new ArgumentError(`${state.mapper.name} has no relationship '${key}'.`);
    const loaded = loadedValue(state, rel);
    if (loaded !== undefined) return Promise.resolve(loaded);
    const refused = raiseLoadError(state, rel);
    if (refused) return Promise.reject(refused);
    if (state.key === undefined) return Promise.resolve(state.obj && (state.obj as Record<string, unknown>)[key]);
    return this.lazyLoader.load(rel, obj).then(() => state.dict[key]);
  }

  private get loadContext(): LoadContext {
    return { identity: this.identity, owner: this, rows: (statement) => this.rows(statement) };
  }

  private get queryContext(): QueryContext {
    return { ...this.loadContext, mapperOf: (cls) => this.mapperOf(cls), load: (rel, objects) => this.loadNow(rel, objects) };
  }

  /** Runs a select and returns array rows, without autoflush (callers flush first if needed). */
  private async rows(statement: Select<unknown>): Promise<unknown[][]> {
    const conn = await this.connection();
    const compiled = this.engine.cache.compile(statement.node);
    return (await conn.executeCompiled<unknown[]>(compiled, { rowShape: "arrays" })).rows;
  }

  // ------------------------------------------------------------------ flush, commit, rollback

  /** The autoflush before a query, unless turned off or held (during a merge). */
  private async autoflushIfOn(): Promise<void> {
    if (this.autoflush && this.autoflushHeld === 0) await this.flush();
  }

  /** Writes pending changes in one transaction; on error, rolls it back and restores the objects. */
  async flush(): Promise<void> {
    return this.flushNow(false);
  }

  /** `flush`; `expiring` when a commit expiring every object follows (see `FlushWork.expiring`). */
  private async flushNow(expiring: boolean): Promise<void> {
    this.checkOpen();
    if (this.flushing) return;
    this.deleteOrphans();
    if (this.pending.length === 0 && this.modified.size === 0 && this.deleting.size === 0) return;
    this.flushing = true;
    try {
      const conn = await this.connection();
      // The pending list goes to the unit of work; objects added meanwhile wait in a new one.
      const { states: pending, byMapper: pendingByMapper } = this.pending.take();
      const modified = [...this.modified];
      const deleting = [...this.deleting];
      let inserted: number;
      try {
        inserted = await flush({
          conn,
          identity: this.identity,
          journal: this.journal,
          pending,
          pendingByMapper,
          modified,
          deleting,
          awaitingKeys: this.awaitingKeys,
          expiring,
          load: (rel, objects) => this.loadNow(rel, objects),
        });
      } catch (error) {
        this.pending.reset(pending.concat(this.pending.all));
        await this.abortTransaction();
        throw error;
      }
      // Mostly every pending object was inserted: then no pass over them.
      if (inserted !== pending.length) this.keepUninserted(pending);
      this.modified.clear();
      for (const state of deleting) this.deleting.delete(state);
    } finally {
      this.flushing = false;
    }
  }

  /**
   * After a flush, the pending objects it did not insert stay pending, but those a delete
   * cascade reached: they leave the session (as SQLAlchemy expunges them).
   */
  private keepUninserted(flushed: readonly InstanceState[]): void {
    const left: InstanceState[] = [];
    for (const state of flushed) {
      if (state.key !== undefined) continue;
      if (state.deletePending) this.forget(state);
      else left.push(state);
    }
    this.pending.reset(left.concat(this.pending.all));
  }

  /** Objects that left a delete-orphan parent and found no other by now are deleted. */
  private deleteOrphans(): void {
    if (this.orphans.size === 0) return;
    for (const [state, via] of this.orphans) {
      // null: it still has no parent (undefined: expired since, not known; it is left alone).
      if (state.session === this && !state.deletePending && state.dict[via.backRef!.key] === null) this.delete(state.obj);
    }
    this.orphans.clear();
  }

  /** Flushes and commits; objects expire unless `expireOnCommit: false`. */
  async commit(): Promise<void> {
    this.checkOpen();
    await this.flushNow(this.expireOnCommit);
    if (this.tx) {
      try {
        await this.tx.commit();
      } catch (error) {
        await this.abortTransaction();
        throw error;
      }
    }
    // Deleted objects are gone for good: they leave the session.
    for (const journal of [this.journal, ...this.savepoints.map((sp) => sp.journal)]) {
      for (const state of journal.deleted) this.detach(state);
    }
    this.savepoints.length = 0;
    await this.endTransaction("committed");
    this.identity.forEachState((state) => {
      state.deleted = false;
      if (this.expireOnCommit) this.expireState(state);
    });
  }

  /** Rolls back the transaction; objects return to their state before its flushes, and expire. */
  async rollback(): Promise<void> {
    this.checkOpen();
    this.orphans.clear();
    this.restoreJournal(this.journal);
    this.savepoints.length = 0;
    await this.endTransaction("rollback");
    this.identity.forEachState((state) => this.expireState(state));
  }

  /** Rolls back and detaches every object; the session can still be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.tx) {
      // Roll back without expiring: every object is detached just below.
      this.restoreJournal(this.journal);
      this.savepoints.length = 0;
      await this.endTransaction("rollback");
    }
    this.identity.forEachState((state) => this.detach(state));
    for (const state of this.pending.all) this.detach(state);
    this.identity.clear();
    this.pending.reset([]);
    this.modified.clear();
    this.deleting.clear();
    this.awaitingKeys.clear();
    this.orphans.clear();
    await this.releaseConnection();
  }

  /**
   * A savepoint. Its `rollback()` undoes the database work done since, and restores the objects
   * it touched to how they were when it began; `commit()` keeps both.
   */
  async beginNested(): Promise<{ commit(): Promise<void>; rollback(): Promise<void> }> {
    this.checkOpen();
    await this.flush();
    const conn = await this.connection();
    const savepoint = newSavepoint(await conn.beginNested());
    const parentJournal = this.journal;
    this.journal = savepoint.journal;
    this.savepoints.push(savepoint);
    const end = () => {
      const index = this.savepoints.indexOf(savepoint);
      if (index < 0) throw new InvalidRequestError("This savepoint has already ended.");
      this.savepoints.splice(index);
      this.journal = parentJournal;
    };
    return {
      commit: async () => {
        await this.flush();
        end();
        await savepoint.tx.commit();
        parentJournal.absorb(savepoint.journal);
        const outer = this.savepoints.at(-1);
        if (outer) for (const [state, snap] of savepoint.snapshots) if (!outer.snapshots.has(state)) outer.snapshots.set(state, snap);
      },
      rollback: async () => {
        end();
        await savepoint.tx.rollback();
        this.restoreJournal(savepoint.journal);
        this.restoreSnapshots(savepoint);
      },
    };
  }

  // ------------------------------------------------------------------ refresh and expire

  /** Reloads an object's columns from the database (its relationships are reloaded on demand). */
  async refresh(obj: object, seen = new Set<object>()): Promise<void> {
    this.checkOpen();
    if (seen.has(obj)) return;
    seen.add(obj);
    const state = this.stateFor(obj);
    const cascaded = this.related(state, "refresh-expire");
    if (state.key === undefined) throw new InvalidRequestError(`${describe(state)} has no row to refresh from.`);
    const mapper = state.mapper;
    const row = (await this.rows(select(mapper.class_).where(...mapper.primaryKey.map((c) => c.eq(state.dict[mapper.attributeFor(c)!] as never)))))[0];
    if (!row) throw new InvalidRequestError(`${describe(state)} no longer exists in the database.`);
    [...mapper.columns.keys()].forEach((key, i) => (state.dict[key] = row[i]));
    state.expired = undefined;
    state.committed = undefined;
    this.modified.delete(state);
    for (const rel of mapper.relationships.values()) state.dict[rel.key] = undefined;
    for (const related of cascaded) if (stateOf(related)?.key !== undefined) await this.refresh(related, seen);
  }

  /** Marks attributes (all by default) as needing a reload; unflushed changes to them are dropped. */
  expire(obj: object, attributes?: readonly string[]): void {
    const state = this.stateFor(obj);
    const cascaded = attributes ? [] : this.related(state, "refresh-expire");
    if (attributes) this.expireAttributes(state, attributes);
    else this.expireState(state);
    for (const related of cascaded) if (stateOf(related)?.session === this) this.expireState(stateOf(related)!);
  }

  expireAll(): void {
    this.identity.forEachState((state) => this.expireState(state));
  }

  /** Every object of the session: pending ones and those in the identity map. */
  get objects(): object[] {
    const objects = this.pending.all.map((s) => s.obj);
    this.identity.forEachObject((obj) => objects.push(obj));
    return objects;
  }

  // ------------------------------------------------------------------ StateOwner

  changing(state: InstanceState): void {
    this.snapshot(state);
  }

  markModified(state: InstanceState): void {
    this.snapshot(state);
    if (state.key !== undefined && !state.deleted) this.modified.add(state);
  }

  cascadeAdd(obj: object): void {
    const state = stateOf(obj);
    if (!state?.session) this.add(obj);
  }

  objectByKey(mapper: Mapper, values: readonly unknown[]): object | undefined {
    return this.identity.get(mapper, identityKey(values));
  }

  orphaned(obj: object, via?: RelationshipProperty): void {
    const state = this.stateFor(obj);
    if (state.session === this) {
      if (via?.backRef !== undefined) this.orphans.set(state, via);
      else this.delete(obj);
      return;
    }
    // A link removed through a many-to-many view whose association objects were not loaded.
    if (state.key === undefined && state.session === undefined) {
      const owner = state.mapper;
      const key = fillLinkKey(state);
      if (key === undefined) return;
      const known = this.identity.get(owner, key);
      if (known) this.delete(known);
      else {
        state.session = this;
        state.key = key;
        this.identity.set(owner, key, obj);
        this.delete(obj);
      }
    }
  }

  // ------------------------------------------------------------------ internals

  private stateFor(obj: object): InstanceState {
    const mapper = (obj?.constructor as { [MAPPER]?: Mapper } | undefined)?.[MAPPER];
    if (!mapper || mapper.class_ !== obj.constructor) throw new UnmappedClassError(`${String(obj?.constructor?.name ?? obj)} is not a mapped class.`);
    mapper.registry.configure();
    const state = ensureState(obj, mapper);
    // Only an imperatively mapped class can hide a mapped accessor behind a plain field.
    if (!(obj instanceof DeclarativeBase)) adoptOwnProperties(obj, state);
    return state;
  }

  private mapperOf(cls: AnyClass): Mapper {
    const mapper = mapperOfClass(cls);
    if (!mapper) throw new UnmappedClassError(`Class '${cls.name}' is not mapped.`);
    mapper.registry.configure();
    return mapper;
  }

  /** The loaded objects that `state`'s relationships cascade `kind` to. */
  private related(state: InstanceState, kind: CascadeOption): object[] {
    const into: object[] = [];
    for (const rel of state.mapper.relationshipsCascading(kind)) {
      const value = loadedValue(state, rel);
      if (value === undefined || value === null) continue;
      if (!Array.isArray(value)) into.push(value as object);
      else for (const item of value as object[]) into.push(item);
    }
    return into;
  }

  private undelete(state: InstanceState): void {
    state.deletePending = false;
    this.deleting.delete(state);
  }

  private expungeState(state: InstanceState): void {
    if (state.key === undefined) this.pending.remove(state);
    this.forget(state);
  }

  /** Takes the object out of every set and map of the session but `pending`. */
  private forget(state: InstanceState): void {
    this.modified.delete(state);
    this.deleting.delete(state);
    this.awaitingKeys.delete(state);
    if (state.key !== undefined) this.identity.delete(state.mapper, state.key);
    this.detach(state);
  }

  private detach(state: InstanceState): void {
    state.session = undefined;
    state.deletePending = false;
  }

  /** Expires every attribute but the primary key. */
  private expireState(state: InstanceState): void {
    if (state.key === undefined) return;
    state.expireAllColumns();
    state.committed = undefined;
    state.mapper.unloadRelationships(state.dict);
  }

  /**
   * Expires some attributes. Apart from `expireState`: its callbacks capture the state, and V8
   * then allocates a context on every call, which commit would pay once per object.
   */
  private expireAttributes(state: InstanceState, attributes: readonly string[]): void {
    if (state.key === undefined) return;
    const { mapper } = state;
    // The primary key is the object's identity, which the session keeps: it stays readable.
    const keys = attributes.filter((k) => mapper.expirableColumns.has(k) || mapper.relationships.has(k));
    for (const key of keys) {
      if (mapper.relationships.has(key)) state.dict[key] = undefined;
      else if (state.committed) delete state.committed[key];
    }
    state.expire(keys.filter((k) => !mapper.relationships.has(k)));
    if (state.committed && Object.keys(state.committed).length === 0) state.committed = undefined;
  }

  /** The session's connection, beginning its transaction on first use. */
  async connection(): Promise<Connection> {
    this.checkOpen();
    if (!this.conn) {
      this.conn = await this.engine.connect();
      this.tx = await this.conn.begin(this.options.isolationLevel ? { isolationLevel: this.options.isolationLevel } : {});
    }
    return this.conn;
  }

  /**
   * Ends the session's transaction, already committed or rolled back here, and returns the
   * connection to the pool (after the ROLLBACK, so that it is sent once, on this connection).
   */
  private async endTransaction(outcome: "committed" | "rollback"): Promise<void> {
    const tx = this.tx;
    this.tx = undefined;
    this.journal = new Journal();
    if (outcome === "rollback" && tx?.isActive) await tx.rollback().catch(() => undefined);
    await this.releaseConnection();
  }

  private async releaseConnection(): Promise<void> {
    const conn = this.conn;
    this.conn = undefined;
    this.tx = undefined;
    if (conn) await conn.close();
  }

  /** A statement failed: the transaction is rolled back and the flushes' effects undone in memory. */
  private async abortTransaction(): Promise<void> {
    for (const savepoint of [...this.savepoints].reverse()) this.restoreJournal(savepoint.journal);
    this.restoreJournal(this.journal);
    this.savepoints.length = 0;
    await this.endTransaction("rollback");
  }

  /** Undoes in memory what flushes recorded: inserted objects are pending again, and so on. */
  private restoreJournal(journal: Journal): void {
    // A failed flush leaves its objects in `pending`; those of earlier flushes return to it.
    const stillPending = new Set(this.pending.all);
    for (const state of journal.inserted.flat()) {
      if (state.key !== undefined) this.identity.delete(state.mapper, state.key);
      state.key = undefined;
      uncommitCollections(state);
      state.expired = undefined;
      if (state.session === this && !stillPending.has(state)) this.pending.push(state);
    }
    for (const state of journal.generatedKeys.flat()) state.dict[state.mapper.generatedKey!.attr] = undefined;
    for (const state of journal.deleted) {
      state.deleted = false;
      if (state.session === this && state.key !== undefined) {
        this.identity.set(state.mapper, state.key, state.obj);
        state.deletePending = true;
        this.deleting.add(state);
      }
    }
    for (const [state, before] of journal.updated) {
      state.committed = { ...before, ...state.committed };
      if (state.session === this && state.key !== undefined) this.modified.add(state);
    }
    journal.restoreCollections();
  }

  /** Keeps a copy of an object's state the first time the innermost savepoint sees it change. */
  private snapshot(state: InstanceState): void {
    const savepoint = this.savepoints.at(-1);
    if (savepoint) takeSnapshot(savepoint, state);
  }

  private restoreSnapshots(savepoint: Savepoint): void {
    // Objects added inside the savepoint and never inserted leave: in one pass over `pending`.
    const dropped = new Set([...savepoint.added].filter((state) => state.key === undefined));
    this.pending.reset(this.pending.all.filter((state) => !dropped.has(state)));
    for (const state of dropped) this.forget(state);
    for (const state of restoreSnapshots(savepoint)) {
      if (state.deletePending) this.deleting.add(state);
      else this.deleting.delete(state);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new InvalidRequestError("This session is closed.");
  }
}

const preparedGets = new WeakMap<Engine, Map<Mapper, CompiledQuery>>();

/** `SELECT <columns> FROM t WHERE <key> = ?`, compiled once per engine and mapper. */
function preparedGet(engine: Engine, mapper: Mapper, statement: () => Select<unknown>): CompiledQuery {
  let byMapper = preparedGets.get(engine);
  if (!byMapper) preparedGets.set(engine, (byMapper = new Map()));
  let compiled = byMapper.get(mapper);
  if (!compiled) byMapper.set(mapper, (compiled = engine.cache.compile(statement().node)));
  return compiled;
}

/** Merges one after the other: merges of a graph share their memo and must not interleave. */
async function mergeEach(values: readonly object[], merge: (v: object) => Promise<object>): Promise<object[]> {
  const result: object[] = [];
  for (const value of values) result.push(await merge(value));
  return result;
}

function describe(state: InstanceState): string {
  return `${state.mapper.name} object`;
}

