/**
 * A model-based test of optimistic locking with two racing sessions: seeded random programs over
 * versioned rows (a note with a JSON column changed in place; joined-table inheritance, an animal
 * and a dog with its own table), interleaving two sessions step by step on the same rows (load,
 * change, change JSON in place, delete, insert, flush, commit, rollback, savepoints) and
 * `sessionMaker(engine).transaction(fn, { retries })` runs. Session B keeps its objects across
 * commits (`expireOnCommit: false`), so it writes from old reads. The model: a commit that resolves
 * wrote exactly its session's changes, over rows whose versions are the ones its session read
 * (anything else is a lost update the version counter should have refused); a flush or commit that
 * fails (StaleDataError, deadlock, serialization failure) is rolled back and wrote nothing. After
 * every step with no statement in flight the database's rows, read outside the sessions, are the
 * model's. A step that waits for the other session's row lock is left in flight and the other
 * session goes on. SQLite serializes writers: there session A runs alone (no B, no transaction()).
 * `ATHANOR_RANDOM_SEED=<seed>` replays one program; `ATHANOR_RANDOM_PROGRAMS=<n>` runs more.
 */
import assert from "node:assert/strict";
import { ObjectDeletedError, StaleDataError, inspect, sessionMaker, sql, type Session } from "../../src/index.js";
import { deleteAllRows } from "../support/empty-tables.js";
import { randomProgramTests, type ModelProgram } from "../support/random-programs.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";
import { RvAnimal, RvBase, RvDog, RvNote } from "./fixtures/racing-versions.js";

type Kind = "note" | "animal" | "dog";
type Actor = 0 | 1;
type Fields = Record<string, unknown>;
const FIELDS: Record<Kind, readonly string[]> = { note: ["title", "n", "data"], animal: ["name"], dog: ["name", "bark", "tricks"] };
const JSON_FIELDS = new Set(["data", "tricks"]);

type Step =
  | { readonly actor: Actor; readonly kind: "insert"; readonly label: string; readonly cls: Kind }
  | { readonly actor: Actor; readonly kind: "load" | "delete"; readonly label: string }
  | { readonly actor: Actor; readonly kind: "change"; readonly label: string; readonly field: string; readonly value: string }
  | { readonly actor: Actor; readonly kind: "flush" | "commit" | "rollback" | "beginNested" }
  | { readonly actor: Actor; readonly kind: "endNested"; readonly commit: boolean }
  | { readonly actor: Actor; readonly kind: "transaction"; readonly label: string; readonly value: string };

const describeStep = (s: Step) => `${"AB"[s.actor]}: ${s.kind}${"label" in s ? ` ${s.label}` : ""}${"cls" in s ? ` (${s.cls})` : ""}${"field" in s ? ` .${s.field}` : ""}${"value" in s ? ` = ${s.value}` : ""}${"commit" in s ? (s.commit ? " commit" : " rollback") : ""}`;

/** A row as the model holds it. */
interface Row {
  readonly kind: Kind;
  fields: Fields;
  version: number;
}
/** One session's write to an object in its open transaction. */
interface Write {
  kind: "insert" | "update" | "delete";
  /** The version the session read before it changed the row (updates and deletes). */
  readonly basis: number;
  fields: Fields;
  /** Changed since the last flush. */
  dirty: boolean;
  /** UPDATEs flushed: each adds one to the version. */
  bumps: number;
  inserted: boolean;
}
const copyWrites = (w: Map<object, Write>) => new Map([...w].map(([o, x]) => [o, { ...x, fields: structuredClone(x.fields) }] as const));
const stable = (v: unknown) => JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));
const RETRYABLE = /deadlock|serializ|could not serialize|lock wait|Deadlock|TransactionRolledBack/i;

class Actors {
  /** The committed rows, by label. */
  readonly committed = new Map<string, Row>();
  readonly ids = new Map<string, number>();
  readonly sessions: Session[];
  readonly objs: Map<string, object>[] = [new Map(), new Map()];
  writes: Map<object, Write>[] = [new Map(), new Map()];
  readonly savepoints: { objs: Map<string, object>; writes: Map<object, Write>; sp: { commit(): Promise<void>; rollback(): Promise<void> } }[][] = [[], []];
  readonly pending: (Promise<void> | undefined)[] = [undefined, undefined];
  /** Labels of objects each session inserted in its open transaction. */
  readonly made: string[][] = [[], []];
  readonly log: string[] = [];
  /**
   * Whether each session wrote in its open transaction, even if a savepoint's rollback undid it:
   * InnoDB keeps the row locks of a rolled-back savepoint until the transaction ends, and a
   * transaction() run waiting for the other session, which waits for them, would wait forever.
   */
  readonly wrote = [false, false];

