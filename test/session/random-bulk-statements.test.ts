/**
 * A model-based test of the ORM-enabled bulk statements mixed with the unit of work: seeded random
 * programs over two models, one with a version counter and one without, that interleave bulk
 * UPDATE and DELETE (each `synchronizeSession` strategy, with and without `.returning(...)`) and
 * upserts through the session with ORM work on the same rows: objects read, changed and not
 * flushed, new and deleted objects, flush, commit, rollback, savepoints, expire, refresh, get,
 * queries, close and reopen (with autoflush on or off, expire-on-commit on or off). The model holds
 * the rows the database holds, and apart (autoflush off) what the objects must show once their
 * changes are flushed: a bulk statement keeps a change not flushed. After every step, each object
 * the session holds shows its row's values or has them expired (to be read again), and an object
 * whose row is gone is marked deleted or expired (docs/bulk-update-delete.md, docs/upsert.md: even
 * `synchronizeSession: false` expires what may match). After every commit and rollback the
 * database holds exactly the model's committed rows; a "peek" reads the rows inside the
 * transaction. No step of a program may fail: every program is valid.
 * `ATHANOR_RANDOM_SEED=<seed>` replays one program; `ATHANOR_RANDOM_PROGRAMS=<n>` runs more.
 */
import assert from "node:assert/strict";
import { ArgumentError, DeclarativeBase, InvalidRequestError, StaleDataError, column, columnsOf, deleteFrom, insert, integer, model, select, sql, string, update, type Session, type SynchronizeSession } from "../../src/index.js";
import { stateOf } from "../../src/orm/state/instance-state.js";
import { deleteAllRows } from "../support/empty-tables.js";
import { randomProgramTests, type ModelProgram } from "../support/random-programs.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class RbBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    RbItem: RbItem;
    RbVItem: RbVItem;
  }
}

@model("rb_items")
class RbItem extends RbBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull().unique()) accessor code!: string;
  @column(integer().notNull()) accessor qty!: number;
  @column(string(20).notNull()) accessor note!: string;
}

@model("rb_vitems", { version: "version" })
class RbVItem extends RbBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull().unique()) accessor code!: string;
  @column(integer().notNull()) accessor qty!: number;
  @column(string(20).notNull()) accessor note!: string;
  @column(integer().notNull().default(1)) accessor version!: number;
}

/** "p": the plain model, "v": the versioned one. */
type Kind = "p" | "v";
const CLASSES = { p: RbItem, v: RbVItem } as const;
const TABLES = { p: "rb_items", v: "rb_vitems" } as const;
type Item = RbItem | RbVItem;
const SYNCS: readonly SynchronizeSession[] = ["auto", "evaluate", "fetch", false];

type Where =
  | { readonly col: "qty"; readonly op: "lt" | "gt"; readonly value: number }
  | { readonly col: "id"; readonly op: "in"; readonly values: readonly number[] }
  | { readonly col: "note" | "code"; readonly op: "eq"; readonly value: string };
/** What a bulk UPDATE sets: a value, or `qty` plus a number (an SQL expression). */
interface Values {
  readonly qty?: number;
  readonly qtyPlus?: number;
  readonly note?: string;
}
interface Proposed {
  readonly id: number;
  readonly code: string;
  readonly qty: number;
  readonly note: string;
}

type Step =
  | { readonly kind: "new"; readonly cls: Kind; readonly id: number; readonly qty: number }
  | { readonly kind: "get" | "delete" | "expire" | "refresh"; readonly cls: Kind; readonly id: number }
  | { readonly kind: "change"; readonly cls: Kind; readonly id: number; readonly qty?: number; readonly note?: string }
  | { readonly kind: "update"; readonly cls: Kind; readonly where: Where; readonly values: Values; readonly sync: SynchronizeSession; readonly returning: boolean }
  | { readonly kind: "bulkDelete"; readonly cls: Kind; readonly where: Where; readonly sync: SynchronizeSession; readonly returning: boolean }
  | { readonly kind: "upsert"; readonly cls: Kind; readonly rows: readonly Proposed[]; readonly target: "id" | "code"; readonly add: boolean; readonly returning: boolean; readonly nothing?: boolean }
  | { readonly kind: "reopen"; readonly commit: boolean; readonly autoflush: boolean; readonly expireOnCommit: boolean }
  | { readonly kind: "query"; readonly cls: Kind; readonly where: Where }
  | { readonly kind: "flush" | "commit" | "rollback" | "beginNested" | "expireAll" | "peek" }
  | { readonly kind: "endNested"; readonly commit: boolean };

