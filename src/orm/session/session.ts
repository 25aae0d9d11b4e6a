/**
 * The Session: the public face of a unit of work over one database transaction, with an identity map.
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
 * It delegates what to write to the `UnitOfWork`, the connection, transaction and savepoints to
 * `Transactions`/`SessionTransaction`, merging and expiry to their own files. The promises of
 * commit, rollback, savepoints and failed flushes are in docs/reliability.md.
 */
import type { RawSql } from "../../core/expression/sql-tag.js";
import type { Select } from "../../core/statements/select.js";
import type { Connection, StreamOptions } from "../../engine/connection.js";
import type { Engine } from "../../engine/engine.js";
import type { Result } from "../../engine/result.js";
import { UnmappedClassError } from "../errors.js";
import { identityKey, IdentityMap } from "../identity/identity-map.js";
import type { PrimaryKeyValue } from "../identity/object-keys.js";
import { promisedGet, type GetContext } from "../loading/get-by-key.js";
import { runQuery, runScalars } from "../loading/query-runner.js";
import { loadRelationship } from "../loading/relationship-loader.js";
import { mapperOfClass } from "../mapped.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { type InstanceState, type StateOwner } from "../state/instance-state.js";
import { cascadedObjects } from "../state/cascaded.js";
import { stateFor } from "../state/state-for.js";
import { assertSessionWritable } from "../state/writable.js";
import { UnitOfWork } from "../unit-of-work/unit-of-work.js";
import { executeDml, type BulkInsert, type BulkInsertResult, type BulkOptions, type BulkStatement, type DmlResult, type InsertValues } from "./bulk.js";
import { expireCascading, expireState } from "./expiry.js";
import { refreshObject } from "./refresh.js";
import { loadLazily, LazyLoader } from "./lazy.js";
import { mergeGraph, mergeHost, type MergeOptions } from "./merge.js";
import { loadAttributes, type LoadableKeys, type WithLoaded } from "./attribute-loading.js";
import { streamResults, type StreamHost } from "./streaming.js";
import { executeText, type TextRow } from "./text-statement.js";
import type { NestedTransaction, SessionOptions } from "./session-options.js";
import { Transactions } from "./transactions.js";
import { keepShapesOf } from "./kept-shapes.js";
import { SessionApi } from "./session-api.js";
export type { PrimaryKeyValue } from "../identity/object-keys.js";
export type { NestedTransaction, SessionOptions } from "./session-options.js";

type AnyClass = abstract new (...args: any[]) => object;

/** A unit of work over an engine: tracks the objects you add and load (one object per row), and writes their changes in one flush (before a query and on `commit()`). */
export class Session extends SessionApi implements StateOwner {
  readonly autoflush: boolean;
  readonly expireOnCommit: boolean;
  private readonly identity = new IdentityMap(this);
  private readonly uow: UnitOfWork;
  private readonly transactions: Transactions;
  /** Above 0 while a merge is under way: queries it makes do not autoflush. */
  private autoflushHeld = 0;
  private readonly lazyLoader = new LazyLoader((rel, objects) => this.loadNow(rel, objects), () => this.getContext);
  /** What loading and querying need of the session. */
  private readonly getContext: GetContext;
  private readonly streamHost: StreamHost;
  /** Loads for the flush itself (children to delete or detach): without an autoflush, which would wait for it. */
  private readonly loadInFlush = (rel: RelationshipProperty, objects: readonly object[]) => loadRelationship(this.getContext, rel, objects);
  /** The autoflush before a read, made once: a lookup by key is on every `get`'s path. */
  private readonly autoflushNow = () => this.autoflushIfOn();