  constructor(
    private readonly ctx: SessionContext,
    readonly solo: boolean,
  ) {
    this.sessions = [ctx.session(), ctx.session({ expireOnCommit: false })];
  }

  /** Runs `step` (or returns false when it cannot run now); a step that waits for a lock is left in flight. */
  async run(step: Step): Promise<boolean> {
    const a = step.actor;
    if (this.pending[a] || (this.solo && a === 1)) return false;
    const session = this.sessions[a]!;
    const objs = this.objs[a]!;
    const alive = (label: string) => objs.has(label) && this.writes[a]!.get(objs.get(label)!)?.kind !== "delete";
    switch (step.kind) {
      case "insert": {
        if (this.ids.has(step.label) || objs.has(step.label)) return false;
        const obj = step.cls === "note" ? Object.assign(new RvNote(), { title: "t", n: 0, data: { tags: [] } }) : step.cls === "dog" ? Object.assign(new RvDog(), { name: "d", bark: null, tricks: { tricks: [] } }) : Object.assign(new RvAnimal(), { name: "a" });
        session.add(obj);
        objs.set(step.label, obj);
        this.made[a]!.push(step.label);
        const fields: Fields = {};
        for (const f of FIELDS[step.cls]) fields[f] = structuredClone((obj as unknown as Fields)[f]);
        this.writes[a]!.set(obj, { kind: "insert", basis: 0, fields, dirty: true, bumps: 0, inserted: false });
        (obj as { __kind?: Kind }).__kind = step.cls;
        return true;
      }
      case "load": {
        const id = this.ids.get(step.label);
        if (id === undefined || objs.has(step.label)) return false;
        if (!(await this.flushFirst(a))) return true;
        const cls = this.kindOf(step.label) === "note" ? RvNote : RvAnimal;
        const obj = await session.get(cls as typeof RvAnimal, id);
        if (obj) {
          (obj as { __kind?: Kind }).__kind = this.kindOf(step.label);
          objs.set(step.label, obj);
        }
        return true;
      }
      case "change": {
        if (!alive(step.label)) return false;
        const obj = objs.get(step.label)! as unknown as Fields;
        const kind = (obj as { __kind?: Kind }).__kind!;
        if (!FIELDS[kind].includes(step.field)) return false;
        let write = this.writes[a]!.get(obj);
        if (!write) {
          // The version this change is based on: the object's, read again only when expired.
          if (inspect(obj).expired.length) {
            if (!(await this.flushFirst(a))) return true;
            try {
              await session.refresh(obj);
            } catch (error) {
              // Deleted by another transaction: the session has let it go.
              if (!(error instanceof ObjectDeletedError)) throw error;
              objs.delete(step.label);
              return true;
            }
          }
          write = { kind: "update", basis: obj.version as number, fields: {}, dirty: false, bumps: 0, inserted: true };
          this.writes[a]!.set(obj, write);
        }
        if (JSON_FIELDS.has(step.field)) {
          const holder = (obj[step.field] ?? (obj[step.field] = step.field === "data" ? { tags: [] } : { tricks: [] })) as Record<string, string[]>;
          holder[step.field === "data" ? "tags" : "tricks"]!.push(step.value);
          write.fields[step.field] = structuredClone(obj[step.field]);
        } else {
          const value = step.field === "n" ? Number(step.value.slice(1)) : step.value;
          obj[step.field] = value;
          write.fields[step.field] = value;
        }
        write.dirty = true;
        return true;
      }
      case "delete": {
        if (!alive(step.label)) return false;
        const obj = objs.get(step.label)!;
        const write = this.writes[a]!.get(obj);
        if (write?.kind === "insert" && !write.inserted) return false; // expunge-like: keep the model simple
        if (!write && inspect(obj).expired.length) {
          if (!(await this.flushFirst(a))) return true;
          await session.refresh(obj).catch(() => undefined);
        }
        if (!write && inspect(obj).expired.length) return false;
        session.delete(obj);
        // A flushed new row deleted again: the commit writes nothing of it.
        if (write?.kind === "insert") write.fields = { ...write.fields, dropInserted: true };
        if (write) write.kind = "delete";
        if (!write) this.writes[a]!.set(obj, { kind: "delete", basis: (obj as RvNote).version, fields: {}, dirty: true, bumps: 0, inserted: true });
        return true;
      }
      case "flush":
        await this.inFlight(a, () => session.flush(), () => this.flushed(a));
        return true;
      case "commit":
        if (this.savepoints[a]!.length) return false;
        await this.inFlight(a, () => session.commit(), () => this.commitDone(a));
        return true;
      case "rollback":
        await session.rollback();
        this.clear(a);
        return true;
      case "beginNested": {
        // beginNested flushes first: it may wait for a lock, or fail on a stale row.
        await this.inFlight(a, () => session.beginNested(), (sp) => {
          this.flushed(a);
          this.savepoints[a]!.push({ objs: new Map(this.objs[a]!), writes: copyWrites(this.writes[a]!), sp });
        });
        return true;
      }
      case "endNested": {
        const top = this.savepoints[a]!.at(-1);
        if (!top) return false;
        if (step.commit) {
          await this.inFlight(a, () => top.sp.commit(), () => {
            this.savepoints[a]!.pop();
            this.flushed(a);
          });
        } else {
          await top.sp.rollback();
          this.savepoints[a]!.pop();
          this.objs[a] = top.objs;
          this.writes[a] = top.writes;
        }
        return true;
      }
      case "transaction": {
        const id = this.ids.get(step.label);
        if (this.solo || id === undefined || this.kindOf(step.label) !== "note" || this.writes[a]!.size || this.wrote[a]) return false;
        let basis: number | undefined;
        await this.inFlight(
          a,
          () =>
            sessionMaker(this.ctx.engine).transaction(
              async (s) => {
                const note = await s.get(RvNote, id);
                basis = note?.version;
                if (note) {
                  note.n = Number(step.value.slice(1));
                  note.data.tags.push(step.value);
                }
              },
              { retries: 6, backoffMs: 5 },
            ),
          () => {
            if (basis === undefined) return;
            const row = this.committed.get(step.label);
            assert.ok(row, `transaction() updated ${step.label}, which the model has deleted`);
            assert.equal(row.version, basis, `transaction() wrote ${step.label} over version ${row.version} from a read of version ${basis}: a lost update`);
            row.version = basis + 1;
            row.fields.n = Number(step.value.slice(1));
            (row.fields.data as { tags: string[] }).tags.push(step.value);
          },
          true,
        );
        return true;
      }
    }
  }

