/**
 * A model-based test of one-to-many, many-to-one and delete-orphan: seeded random programs over
 * families that own their children (`cascade: "all, delete-orphan"`, NOT NULL key), schools the
 * children may go to (nullable, no cascade) and tags linked to children through a plain
 * association table, with flushes, commits, rollbacks, savepoints, expiry and sessions closed and
 * opened again, run against a model of what the database must hold. After every commit the
 * database's rows must be the model's committed rows, and at the end a fresh session must load
 * them back. Failures are shrunk and printed with their seed (test/support/random-programs.ts).
 */
import assert from "node:assert/strict";
import { inspect, lazy, select, selectinLoad, sql, type Session } from "../../src/index.js";
import { deleteAllRows } from "../support/empty-tables.js";
import { randomProgramTests } from "../support/random-programs.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";
import { FamilyBase, FmChild, FmFamily, FmSchool, FmTag } from "./fixtures/families.js";

/** Two or three ways to do each change: through the one side's list, the other side, or both. */
type Way = 0 | 1 | 2;

type Step =
  | { readonly kind: "new"; readonly label: string } // F, S or T
  | { readonly kind: "newChild"; readonly label: string; readonly f: string; readonly way: Way }
  | { readonly kind: "move"; readonly c: string; readonly f: string; readonly way: Way }
  | { readonly kind: "orphan"; readonly c: string; readonly way: Way }
  | { readonly kind: "assignChildren"; readonly f: string; readonly keep: readonly string[]; readonly take: readonly string[]; readonly load: boolean }
  | { readonly kind: "school"; readonly c: string; readonly s: string | null; readonly way: Way }
  | { readonly kind: "tag"; readonly c: string; readonly t: string; readonly way: Way }
  | { readonly kind: "untag"; readonly c: string; readonly t: string; readonly way: Way }
  | { readonly kind: "assignTags"; readonly c: string; readonly tags: readonly string[] }
  | { readonly kind: "delete"; readonly label: string }
  | { readonly kind: "flush" | "commit" | "rollback" | "beginNested" | "expireAll" | "reopen" }
  | { readonly kind: "endNested"; readonly commit: boolean };

function describeStep(step: Step): string {
  switch (step.kind) {
    case "new":
      return `new ${step.label}`;
    case "newChild":
      return `new ${step.label} in ${step.f} ${["by family.children.push", "by child.family = f", "by child.family = f and session.add"][step.way]}`;
    case "move":
      return `move ${step.c} to ${step.f} ${step.way === 1 ? "by family.children.push" : "by child.family = f"}`;
    case "orphan":
      return `orphan ${step.c} ${step.way === 1 ? "by child.family = null" : "by splicing family.children"}`;
    case "assignChildren":
      return `${step.f}.children = [${[...step.keep, ...step.take].join(", ")}]${step.load ? " (loaded first)" : ""}`;
    case "school":
      return step.s === null
        ? `${step.c} leaves its school ${step.way === 1 ? "by splicing school.pupils" : "by child.school = null"}`
        : `${step.c} goes to ${step.s} ${step.way === 1 ? "by school.pupils.push" : "by child.school = s"}`;
    case "tag":
      return `tag ${step.c} ${step.t} ${step.way === 1 ? "by tag.children.push" : "by child.tags.push"}`;
    case "untag":
      return `untag ${step.c} ${step.t} ${step.way === 1 ? "by splicing tag.children" : "by splicing child.tags"}`;
    case "assignTags":
      return `${step.c}.tags = [${step.tags.join(", ")}]`;
    case "delete":
      return `delete ${step.label}`;
    case "endNested":
      return `savepoint ${step.commit ? "commit" : "rollback"}`;
    default:
      return step.kind;
  }
}