const describeWhere = (w: Where) => (w.op === "in" ? `id in [${w.values.join(", ")}]` : `${w.col} ${w.op} ${JSON.stringify(w.value)}`);
const describeValues = (v: Values) => JSON.stringify(v);
function describeStep(s: Step): string {
  switch (s.kind) {
    case "update":
      return `update ${s.cls} where ${describeWhere(s.where)} set ${describeValues(s.values)} sync ${String(s.sync)}${s.returning ? " returning" : ""}`;
    case "bulkDelete":
      return `deleteFrom ${s.cls} where ${describeWhere(s.where)} sync ${String(s.sync)}${s.returning ? " returning" : ""}`;
    case "upsert":
      return `upsert ${s.cls} ${JSON.stringify(s.rows)} on ${s.target}${s.nothing ? " do nothing" : s.add ? " adding qty" : ""}${s.returning ? " returning" : ""}`;
    case "reopen":
      return `reopen ${s.commit ? "commit" : "rollback"}, autoflush ${s.autoflush ? "on" : "off"}, expireOnCommit ${s.expireOnCommit ? "on" : "off"}`;
    case "query":
      return `query ${s.cls} where ${describeWhere(s.where)}`;
    case "endNested":
      return `${s.kind} ${s.commit ? "commit" : "rollback"}`;
    default:
      return `${s.kind}${"cls" in s ? ` ${s.cls}${s.id}` : ""}${"qty" in s && s.qty !== undefined ? ` qty=${s.qty}` : ""}${"note" in s && s.note !== undefined ? ` note=${s.note}` : ""}`;
  }
}

/** A row as the model holds it (the plain model's version stays 1 and is not compared). */
interface Row {
  readonly code: string;
  qty: number;
  note: string;
  version: number;
}
type Rows = Map<string, Row>;
const keyOf = (cls: Kind, id: number) => `${cls}${id}`;
const copyRows = (rows: Rows): Rows => new Map([...rows].map(([k, r]) => [k, { ...r }]));
const idOf = (key: string) => Number(key.slice(1));

function matches(where: Where, id: number, row: Row): boolean {
  switch (where.op) {
    case "lt":
      return row.qty < where.value;
    case "gt":
      return row.qty > where.value;
    case "in":
      return where.values.includes(id);
    case "eq":
      return row[where.col] === where.value;
  }
}

/** An object's changes not flushed: the attributes changed, and the row's values they change from. */
interface Dirty {
  qty: number;
  note: string;
  readonly changed: Set<"qty" | "note">;
  /** An expired attribute was assigned, or a bulk UPDATE set a changed one by an SQL expression: written whatever it holds. */
  forced: boolean;
}

class Program implements ModelProgram<Step> {
  /** The rows the database holds once the session's changes are flushed: what its objects show. */
  current: Rows = new Map();
  /** The rows the database holds now, in the transaction (the changes not flushed left out: autoflush off). */
  db: Rows = new Map();
  private committed: Rows = new Map();
  /** The rows changed through their objects since the last flush. */
  private dirty = new Map<string, Dirty>();
  /** Whether the session flushes before each statement (a reopen chooses). */
  private autoflush = true;
  /** The objects the session holds, by key; those of rows gone are checked to show it. */
  held = new Map<string, Item>();
  /** The versioned rows a bulk UPDATE with `synchronizeSession: false` changed while this session was open. */
  private unsynchronized = new Set<string>();
  readonly savepoints: { rows: Rows; sp: { commit(): Promise<void>; rollback(): Promise<void> } }[] = [];
  private session: Session;

  constructor(private readonly ctx: SessionContext) {
    this.session = ctx.session();
  }