  private kindOf(label: string): Kind {
    return this.committed.get(label)?.kind ?? (label.startsWith("N") ? "note" : label.startsWith("D") ? "dog" : "animal");
  }

  /**
   * Runs a statement that may wait for the other session's lock: the model follows when it settles
   * (in the order the database answered), and a step still waiting after a moment is left in flight.
   */
  private async inFlight<T>(a: Actor, op: () => Promise<T>, done: (value: T) => void, standalone = false): Promise<"done" | "failed" | "waiting"> {
    let settled = false;
    let ok = false;
    const promise = op().then(
      (value) => {
        ok = true;
        done(value);
      },
      async (error: unknown) => {
        this.log.push(`${"AB"[a]} ${standalone ? "transaction()" : "flush/commit"}: ${(error as Error).name}: ${(error as Error).message.slice(0, 120)}`);
        if (process.env.ATHANOR_RANDOM_TRACE) console.error(this.log.at(-1));
        STATS[(error as Error).name] = (STATS[(error as Error).name] ?? 0) + 1;
        if (standalone) {
          if (!RETRYABLE.test(`${(error as Error).name} ${(error as Error).message}`) && !(error instanceof StaleDataError)) throw error;
          return;
        }
        await this.fail(a, error);
      },
    );
    const tracked = promise.finally(() => {
      settled = true;
      if (this.pending[a] === tracked) this.pending[a] = undefined;
    });
    this.pending[a] = tracked;
    await Promise.race([tracked, new Promise((r) => setTimeout(r, 150))]);
    if (!settled) STATS.waits = (STATS.waits ?? 0) + 1;
    if (!settled) return "waiting";
    await tracked;
    return ok ? "done" : "failed";
  }

  /** Queries flush first (autoflush): flushed here, so that the model knows when a query's flush fails or waits. */
  private async flushFirst(a: Actor): Promise<boolean> {
    return (await this.inFlight(a, () => this.sessions[a]!.flush(), () => this.flushed(a))) === "done";
  }