interface ChildRow {
  readonly family: string;
  readonly school: string | null;
}
/** What the database must hold, by label. */
interface Rows {
  families: Set<string>;
  schools: Set<string>;
  tags: Set<string>;
  children: Map<string, ChildRow>;
  links: Set<string>;
}
const copy = (r: Rows): Rows => ({ families: new Set(r.families), schools: new Set(r.schools), tags: new Set(r.tags), children: new Map(r.children), links: new Set(r.links) });
const linkKey = (c: string, t: string) => `${c}|${t}`;
const sorted = (r: Rows) => ({
  families: [...r.families].sort(),
  schools: [...r.schools].sort(),
  tags: [...r.tags].sort(),
  children: [...r.children].map(([c, row]) => `${c} in ${row.family} at ${row.school}`).sort(),
  links: [...r.links].sort(),
});
const MODELS = { F: FmFamily, S: FmSchool, T: FmTag, C: FmChild } as const;
type Kind = keyof typeof MODELS;

/** One program's session and objects, and the model of what it must have written. */
class Program {
  private session: Session;
  private objects = new Map<string, object>();
  current: Rows = { families: new Set(), schools: new Set(), tags: new Set(), children: new Map(), links: new Set() };
  private committed = copy(this.current);
  readonly savepoints: { rows: Rows; made: string[]; sp: { rollback(): Promise<void>; commit(): Promise<void> } }[] = [];
  private madeSinceCommit: string[] = [];

  constructor(private readonly ctx: SessionContext) {
    this.session = ctx.session();
  }

  close(): Promise<void> {
    return this.session.close();
  }

  private get<T = object>(label: string): T {
    return this.objects.get(label) as T;
  }

  async run(step: Step): Promise<boolean> {
    const { current } = this;
    switch (step.kind) {
      case "new": {
        const kind = step.label[0] as "F" | "S" | "T";
        const obj = new MODELS[kind]();
        this.session.add(obj);
        ({ F: current.families, S: current.schools, T: current.tags })[kind].add(step.label);
        this.made(step.label, obj);
        return true;
      }
      case "newChild": {
        if (!current.families.has(step.f)) return false;
        const family = this.get<FmFamily>(step.f);
        const child = new FmChild();
        if (step.way === 0) (await this.session.load(family, "children")).children.push(child);
        else child.family = family;
        if (step.way === 2) this.session.add(child);
        current.children.set(step.label, { family: step.f, school: null });
        this.made(step.label, child);
        return true;
      }
      case "move": {
        const row = current.children.get(step.c);
        if (!row || !current.families.has(step.f) || row.family === step.f) return false;
        const child = this.get<FmChild>(step.c);
        const family = this.get<FmFamily>(step.f);
        if (step.way === 1) (await this.session.load(family, "children")).children.push(child);
        else child.family = family;
        current.children.set(step.c, { ...row, family: step.f });
        return true;
      }
      case "orphan": {
        const row = current.children.get(step.c);
        if (!row) return false;
        const child = this.get<FmChild>(step.c);
        // A new one let go leaves the session, but a tag's or a school's list holding it brings it
        // back at the flush (UnsavedReferenceError, or its INSERT with no family): inserted first.
        if (inspect(child).status !== "persistent") await this.session.flush();
        if (step.way === 1) (child as { family: FmFamily | null }).family = null;
        else {
          const list = await lazy(this.get<FmFamily>(row.family)).children;
          assert.ok(list.includes(child), `${row.family}.children shows ${step.c}`);
          list.splice(list.indexOf(child), 1);
        }
        this.dropChild(step.c);
        return true;
      }
      case "assignChildren": {
        if (!current.families.has(step.f)) return false;
        const mine = [...current.children].filter(([, row]) => row.family === step.f).map(([c]) => c);
        if (step.keep.some((c) => !mine.includes(c)) || step.take.some((c) => !current.children.has(c) || mine.includes(c))) return false;
        const family = this.get<FmFamily>(step.f);
        // As for "orphan": new children let go are inserted first.
        if (mine.some((c) => !step.keep.includes(c) && inspect(this.get(c)).status !== "persistent")) await this.session.flush();
        if (step.load) await this.session.load(family, "children");
        family.children = [...step.keep, ...step.take].map((c) => this.get<FmChild>(c));
        for (const c of mine) if (!step.keep.includes(c)) this.dropChild(c);
        for (const c of step.take) current.children.set(c, { ...current.children.get(c)!, family: step.f });
        return true;
      }
      case "school":
        return this.school(step);
      case "tag": {
        if (!current.children.has(step.c) || !current.tags.has(step.t) || current.links.has(linkKey(step.c, step.t))) return false;
        const child = this.get<FmChild>(step.c);
        const tag = this.get<FmTag>(step.t);
        if (step.way === 1) (await this.session.load(tag, "children")).children.push(child);
        else (await this.session.load(child, "tags")).tags.push(tag);
        current.links.add(linkKey(step.c, step.t));
        return true;
      }
      case "untag": {
        if (!current.links.has(linkKey(step.c, step.t))) return false;
        const child = this.get<FmChild>(step.c);
        const tag = this.get<FmTag>(step.t);
        const list: object[] = step.way === 1 ? await lazy(tag).children : await lazy(child).tags;
        const member = step.way === 1 ? child : tag;
        assert.ok(list.includes(member), `${step.c} and ${step.t} show their link`);
        list.splice(list.indexOf(member), 1);
        current.links.delete(linkKey(step.c, step.t));
        return true;
      }
      case "assignTags": {
        if (!current.children.has(step.c) || step.tags.some((t) => !current.tags.has(t))) return false;
        this.get<FmChild>(step.c).tags = step.tags.map((t) => this.get<FmTag>(t));
        for (const key of [...current.links]) if (key.startsWith(`${step.c}|`)) current.links.delete(key);
        for (const t of step.tags) current.links.add(linkKey(step.c, t));
        return true;
      }
      case "delete":
        return this.delete(step.label);
      case "flush":
        await this.session.flush();
        return true;
      case "commit":
        if (this.savepoints.length) return false;
        await this.commit();
        return true;
      case "rollback":
        await this.session.rollback();
        this.rolledBack();
        return true;
      case "reopen":
        await this.session.close();
        this.rolledBack();
        await this.reopen();
        return true;
      case "beginNested":
        this.savepoints.push({ rows: copy(current), made: [], sp: await this.session.beginNested() });
        return true;
      case "endNested":
        return this.endNested(step.commit);
      case "expireAll":
        // Expiring discards changes not flushed (as SQLAlchemy's expire_all does): flushed first.
        await this.session.flush();
        this.session.expireAll();
        return true;
    }
  }