  constructor(
    readonly engine: Engine,
    options: SessionOptions = {},
  ) {
    super();
    this.autoflush = options.autoflush ?? true;
    this.expireOnCommit = options.expireOnCommit ?? true;
    this.transactions = new Transactions(engine, this, this.identity, options.isolationLevel, options.events);
    this.uow = this.transactions.uow;
    this.getContext = {
      engine,
      identity: this.identity,
      owner: this,
      rows: (statement) => this.transactions.rows(statement),
      mappedRows: (statement, mapRow) => this.transactions.mappedRows(statement, mapRow),
      compiledRows: (compiled, options) => this.transactions.compiledRowsNow(compiled, options),
      caseInsensitiveText: engine.dialect.capabilities.caseInsensitiveText,
      criteria: options.criteria?.length ? [...options.criteria] : undefined,
      mapperOf: (cls) => this.mapperOf(cls),
      load: (rel, objects) => this.loadNow(rel, objects),
    };
    this.streamHost = {
      autoflush: this.autoflushNow,
      // Loads of each batch do not autoflush: a flush cannot write while a cursor reads (SQLite, MySQL).
      context: { ...this.getContext, load: this.loadInFlush, streamRows: (query, yieldPer) => this.transactions.streamRows(query, yieldPer) },
      identity: this.identity,
      uow: this.uow,
      owner: this,
      engine,
      connection: () => this.transactions.innermost?.connection,
      transaction: () => this.transactions.innermost,
    };
  }

  // ------------------------------------------------------------------ membership

  add(obj: object): void {
    this.uow.add(stateFor(obj));
  }

  addAll(objects: Iterable<object>): void {
    for (const obj of objects) this.add(obj);
  }

  delete(obj: object): void {
    this.uow.delete(stateFor(obj));
  }

  expunge(obj: object): void {
    const state = stateFor(obj);
    if (state.session !== this) return;
    this.uow.expunge(state);
    for (const related of cascadedObjects(state, "expunge")) this.expunge(related);
  }

  async merge<T extends object>(obj: T, options: MergeOptions = {}): Promise<T> {
    assertSessionWritable(this, `session.merge(${String((obj as object | null)?.constructor?.name ?? obj)}) was called`);
    if (options.load !== false) await this.autoflushIfOn();
    this.autoflushHeld++;
    try {
      return await mergeGraph(mergeHost(this.getContext, (o) => this.add(o), options), obj);
    } finally {
      this.autoflushHeld--;
    }
  }

  // ------------------------------------------------------------------ queries

  get<T extends object>(cls: abstract new (...args: any[]) => T, pk: PrimaryKeyValue): Promise<T | undefined> {
    return promisedGet(this.getContext, cls, pk, this.autoflushNow) as Promise<T | undefined>;
  }

  async scalars<T>(statement: Select<any, T, any>): Promise<T[]> {
    await this.autoflushIfOn();
    return (await runScalars(this.getContext, statement as unknown as Select<unknown>)) as T[];
  }

  async scalar<T>(statement: Select<any, T, any>): Promise<T | undefined> {
    return (await this.execute(statement))[0]?.[0] as T | undefined;
  }

  execute<Tuple extends readonly unknown[]>(statement: Select<any, any, Tuple>): Promise<Tuple[]>;
  execute<Tuple>(statement: BulkStatement<Tuple>, options?: BulkOptions): Promise<DmlResult<Tuple>>;
  execute<T>(statement: RawSql<T>): Promise<Result<TextRow<T>>>;
  execute<M, Tuple>(statement: BulkInsert<M, Tuple>, rows?: readonly InsertValues<M>[]): Promise<BulkInsertResult<Tuple>>;
  async execute(statement: Select<any, any, any> | BulkStatement | RawSql<unknown> | BulkInsert<unknown, unknown>, options?: BulkOptions | readonly object[]): Promise<unknown> {
    await this.autoflushIfOn();
    if (statement.node.kind === "raw") return executeText(this.transactions, statement as RawSql<unknown>);
    if (statement.node.kind !== "select") return executeDml({ identity: this.identity, transactions: this.transactions, owner: this, criteria: this.getContext.criteria }, statement as BulkStatement, options);
    return runQuery(this.getContext, statement as unknown as Select<unknown>);
  }

  stream<T>(statement: Select<any, T, any>, options: StreamOptions = {}): AsyncIterable<T> {
    return streamResults(this.streamHost, statement as unknown as Select<unknown>, true, options.yieldPer) as AsyncIterable<T>;
  }

  streamRows<Tuple extends readonly unknown[]>(statement: Select<any, any, Tuple>, options: StreamOptions = {}): AsyncIterable<Tuple> {
    return streamResults(this.streamHost, statement as unknown as Select<unknown>, false, options.yieldPer) as AsyncIterable<Tuple>;
  }