  /** A failed flush or commit: it must have had a reason, and the rollback leaves nothing written. */
  private async fail(a: Actor, error: unknown): Promise<void> {
    const text = `${(error as Error).name} ${(error as Error).message}`;
    if (error instanceof StaleDataError) {
      const stale = [...this.writes[a]!].some(([obj, w]) => {
        if (w.kind === "insert" || w.fields.dropInserted) return false;
        const label = [...this.objs[a]!].find(([, o]) => o === obj)?.[0];
        const row = label === undefined ? undefined : this.committed.get(label);
        return !row || row.version !== w.basis;
      });
      assert.ok(stale, `StaleDataError though every row written has the version read: ${text}`);
    } else if (!RETRYABLE.test(text)) throw error;
    await this.sessions[a]!.rollback();
    if (process.env.ATHANOR_RANDOM_TRACE) console.error(`${"AB"[a]} rolled back`);
    this.clear(a);
  }

  /** A rollback: the transaction's new objects leave, its writes are gone. */
  private clear(a: Actor): void {
    for (const label of this.made[a]!) this.objs[a]!.delete(label);
    this.made[a] = [];
    this.writes[a] = new Map();
    this.savepoints[a] = [];
    this.wrote[a] = false;
    // Deleted objects come back (persistent again); expired ones are read again when changed.
  }

  private flushed(a: Actor): void {
    if (this.writes[a]!.size) this.wrote[a] = true;
    for (const w of this.writes[a]!.values()) {
      if (w.kind === "insert" && !w.inserted) w.inserted = true;
      else if (w.dirty && w.kind !== "delete") w.bumps++;
      w.dirty = false;
    }
  }

  /** A commit resolved: exactly this session's changes are written, each over the version it read. */
  private commitDone(a: Actor): void {
    this.flushed(a);
    STATS.commits = (STATS.commits ?? 0) + 1;
    const labelOf = new Map([...this.objs[a]!].map(([l, o]) => [o, l] as const));
    for (const [obj, w] of this.writes[a]!) {
      const label = labelOf.get(obj)!;
      const o = obj as unknown as Fields;
      if (w.kind === "insert") {
        this.ids.set(label, o.id as number);
        this.committed.set(label, { kind: (obj as { __kind: Kind }).__kind, fields: structuredClone(w.fields), version: 1 + w.bumps });
        continue;
      }
      if (w.kind === "delete" && w.fields.dropInserted) {
        this.objs[a]!.delete(label);
        continue;
      }
      const row = this.committed.get(label);
      assert.ok(row, `${"AB"[a]}'s commit resolved with a ${w.kind} of ${label}, which another transaction deleted`);
      assert.equal(row.version, w.basis, `${"AB"[a]}'s commit resolved with a ${w.kind} of ${label} read at version ${w.basis} over version ${row.version}: a lost update`);
      if (w.kind === "delete") {
        this.committed.delete(label);
        this.objs[a]!.delete(label);
      } else {
        Object.assign(row.fields, structuredClone(w.fields));
        row.version = w.basis + w.bumps;
      }
    }
    this.made[a] = [];
    this.writes[a] = new Map();
    this.wrote[a] = false;
  }

  /** The database's rows, read outside the sessions, are the model's committed rows. */
  async check(): Promise<void> {
    if (this.pending.some(Boolean)) return;
    const read = async <R>(text: string) => (await this.ctx.engine.execute(sql<R>`${sql.raw(text)}`)).rows;
    const parse = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
    const labelOf = new Map<string, string>();
    for (const [label, id] of this.ids) labelOf.set(`${this.kindOf(label) === "note" ? "n" : "a"}${id}`, label);
    const got: Record<string, unknown> = {};
    for (const r of await read<Fields>("SELECT id, title, n, data, version FROM rv_notes")) {
      got[labelOf.get(`n${r.id}`) ?? `unknown note ${r.id}`] = { kind: "note", fields: { title: r.title, n: Number(r.n), data: parse(r.data) }, version: Number(r.version) };
    }
    for (const r of await read<Fields>("SELECT a.id, a.type, a.name, a.version, d.id AS dog_id, d.bark, d.tricks FROM rv_animals a LEFT JOIN rv_dogs d ON d.id = a.id")) {
      assert.equal(r.type === "dog", r.dog_id != null, `animal ${r.id} of type ${r.type} ${r.dog_id == null ? "has no" : "has a"} rv_dogs row`);
      const fields: Fields = r.type === "dog" ? { name: r.name, bark: r.bark, tricks: parse(r.tricks) } : { name: r.name };
      got[labelOf.get(`a${r.id}`) ?? `unknown animal ${r.id}`] = { kind: r.type, fields, version: Number(r.version) };
    }
    const want = Object.fromEntries([...this.committed].map(([l, r]) => [l, r]));
    assert.equal(stable(got), stable(want), `the database holds\n${stable(got)}\nthe model\n${stable(want)}\nevents: ${this.log.join("; ")}`);
  }