  private made(label: string, obj: object): void {
    this.objects.set(label, obj);
    this.madeSinceCommit.push(label);
    this.savepoints.at(-1)?.made.push(label);
  }

  /** A child deleted (as an orphan, by a cascade or itself): its tag links go with it. */
  private dropChild(c: string): void {
    this.current.children.delete(c);
    for (const key of [...this.current.links]) if (key.startsWith(`${c}|`)) this.current.links.delete(key);
  }

  private async school({ c, s, way }: Extract<Step, { kind: "school" }>): Promise<boolean> {
    const row = this.current.children.get(c);
    if (!row || row.school === s || (s !== null && !this.current.schools.has(s))) return false;
    const child = this.get<FmChild>(c);
    if (s === null) {
      if (way === 1) {
        const list = await lazy(this.get<FmSchool>(row.school!)).pupils;
        assert.ok(list.includes(child), `${row.school}.pupils shows ${c}`);
        list.splice(list.indexOf(child), 1);
      } else child.school = null;
    } else if (way === 1) (await this.session.load(this.get<FmSchool>(s), "pupils")).pupils.push(child);
    else child.school = this.get<FmSchool>(s);
    this.current.children.set(c, { ...row, school: s });
    return true;
  }

  private async delete(label: string): Promise<boolean> {
    const { current } = this;
    const obj = this.objects.get(label);
    if (!obj || !(current.families.has(label) || current.schools.has(label) || current.tags.has(label) || current.children.has(label))) return false;
    // A new one deleted leaves the session but stays in its lists (UnsavedReferenceError at the
    // commit, by design: README "Cascades"), or is refused if not added yet: inserted first.
    if (inspect(obj).status !== "persistent") await this.session.flush();
    this.session.delete(obj);
    current.families.delete(label);
    current.schools.delete(label);
    current.tags.delete(label);
    this.dropChild(label);
    for (const [c, row] of [...current.children]) {
      if (row.family === label) this.dropChild(c);
      else if (row.school === label) current.children.set(c, { ...row, school: null });
    }
    for (const key of [...current.links]) if (key.endsWith(`|${label}`)) current.links.delete(key);
    return true;
  }