  loadLazily(obj: object, key: string): Promise<unknown> {
    return loadLazily(stateFor(obj), key, this.lazyLoader);
  }

  /** Loads a relationship for objects now (select-in). A lazy load is a query: it autoflushes first. */
  private async loadNow(rel: RelationshipProperty, objects: readonly object[]): Promise<void> {
    await this.autoflushIfOn();
    await loadRelationship(this.getContext, rel, objects);
  }

  async connection(): Promise<Connection> {
    return this.transactions.lend();
  }

  // ------------------------------------------------------------------ flush, commit, rollback

  /** The autoflush before a query, unless turned off or held (during a merge). */
  private autoflushIfOn(): Promise<void> | undefined {
    return this.autoflush && this.autoflushHeld === 0 && this.transactions.hasWork ? this.transactions.flush(false, this.loadInFlush) : undefined;
  }

  async flush(): Promise<void> {
    this.uow.linked.adopt(this); // objects linked from their own side join first
    await this.transactions.flush(false, this.loadInFlush);
  }

  async commit(): Promise<void> {
    this.uow.linked.adopt(this);
    await this.transactions.commit(this.expireOnCommit, this.loadInFlush);
  }

  async rollback(): Promise<void> {
    await this.transactions.rollback(() => this.identity.forEachState(expireState));
  }

  async close(): Promise<void> {
    await this.transactions.rollback(() => {
      this.identity.forEachState((state) => state.detach());
      this.identity.clear();
      this.uow.clear();
    });
    keepShapesOf(this);
  }

  async beginNested(): Promise<NestedTransaction> {
    await this.flush();
    return this.transactions.beginNested(this.loadInFlush);
  }

  // ------------------------------------------------------------------ refresh and expire

  load<T extends object, const K extends LoadableKeys<T>>(obj: T, ...keys: K[]): Promise<WithLoaded<T, K>> {
    return loadAttributes(this.getContext, stateFor(obj), keys, false).then(() => obj as WithLoaded<T, K>);
  }

  refresh(obj: object, attributes?: readonly string[]): Promise<void> {
    return refreshObject(this.getContext, this.uow, stateFor(obj), attributes);
  }

  expire(obj: object, attributes?: readonly string[]): void {
    expireCascading(stateFor(obj), attributes, this);
  }

  expireAll(): void {
    this.identity.forEachState(expireState);
  }

  get objects(): object[] {
    return this.uow.objects();
  }

  // ------------------------------------------------------------------ StateOwner (see there): internal, out of the API reference

  /** @internal */ changing(state: InstanceState): void {
    this.transactions.openSavepoint?.changing(state);
  }

  /** @internal */ changingNew(state: InstanceState): void {
    this.uow.changingNew(state);
  }

  /** @internal */ markModified(state: InstanceState): void {
    this.uow.markModified(state);
  }

  /** @internal */ get writing(): boolean {
    return this.transactions.writing;
  }

  /** @internal */ reached(state: InstanceState): void {
    if (this.expireOnCommit) this.identity.noteReached(state);
  }

  /** @internal */ cascadeAdd(obj: object, fromItsSide = false): void {
    this.uow.cascadeAdd(obj, fromItsSide);
  }

  /** @internal */ objectByKey(mapper: Mapper, values: readonly unknown[]): object | undefined {
    return this.identity.get(mapper, identityKey(values));
  }

  /** @internal */ orphaned(obj: object, via?: RelationshipProperty, from?: object): void {
    this.uow.orphaned(stateFor(obj), via, from);
  }

  /** @internal */ relinked(obj: object): void {
    this.uow.add(stateFor(obj));
  }

  /** @internal */ get flushes(): number {
    return this.uow.flushes;
  }

  /** @internal */ joinsAtFlush(obj: object): boolean {
    return this.uow.linked.has(obj);
  }

  private mapperOf(cls: AnyClass): Mapper {
    const mapper = mapperOfClass(cls);
    if (!mapper) throw new UnmappedClassError(`Class '${cls.name}' is not mapped.`);
    mapper.registry.configure();
    return mapper;
  }
}