  /** Waits for a step in flight; with both in flight, the database must end the wait (a deadlock). */
  async settle(all = false): Promise<void> {
    const waiting = this.pending.filter(Boolean) as Promise<void>[];
    if (!waiting.length || (!all && waiting.length < 2)) {
      // One in flight: give it a moment, it may have been released by the step just run.
      if (waiting.length) await Promise.race([waiting[0], new Promise((r) => setTimeout(r, 50))]);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error("both sessions wait, and the database does not end it")), 20_000)));
    try {
      await Promise.race([Promise.all(waiting), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ends the program: each session's savepoints released and its transaction committed (or refused), rows checked. */
  async finish(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      for (const a of [0, 1] as const) {
        if (this.pending[a]) continue;
        while (this.savepoints[a]!.length && (await this.run({ actor: a, kind: "endNested", commit: true })));
        await this.run({ actor: a, kind: "commit" });
        await this.settle();
      }
      await this.settle(true);
    }
    await this.check();
  }
}

/** The next step of a random program. */
function randomStep(random: () => number, actors: Actors, next: () => number): Step {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  let actor: Actor = actors.solo ? 0 : random() < 0.5 ? 0 : 1;
  if (actors.pending[actor]) actor = (1 - actor) as Actor;
  const labels = [...actors.committed.keys()];
  const mine = [...actors.objs[actor]!.keys()];
  const r = random();
  if (r < 0.1 || (!labels.length && !mine.length)) {
    const cls = pick(["note", "animal", "dog"] as const)!;
    return { actor, kind: "insert", cls, label: `${cls === "note" ? "N" : cls === "dog" ? "D" : "A"}${next()}` };
  }
  if (r < 0.25 && labels.length) return { actor, kind: "load", label: pick(labels)! };
  if (r < 0.5 && mine.length) {
    const label = pick(mine)!;
    const kind = label.startsWith("N") ? "note" : label.startsWith("D") ? "dog" : "animal";
    return { actor, kind: "change", label, field: pick(FIELDS[kind])!, value: `v${next()}` };
  }
  if (r < 0.55 && mine.length) return { actor, kind: "delete", label: pick(mine)! };
  if (r < 0.63) return { actor, kind: "flush" };
  if (r < 0.75) return actors.savepoints[actor]!.length ? { actor, kind: "endNested", commit: random() < 0.6 } : { actor, kind: "commit" };
  if (r < 0.8) return { actor, kind: "rollback" };
  if (r < 0.85) return { actor, kind: "beginNested" };
  if (r < 0.9) return { actor, kind: "endNested", commit: random() < 0.6 };
  if (labels.length) return { actor, kind: "transaction", label: pick(labels)!, value: `v${next()}` };
  return { actor, kind: "flush" };
}

const STEPS = Number(process.env.ATHANOR_RANDOM_STEPS ?? 50);
/** What the programs ran into, printed with ATHANOR_RANDOM_STATS=1. */
const STATS: Record<string, number> = {};
process.on("exit", () => process.env.ATHANOR_RANDOM_STATS && console.error(STATS));

/** The two sessions as one program: after each step, what is still waiting settles and the rows are checked. */
class RacingProgram implements ModelProgram<Step> {
  readonly actors: Actors;

  constructor(ctx: SessionContext, solo: boolean) {
    this.actors = new Actors(ctx, solo);
  }

  async run(step: Step): Promise<boolean> {
    if (process.env.ATHANOR_RANDOM_TRACE) console.error(describeStep(step), this.actors.pending.map(Boolean));
    const ran = await this.actors.run(step);
    await this.actors.settle();
    await this.actors.check();
    return ran;
  }

  finish(): Promise<void> {
    return this.actors.finish();
  }

  async close(): Promise<void> {
    await this.actors.settle(true).catch(() => undefined);
    for (const s of this.actors.sessions) await s.close();
  }
}

forEachDatabaseWithSchema(
  "random programs of two sessions racing on versioned rows",
  RvBase.metadata,
  (ctx) => {
    const solo = ctx.db.name === "sqlite";
    randomProgramTests<Step, RacingProgram>({
      steps: STEPS,
      programs: 8,
      title: "every commit writes its session's changes over the versions it read",
      reset: () => deleteAllRows(ctx.engine, RvBase.metadata),
      program: () => new RacingProgram(ctx, solo),
      randomStep: (random, program, next) => randomStep(random, program.actors, next),
      describe: describeStep,
    });
  },
  { createOnce: true, sqliteFile: true },
);