  close(): Promise<void> {
    return this.session.close();
  }

  private get mysql(): boolean {
    return this.ctx.db.name === "mysql";
  }

  async run(step: Step): Promise<boolean> {
    const ran = await this.runStep(step).catch((error: unknown) => this.refused(error));
    if (ran) this.checkObjects(describeStep(step));
    return ran;
  }

  /**
   * docs/reliability.md: after a versioned model's bulk UPDATE with `synchronizeSession: false`,
   * "nothing tells which rows changed, so such an object's next flush is refused until it is
   * refreshed" (StaleDataError). Only then may a flush fail: it is rolled back, and the program goes on.
   */
  private async refused(error: unknown): Promise<true> {
    const id = error instanceof StaleDataError ? /^(?:UPDATE|DELETE) of RbVItem \(id=(\d+),/.exec(error.message)?.[1] : undefined;
    if (id === undefined || !this.unsynchronized.has(`v${id}`)) throw error;
    await this.session.rollback();
    this.rolledBack();
    await this.checkCommitted();
    return true;
  }

  private async runStep(step: Step): Promise<boolean> {
    const session = this.session;
    switch (step.kind) {
      case "new": {
        const key = keyOf(step.cls, step.id);
        if (this.current.has(key) || this.committed.has(key) || this.held.has(key)) return false;
        const obj = Object.assign(new CLASSES[step.cls](), { id: step.id, code: `c${step.id}`, qty: step.qty, note: "new" });
        session.add(obj);
        this.held.set(key, obj);
        this.current.set(key, { code: `c${step.id}`, qty: step.qty, note: "new", version: 1 });
        return true;
      }
      case "get": {
        const key = keyOf(step.cls, step.id);
        await this.flushed();
        const obj = await session.get(CLASSES[step.cls] as typeof RbItem, step.id);
        const row = this.current.get(key);
        if (!row) {
          assert.equal(obj, undefined, `get(${key}) finds no row the model holds`);
          return true;
        }
        assert.ok(obj, `get(${key}) finds the row the model holds`);
        if (this.held.has(key) && stateOf(this.held.get(key)!)?.session) assert.equal(obj, this.held.get(key), `get(${key}) gives the object the session holds`);
        this.held.set(key, obj);
        return true;
      }
      case "query": {
        // The objects of the rows the WHERE matches in the database (after the autoflush, if on).
        if (this.autoflush) this.settleFlush();
        const objs = await session.scalars(select(CLASSES[step.cls] as typeof RbItem).where(this.whereOf(step.cls, step.where)));
        const hit = this.matching(step.cls, step.where).map(([key]) => idOf(key));
        assert.deepEqual(objs.map((o) => o.id).sort((a, b) => a - b), hit.sort((a, b) => a - b), "the objects a query returns");
        for (const obj of objs) if (this.current.has(keyOf(step.cls, obj.id))) this.held.set(keyOf(step.cls, obj.id), obj);
        return true;
      }
      case "change": {
        const key = keyOf(step.cls, step.id);
        const obj = this.held.get(key);
        const row = this.current.get(key);
        if (!obj || !row || stateOf(obj)?.status !== "persistent" && stateOf(obj)?.status !== "pending") return false;
        const state = stateOf(obj)!;
        const attr = step.qty !== undefined ? "qty" : "note";
        // The value it shows assigned again changes nothing, unless expired (its old value unknown).
        if (state.status === "persistent" && (row[attr] !== step[attr] || state.expired?.has(attr))) {
          const entry = this.dirty.get(key) ?? { qty: row.qty, note: row.note, changed: new Set(), forced: false };
          // An expired attribute assigned is written whatever it held (its old value is unknown).
          if (state.expired?.has(attr)) entry.forced = true;
          entry.changed.add(attr);
          this.dirty.set(key, entry);
        }
        if (step.qty !== undefined) obj.qty = row.qty = step.qty;
        if (step.note !== undefined) obj.note = row.note = step.note;
        return true;
      }
      case "delete": {
        const key = keyOf(step.cls, step.id);
        const obj = this.held.get(key);
        if (!obj || !this.current.has(key) || (stateOf(obj)?.status !== "persistent" && stateOf(obj)?.status !== "pending")) return false;
        session.delete(obj);
        this.current.delete(key);
        return true;
      }
      case "expire":
      case "refresh": {
        const key = keyOf(step.cls, step.id);
        const obj = this.held.get(key);
        if (!obj || !this.current.has(key) || stateOf(obj)?.status !== "persistent") return false;
        await this.flushed();
        if (step.kind === "expire") session.expire(obj);
        else await session.refresh(obj);
        return true;
      }
      case "update":
        await this.bulkUpdate(step);
        return true;
      case "bulkDelete":
        await this.bulkDelete(step);
        return true;
      case "upsert":
        return this.upsert(step);
      case "flush":
        await this.flushed();
        return true;
      case "peek":
        await this.flushed();
        await this.checkRows(this.current, (text) => session.execute(sql<Record<string, unknown>>`${sql.raw(text)}`).then((r) => r.rows), "inside the transaction");
        return true;
      case "expireAll":
        await this.flushed();
        session.expireAll();
        return true;
      case "commit":
        if (this.savepoints.length) return false;
        await this.commit();
        return true;
      case "rollback":
        await session.rollback();
        this.rolledBack();
        await this.checkCommitted();
        return true;
      case "beginNested":
        this.settleFlush();
        this.savepoints.push({ rows: copyRows(this.current), sp: await session.beginNested() });
        return true;
      case "endNested": {
        const top = this.savepoints.pop();
        if (!top) return false;
        if (step.commit) {
          this.settleFlush();
          await top.sp.commit();
        } else {
          await top.sp.rollback();
          this.current = top.rows;
          this.db = copyRows(top.rows);
          this.dirty.clear();
        }
        return true;
      }
      case "reopen":
        if (this.savepoints.length) return false;
        if (step.commit) await this.commit();
        await session.close();
        if (!step.commit) this.rolledBack();
        this.held.clear();
        this.unsynchronized.clear();
        this.autoflush = step.autoflush;
        this.session = this.ctx.session({ autoflush: step.autoflush, expireOnCommit: step.expireOnCommit });
        return true;
    }
  }

  /** A flush: the versioned rows changed through their objects move their counter on. */
  private settleFlush(): void {
    for (const [key, was] of this.dirty) {
      const row = this.current.get(key);
      if (key.startsWith("v") && row && (was.forced || row.qty !== was.qty || row.note !== was.note)) row.version++;
    }
    this.dirty.clear();
    this.db = copyRows(this.current);
  }

  /** Before a bulk statement: the autoflush, if on. */
  private beforeStatement(): void {
    if (this.autoflush) this.settleFlush();
  }

  private async flushed(): Promise<void> {
    this.settleFlush();
    await this.session.flush();
  }

  private rolledBack(): void {
    this.savepoints.length = 0;
    this.dirty.clear();
    this.current = copyRows(this.committed);
    this.db = copyRows(this.committed);
  }

  private async commit(): Promise<void> {
    this.settleFlush();
    await this.session.commit();
    this.committed = copyRows(this.current);
    for (const key of [...this.held.keys()]) if (!this.current.has(key)) this.held.delete(key);
    await this.checkCommitted();
  }

  private whereOf(cls: Kind, where: Where) {
    const c = columnsOf(CLASSES[cls] as typeof RbItem);
    if (where.op === "in") return c.id.in([...where.values]);
    if (where.op === "eq") return c[where.col].eq(where.value);
    return where.op === "lt" ? c.qty.lt(where.value) : c.qty.gt(where.value);
  }

  /** The rows of `cls` in the database the WHERE matches, and their keys. */
  private matching(cls: Kind, where: Where): [string, Row][] {
    return [...this.db].filter(([key, row]) => key.startsWith(cls) && matches(where, idOf(key), row));
  }

  /**
   * A row a statement changed: the database's, and what the objects show, but for a change not
   * flushed, which is kept (written over the row's new value by the flush): the row's new value is
   * what it changes from (unknown for an SQL expression).
   */
  private changedRow(key: string, row: Row, set: readonly ("qty" | "note")[], computed: boolean): void {
    const shown = this.current.get(key);
    if (!shown) return; // deleted, not flushed
    const dirty = this.dirty.get(key);
    for (const attr of set) {
      if (!dirty?.changed.has(attr)) (shown as unknown as Record<string, unknown>)[attr] = row[attr];
      else if (attr === "qty" && computed) dirty.forced = true;
      else (dirty as unknown as Record<string, unknown>)[attr] = row[attr];
    }
    shown.version = row.version;
  }

  /**
   * Autoflush off: whether following the statement would drop changes not flushed, so that it is
   * refused (InvalidRequestError, nothing run): the objects it would expire (all of the class with
   * \`false\`, those "evaluate" cannot decide) holding changes to what it sets (a DELETE: any change).
   */
  private dropsChanges(cls: Kind, step: { sync: SynchronizeSession; where: Where }, set: readonly string[] | undefined, exact: boolean): boolean {
    if (this.autoflush || (step.sync !== false && (step.sync !== "evaluate" || exact))) return false;
    for (const [key, dirty] of this.dirty) {
      const obj = this.held.get(key);
      const state = obj && stateOf(obj);
      if (!key.startsWith(cls) || !state || state.status !== "persistent") continue;
      if (set && ![...dirty.changed].some((attr) => set.includes(attr))) continue;
      if (step.sync === false || (step.where.col !== "id" && (state.expired?.has(step.where.col) ?? false))) return true;
    }
    return false;
  }

  private async bulkUpdate(step: Extract<Step, { kind: "update" }>): Promise<void> {
    const { cls, values } = step;
    const c = columnsOf(CLASSES[cls] as typeof RbItem);
    const set: Record<string, unknown> = {};
    if (values.qty !== undefined) set.qty = values.qty;
    if (values.qtyPlus !== undefined) set.qty = c.qty.plus(values.qtyPlus);
    if (values.note !== undefined) set.note = values.note;
    // The autoflush runs first: the versioned rows changed since move their counter on.
    this.beforeStatement();
    const hit = this.matching(cls, step.where);
    const statement = update(CLASSES[cls] as typeof RbItem).where(this.whereOf(cls, step.where)).values(set as never);
    const returning = step.returning && !this.mysql;
    if (await this.refusedEvaluation(step, returning || cls === "v", statement)) return;
    if (this.dropsChanges(cls, step, Object.keys(set), returning || cls === "v")) {
      await assert.rejects(this.session.execute(statement, { synchronizeSession: step.sync }), InvalidRequestError);
      return;
    }
    const result = returning
      ? await this.session.execute(statement.returning(CLASSES[cls] as typeof RbItem), { synchronizeSession: step.sync })
      : await this.session.execute(statement, { synchronizeSession: step.sync });
    for (const [key, row] of hit) {
      if (values.qty !== undefined) row.qty = values.qty;
      if (values.qtyPlus !== undefined) row.qty += values.qtyPlus;
      if (values.note !== undefined) row.note = values.note;
      if (cls === "v") row.version++;
      this.changedRow(key, row, Object.keys(set) as ("qty" | "note")[], values.qtyPlus !== undefined);
    }
    if (cls === "v" && step.sync === false) for (const [key] of hit) this.unsynchronized.add(key);
    this.checkReturned(cls, result, hit, returning);
  }

  private async bulkDelete(step: Extract<Step, { kind: "bulkDelete" }>): Promise<void> {
    const { cls } = step;
    this.beforeStatement();
    const hit = this.matching(cls, step.where);
    const statement = deleteFrom(CLASSES[cls] as typeof RbItem).where(this.whereOf(cls, step.where));
    if (await this.refusedEvaluation(step, step.returning, statement)) return;
    if (this.dropsChanges(cls, step, undefined, step.returning)) {
      await assert.rejects(this.session.execute(statement, { synchronizeSession: step.sync }), InvalidRequestError);
      return;
    }
    const result = step.returning
      ? await this.session.execute(statement.returning(columnsOf(CLASSES[cls] as typeof RbItem).id), { synchronizeSession: step.sync })
      : await this.session.execute(statement, { synchronizeSession: step.sync });
    for (const [key] of hit) {
      this.db.delete(key);
      this.current.delete(key);
      this.dirty.delete(key);
    }
    if (Array.isArray(result)) assert.deepEqual(result.map((t) => Number(t[0])).sort((a, b) => a - b), hit.map(([k]) => idOf(k)).sort((a, b) => a - b), "the ids a DELETE returns");
    else assert.equal(result, hit.length, "the rows a DELETE matched");
  }

  /**
   * "evaluate" compares no string on MariaDB (its collations may ignore case): such a WHERE is
   * refused before anything runs (ArgumentError), unless the rows are known exactly (RETURNING, a
   * versioned UPDATE's counters). The transaction goes on.
   */
  private async refusedEvaluation(step: { sync: SynchronizeSession; where: Where }, exact: boolean, statement: unknown): Promise<boolean> {
    if (!this.mysql || step.sync !== "evaluate" || exact || (step.where.col !== "note" && step.where.col !== "code")) return false;
    await assert.rejects(this.session.execute(statement as never, { synchronizeSession: "evaluate" }), ArgumentError);
    return true;
  }

  /** An UPDATE's count, or its returned objects: those of the rows the model changed, showing them. */
  private checkReturned(cls: Kind, result: unknown, hit: [string, Row][], returning: boolean): void {
    if (!returning) {
      assert.equal(result, hit.length, `the rows an UPDATE of ${cls} matched`);
      return;
    }
    const objs = (result as [Item][]).map((t) => t[0]);
    assert.deepEqual(objs.map((o) => o.id).sort((a, b) => a - b), hit.map(([k]) => idOf(k)).sort((a, b) => a - b), "the objects an UPDATE returns");
    for (const obj of objs) this.held.set(keyOf(cls, obj.id), obj);
  }

  private async upsert(step: Extract<Step, { kind: "upsert" }>): Promise<boolean> {
    const { cls, rows } = step;
    // Each row proposed conflicts with one row of the database or none, by its key or its code;
    // none that a flush not run yet inserts or deletes (autoflush off).
    const seen = new Set<string>();
    const target: (string | undefined)[] = [];
    const pending = (key: string | undefined) => key !== undefined && !this.autoflush && this.current.has(key) !== this.db.has(key);
    for (const p of rows) {
      const byId = this.current.has(keyOf(cls, p.id)) ? keyOf(cls, p.id) : undefined;
      const byCode = [...this.current].find(([k, r]) => k.startsWith(cls) && r.code === p.code)?.[0];
      const inDb = [...this.db].find(([k, r]) => k.startsWith(cls) && r.code === p.code)?.[0];
      if (pending(byId) || pending(byCode) || pending(inDb) || pending(keyOf(cls, p.id))) return false;
      if (byId !== undefined && byCode !== byId) return false;
      if (byId === undefined && byCode === undefined && (this.committed.has(keyOf(cls, p.id)) || this.held.has(keyOf(cls, p.id)))) return false;
      if (byId === undefined && byCode !== undefined && step.target === "id" && !this.mysql) return false;
      const hit = byCode;
      if (hit !== undefined && seen.has(hit)) return false;
      if (hit === undefined && seen.has(keyOf(cls, p.id))) return false;
      seen.add(hit ?? keyOf(cls, p.id));
      target.push(hit);
    }
    this.beforeStatement();
    const base = insert(CLASSES[cls] as typeof RbItem).values(rows.map((r) => ({ ...r })) as never);
    const t = base.table.c as unknown as ReturnType<typeof columnsOf<RbItem>>;
    const set = (excluded: typeof t) => ({ qty: step.add ? t.qty.plus(excluded.qty) : excluded.qty, note: excluded.note });
    const statement = step.nothing
      ? base.onConflictDoNothing(this.mysql ? {} : { target: t[step.target] as never })
      : this.mysql
        ? base.onDuplicateKeyUpdate({ set: set as never })
        : base.onConflictDoUpdate({ target: [t[step.target]] as never, set: set as never });
    const result = step.returning ? await this.session.execute(statement.returning(CLASSES[cls] as typeof RbItem)) : await this.session.execute(statement);
    rows.forEach((p, i) => {
      const key = target[i];
      if (key === undefined) {
        this.current.set(keyOf(cls, p.id), { code: p.code, qty: p.qty, note: p.note, version: 1 });
        this.db.set(keyOf(cls, p.id), { code: p.code, qty: p.qty, note: p.note, version: 1 });
        return;
      }
      const row = this.db.get(key)!;
      if (step.nothing) return; // the row was there: left as it is
      row.qty = step.add ? row.qty + p.qty : p.qty;
      row.note = p.note;
      if (cls === "v") row.version++;
      this.changedRow(key, row, ["qty", "note"], false);
    });
    if (step.returning) {
      const objs = (result as [Item][]).map((r) => r[0]);
      // DO NOTHING returns the rows it inserted, and on MariaDB those it skipped too (docs/upsert.md).
      const returned = rows.flatMap((p, i) => (target[i] === undefined ? [p.id] : step.nothing && !this.mysql ? [] : [idOf(target[i]!)]));
      assert.deepEqual(objs.map((o) => o.id).sort((a, b) => a - b), returned.sort((a, b) => a - b), "the objects an upsert returns");
      for (const obj of objs) this.held.set(keyOf(cls, obj.id), obj);
    }
    return true;
  }

  /** Every object the session holds shows its row's values (or has them expired); one whose row is gone shows that. */
  private checkObjects(after: string): void {
    for (const [key, obj] of this.held) {
      const state = stateOf(obj)!;
      if (state.session === undefined) continue; // transient again, or detached: no longer the session's
      const row = this.current.get(key);
      const columns = key.startsWith("v") ? ["code", "qty", "note", "version"] : ["code", "qty", "note"];
      // A pending object's counter is the flush's to set.
      const loaded = columns.filter((attr) => !state.expired?.has(attr) && !state.unloaded?.has(attr) && (state.status !== "pending" || attr !== "version"));
      if (!row) {
        assert.ok(state.gone || state.status !== "persistent" || loaded.length === 0, `after "${after}": ${key}, whose row is gone, shows ${JSON.stringify(Object.fromEntries(loaded.map((a) => [a, state.dict[a]])))} (${state.status})`);
        continue;
      }
      assert.ok(!state.gone, `after "${after}": ${key}, whose row the model holds, is deleted (${state.status})`);
      const shown = Object.fromEntries(loaded.map((a) => [a, state.dict[a]]));
      const want = Object.fromEntries(loaded.map((a) => [a, row[a as keyof Row]]));
      assert.deepEqual(shown, want, `after "${after}": ${key} shows ${JSON.stringify(shown)}, its row holds ${JSON.stringify(want)}`);
    }
  }

  private checkCommitted(): Promise<void> {
    return this.checkRows(this.committed, (text) => this.ctx.engine.execute(sql<Record<string, unknown>>`${sql.raw(text)}`).then((r) => r.rows), "after the commit");
  }

  /** The database's rows, read by `read`, are `rows`. */
  private async checkRows(rows: Rows, read: (text: string) => Promise<Record<string, unknown>[]>, when: string): Promise<void> {
    const got: string[] = [];
    for (const cls of ["p", "v"] as const) {
      for (const r of await read(`SELECT id, code, qty, note${cls === "v" ? ", version" : ""} FROM ${TABLES[cls]}`)) {
        got.push(`${cls}${r.id} ${r.code} ${r.qty} ${r.note}${cls === "v" ? ` v${r.version}` : ""}`);
      }
    }
    const want = [...rows].map(([key, r]) => `${key} ${r.code} ${r.qty} ${r.note}${key.startsWith("v") ? ` v${r.version}` : ""}`);
    assert.deepEqual(got.sort(), want.sort(), `${when}: the database's rows are the model's`);
  }

  async finish(): Promise<void> {
    while (this.savepoints.length) await this.run({ kind: "endNested", commit: true });
    await this.run({ kind: "commit" });
  }
}

/** The next step, chosen from what the program's model holds now. */
function randomStep(random: () => number, program: Program, next: () => number): Step {
  const pick = <T>(items: readonly T[]): T | undefined => (items.length ? items[Math.floor(random() * items.length)] : undefined);
  const cls: Kind = random() < 0.5 ? "p" : "v";
  const rows = [...program.current.keys()].filter((k) => k.startsWith(cls));
  const held = [...program.held.keys()].filter((k) => k.startsWith(cls));
  const some = pick(rows);
  const qty = () => Math.floor(random() * 10);
  const note = () => pick(["a", "b", "c"])!;
  const where = (): Where => {
    const r = random();
    if (r < 0.35) return { col: "qty", op: random() < 0.5 ? "lt" : "gt", value: qty() };
    if (r < 0.65) return { col: "id", op: "in", values: rows.filter(() => random() < 0.4).map(idOf) };
    if (r < 0.85) return { col: "note", op: "eq", value: note() };
    return { col: "code", op: "eq", value: some ? program.current.get(some)!.code : "none" };
  };
  const r = random();
  if (r < 0.12 || !some) return { kind: "new", cls, id: next(), qty: qty() };
  if (r < 0.19) return { kind: "get", cls, id: idOf(pick([...rows, ...held])!) };
  if (r < 0.22) return { kind: "query", cls, where: where() };
  if (r < 0.32) {
    const target = pick(held) ?? some;
    return random() < 0.5 ? { kind: "change", cls, id: idOf(target), qty: qty() } : { kind: "change", cls, id: idOf(target), note: note() };
  }
  if (r < 0.36) return { kind: "delete", cls, id: idOf(pick(held) ?? some) };
  if (r < 0.5) {
    const values: Values = random() < 0.4 ? { qty: qty() } : random() < 0.5 ? { qtyPlus: 1 + Math.floor(random() * 3) } : { note: note() };
    const both = random() < 0.3 && values.note === undefined ? { ...values, note: note() } : values;
    return { kind: "update", cls, where: where(), values: both, sync: pick(SYNCS)!, returning: random() < 0.3 };
  }
  if (r < 0.56) return { kind: "bulkDelete", cls, where: where(), sync: pick(SYNCS)!, returning: random() < 0.3 };
  if (r < 0.66) {
    const proposed: Proposed[] = [];
    const byCode = random() < 0.5;
    for (const key of rows.filter(() => random() < 0.3)) {
      const code = program.current.get(key)!.code;
      proposed.push({ id: byCode && random() < 0.5 ? next() : idOf(key), code, qty: qty(), note: note() });
    }
    if (!proposed.length || random() < 0.5) {
      const id = next();
      proposed.push({ id, code: `c${id}`, qty: qty(), note: note() });
    }
    return { kind: "upsert", cls, rows: proposed, target: byCode ? "code" : "id", add: random() < 0.5, returning: random() < 0.3, nothing: random() < 0.2 };
  }
  if (r < 0.7) return { kind: random() < 0.5 ? "expire" : "refresh", cls, id: idOf(pick(held) ?? some) };
  if (r < 0.73) return { kind: "flush" };
  if (r < 0.76) return { kind: "peek" };
  if (r < 0.83) return program.savepoints.length ? { kind: "endNested", commit: random() < 0.6 } : { kind: "commit" };
  if (r < 0.86) return { kind: "rollback" };
  if (r < 0.91) return { kind: "beginNested" };
  if (r < 0.95) return { kind: "endNested", commit: random() < 0.5 };
  if (r < 0.97) return { kind: "expireAll" };
  return { kind: "reopen", commit: random() < 0.7, autoflush: random() < 0.5, expireOnCommit: random() < 0.7 };
}

forEachDatabaseWithSchema(
  "random programs of bulk statements and the unit of work",
  RbBase.metadata,
  (ctx) =>
    randomProgramTests({
      steps: 50,
      title: "objects show their rows; every commit holds the model's rows",
      reset: () => deleteAllRows(ctx.engine, RbBase.metadata),
      program: () => new Program(ctx),
      randomStep,
      describe: describeStep,
    }),
  { createOnce: true },
);