  private rolledBack(): void {
    this.savepoints.length = 0;
    this.forget(this.madeSinceCommit);
    this.madeSinceCommit = [];
    this.current = copy(this.committed);
  }

  /** A new session, with every committed object read again by its key. */
  private async reopen(): Promise<void> {
    const ids = new Map([...this.objects].map(([label, obj]) => [label, (obj as { id: number }).id] as const));
    this.session = this.ctx.session();
    this.objects = new Map();
    const { families, schools, tags, children } = this.committed;
    for (const label of [...families, ...schools, ...tags, ...children.keys()]) {
      const obj = await this.session.get(MODELS[label[0] as Kind] as typeof FmFamily, ids.get(label)!);
      assert.ok(obj, `${label} (id ${ids.get(label)}) is read again`);
      this.objects.set(label, obj);
    }
  }

  private async commit(): Promise<void> {
    await this.session.commit();
    this.committed = copy(this.current);
    this.madeSinceCommit = [];
    // Deleted objects are gone for good: their keys may be given to new rows (SQLite reuses them).
    const { families, schools, tags, children } = this.current;
    this.forget([...this.objects.keys()].filter((l) => !families.has(l) && !schools.has(l) && !tags.has(l) && !children.has(l)));
    await this.check();
  }

  private async endNested(commit: boolean): Promise<boolean> {
    const top = this.savepoints.pop();
    if (!top) return false;
    if (commit) {
      await top.sp.commit();
      this.savepoints.at(-1)?.made.push(...top.made);
    } else {
      await top.sp.rollback();
      this.forget(top.made);
      this.current = top.rows;
    }
    return true;
  }

  private forget(labels: readonly string[]): void {
    for (const label of labels) this.objects.delete(label);
  }

  /** The label of each id, per kind, from the objects the program holds. */
  private labels(): Record<Kind, Map<number, string>> {
    const byKind: Record<Kind, Map<number, string>> = { F: new Map(), S: new Map(), T: new Map(), C: new Map() };
    for (const [label, obj] of this.objects) byKind[label[0] as Kind].set((obj as { id: number }).id, label);
    return byKind;
  }

  /** The database's rows, read outside the session, are the model's committed rows. */
  private async check(): Promise<void> {
    const ids = this.labels();
    const name = (kind: Kind, id: number | null) => (id === null ? null : (ids[kind].get(Number(id)) ?? `unknown ${kind} ${id}`));
    const read = async <R>(text: string) => (await this.ctx.engine.execute(sql<R>`${sql.raw(text)}`)).rows;
    const ofIds = async (kind: Kind, table: string) => new Set((await read<{ id: number }>(`SELECT id FROM ${table}`)).map((r) => name(kind, r.id)!));
    const children = await read<{ id: number; family_id: number; school_id: number | null }>("SELECT id, family_id, school_id FROM fm_children");
    const links = await read<{ child_id: number; tag_id: number }>("SELECT child_id, tag_id FROM fm_child_tags");
    const actual: Rows = {
      families: await ofIds("F", "fm_families"),
      schools: await ofIds("S", "fm_schools"),
      tags: await ofIds("T", "fm_tags"),
      children: new Map(children.map((r) => [name("C", r.id)!, { family: name("F", r.family_id)!, school: name("S", r.school_id) }] as const)),
      links: new Set(links.map((r) => linkKey(name("C", r.child_id)!, name("T", r.tag_id)!))),
    };
    const [got, want] = [sorted(actual), sorted(this.committed)];
    assert.deepEqual(got, want, `the database holds ${JSON.stringify(got)}, the model ${JSON.stringify(want)}`);
  }

  /** Ends the program: its savepoints released, its transaction committed, its rows checked and loaded back. */
  async finish(): Promise<void> {
    while (this.savepoints.length) await this.endNested(true);
    await this.commit();
    const ids = this.labels();
    const fresh = this.ctx.session();
    const seen: Rows = { families: new Set(), schools: new Set(), tags: new Set(), children: new Map(), links: new Set() };
    const families = await fresh.scalars(select(FmFamily).options(selectinLoad(FmFamily, "children", "tags"), selectinLoad(FmFamily, "children", "school")));
    for (const family of families) {
      const f = ids.F.get(family.id)!;
      seen.families.add(f);
      for (const child of family.children) {
        const c = ids.C.get(child.id)!;
        seen.children.set(c, { family: f, school: child.school ? ids.S.get(child.school.id)! : null });
        for (const tag of child.tags) seen.links.add(linkKey(c, ids.T.get(tag.id)!));
      }
    }
    for (const school of await fresh.scalars(select(FmSchool))) seen.schools.add(ids.S.get(school.id)!);
    for (const tag of await fresh.scalars(select(FmTag))) seen.tags.add(ids.T.get(tag.id)!);
    assert.deepEqual(sorted(seen), sorted(this.committed), "a fresh session loads the committed rows");
    await fresh.close();
  }
}

/** The next step of a random program, chosen from what its model holds now. */
function randomStep(random: () => number, program: Program, next: () => number): Step {
  const pick = <T>(items: readonly T[]) => (items.length ? items[Math.floor(random() * items.length)] : undefined);
  const some = <T>(items: readonly T[]) => items.filter(() => random() < 0.4);
  const way = (n = 2) => Math.floor(random() * n) as Way;
  const { families, schools, tags, children, links } = program.current;
  const f = pick([...families]);
  const c = pick([...children.keys()]);
  const s = pick([...schools]);
  const t = pick([...tags]);
  const r = random();
  if (r < 0.05 || !f) return { kind: "new", label: `F${next()}` };
  if (r < 0.07 || !s) return { kind: "new", label: `S${next()}` };
  if (r < 0.09 || !t) return { kind: "new", label: `T${next()}` };
  if (r < 0.17 || !c) return { kind: "newChild", label: `C${next()}`, f, way: way(3) };
  const row = children.get(c)!;
  if (r < 0.25) return { kind: "move", c, f: f === row.family ? pick([...families])! : f, way: way() };
  if (r < 0.3) return { kind: "orphan", c, way: way() };
  if (r < 0.33) {
    const mine = [...children].filter(([, x]) => x.family === f).map(([x]) => x);
    const others = [...children.keys()].filter((x) => !mine.includes(x));
    return { kind: "assignChildren", f, keep: some(mine), take: some(others).slice(0, 2), load: random() < 0.5 };
  }
  if (r < 0.41) return { kind: "school", c, s: row.school !== null && random() < 0.4 ? null : s, way: way() };
  if (r < 0.5) return links.has(linkKey(c, t)) ? { kind: "untag", c, t, way: way() } : { kind: "tag", c, t, way: way() };
  if (r < 0.53) return { kind: "assignTags", c, tags: some([...tags]) };
  if (r < 0.58) return { kind: "delete", label: pick([c, c, f, s, t])! };
  if (r < 0.66) return { kind: "flush" };
  if (r < 0.74) return program.savepoints.length ? { kind: "endNested", commit: random() < 0.5 } : { kind: "commit" };
  if (r < 0.77) return { kind: "rollback" };
  if (r < 0.84) return { kind: "beginNested" };
  if (r < 0.91) return { kind: "endNested", commit: random() < 0.5 };
  if (r < 0.96) return { kind: "expireAll" };
  return { kind: "reopen" };
}

forEachDatabaseWithSchema(
  "random programs over families, their children, schools and tags",
  FamilyBase.metadata,
  (ctx) =>
    randomProgramTests({
      steps: 60,
      reset: () => deleteAllRows(ctx.engine, FamilyBase.metadata),
      program: () => new Program(ctx),
      randomStep,
      describe: describeStep,
    }),
  { createOnce: true },
);
