/**
 * A model-based test of the unit of work: seeded random programs over the seed's double path
 * (Parent.children, a many-to-many through association_table, and Parent.childAssociations,
 * the association objects of the same rows), with flushes, commits, rollbacks, savepoints and
 * expiry, run against a model of what the database must hold. After every commit the
 * database's rows must be the model's committed rows, and at the end a fresh session must load
 * them back. A failing program is shrunk to the fewest steps that still fail the same way and
 * printed, with its seed (test/support/random-programs.ts); `ATHANOR_RANDOM_SEED=<seed>` runs that one alone.
 */
import assert from "node:assert/strict";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { inspect, lazy, select, selectinLoad, sql, type Session } from "../../src/index.js";
import { stateOf } from "../../src/orm/state/instance-state.js";
import { deleteAllRows } from "../support/empty-tables.js";
import { randomProgramTests } from "../support/random-programs.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

/** How a link is made or removed: through either many-to-many list, or as an association object. */
const LINK_WAYS = ["parent.children", "child.parents", "association object"] as const;
type Way = 0 | 1 | 2;

type Step =
  | { readonly kind: "new"; readonly label: string }
  | { readonly kind: "link"; readonly p: string; readonly c: string; readonly way: Way; readonly extra: string }
  | { readonly kind: "unlink"; readonly p: string; readonly c: string; readonly way: Way }
  | { readonly kind: "extra"; readonly p: string; readonly c: string; readonly value: string }
  | { readonly kind: "delete"; readonly label: string }
  | { readonly kind: "move"; readonly p: string; readonly c: string; readonly to: string }
  | { readonly kind: "assign"; readonly p: string; readonly children: readonly string[] }
  | { readonly kind: "reopen" }
  | { readonly kind: "flush" | "commit" | "rollback" | "beginNested" | "expireAll" }
  | { readonly kind: "endNested"; readonly commit: boolean };

function describeStep(step: Step): string {
  switch (step.kind) {
    case "new":
      return `new ${step.label}`;
    case "link":
      return `link ${step.p} ${step.c} through ${LINK_WAYS[step.way]}${step.way === 2 ? ` (extra ${step.extra})` : ""}`;
    case "unlink":
      return `unlink ${step.p} ${step.c} through ${LINK_WAYS[step.way]}`;
    case "extra":
      return `extra ${step.p} ${step.c} = ${step.value}`;
    case "delete":
      return `delete ${step.label}`;
    case "move":
      return `move the association object of ${step.p} ${step.c} to ${step.to}`;
    case "assign":
      return `${step.p}.children = [${step.children.join(", ")}]`;
    case "endNested":
      return `savepoint ${step.commit ? "commit" : "rollback"}`;
    default:
      return step.kind;
  }
}

/** What the database must hold: the ends by label and each link's extra data. */
interface Rows {
  parents: Set<string>;
  children: Set<string>;
  links: Map<string, string | null>;
}
const copy = (r: Rows): Rows => ({ parents: new Set(r.parents), children: new Set(r.children), links: new Map(r.links) });
const linkKey = (p: string, c: string) => `${p}|${c}`;
interface Revivable {
  readonly extra: string | null;
  readonly flushes: number;
}
const sorted = (rows: Rows) => ({ parents: [...rows.parents].sort(), children: [...rows.children].sort(), links: [...rows.links].sort() });

/** One program's session and objects, and the model of what it must have written. */
class Program {
  private readonly parents = new Map<string, Parent>();
  private readonly children = new Map<string, Child>();
  current: Rows = { parents: new Set(), children: new Set(), links: new Map() };
  private committed = copy(this.current);
  /** One entry per open savepoint: the model as it opened, and the labels made since. */
  readonly savepoints: { rows: Rows; made: string[]; revivable: Map<string, Revivable>; sp: { rollback(): Promise<void>; commit(): Promise<void> } }[] = [];
  /**
   * Links removed through a view, with their extra data: added again through a view before the
   * next flush, a link takes its association object back (README, "the seed's double path").
   */
  private revivable = new Map<string, Revivable>();
  private madeSinceCommit: string[] = [];

  private session: Session;

  constructor(private readonly ctx: SessionContext) {
    this.session = ctx.session();
  }

  close(): Promise<void> {
    return this.session.close();
  }

  /** Runs `step`, or returns false when the model says it cannot run now (a shrunk program's leftovers). */
  async run(step: Step): Promise<boolean> {
    const { current } = this;
    switch (step.kind) {
      case "new":
        return this.create(step.label);
      case "link":
        if (!this.holds(step.p, step.c) || current.links.has(linkKey(step.p, step.c))) return false;
        await this.link(step);
        return true;
      case "unlink":
        if (!current.links.has(linkKey(step.p, step.c))) return false;
        await this.unlink(step);
        return true;
      case "extra": {
        if (!current.links.has(linkKey(step.p, step.c))) return false;
        const association = await this.associationOf(step.p, step.c);
        association.extraData = step.value;
        current.links.set(linkKey(step.p, step.c), step.value);
        return true;
      }
      case "delete":
        return this.delete(step.label);
      case "move":
        if (!current.links.has(linkKey(step.p, step.c)) || !this.holds(step.to, step.c) || current.links.has(linkKey(step.to, step.c))) return false;
        await this.move(step);
        return true;
      case "assign":
        if (!current.parents.has(step.p) || !step.children.every((c) => current.children.has(c))) return false;
        await this.assign(step);
        return true;
      case "reopen":
        if (this.savepoints.length) return false;
        await this.reopen();
        return true;
      case "flush":
        await this.session.flush();
        return true;
      case "commit":
        if (this.savepoints.length) return false;
        await this.commit();
        return true;
      case "rollback":
        await this.session.rollback();
        this.savepoints.length = 0;
        this.revivable.clear(); // nothing of a rolled-back transaction comes back
        this.forget(this.madeSinceCommit);
        this.madeSinceCommit = [];
        this.current = copy(this.committed);
        return true;
      case "beginNested":
        this.savepoints.push({ rows: copy(current), made: [], revivable: new Map(this.revivable), sp: await this.session.beginNested() });
        return true;
      case "endNested":
        return this.endNested(step.commit);
      case "expireAll":
        // Expiring discards changes not flushed (as SQLAlchemy's expire_all does): flushed first,
        // so that the model need not know which were.
        await this.session.flush();
        this.session.expireAll();
        return true;
    }
  }

  private holds(p: string, c: string): boolean {
    return this.current.parents.has(p) && this.current.children.has(c);
  }

  private create(label: string): boolean {
    const parent = label.startsWith("P");
    const obj = parent ? new Parent() : new Child();
    if (parent) this.parents.set(label, obj as Parent);
    else this.children.set(label, obj as Child);
    this.session.add(obj);
    (parent ? this.current.parents : this.current.children).add(label);
    this.madeSinceCommit.push(label);
    this.savepoints.at(-1)?.made.push(label);
    return true;
  }

  private async link({ p, c, way, extra }: Extract<Step, { kind: "link" }>): Promise<void> {
    const parent = this.parents.get(p)!;
    const child = this.children.get(c)!;
    if (way === 2) Object.assign(new Association(), { parent, child, extraData: extra });
    else {
      await (way === 0 ? this.session.load(parent, "children") : this.session.load(child, "parents"));
      const removed = this.revivable.get(linkKey(p, c));
      if (way === 0) parent.children.push(child);
      else child.parents.push(parent);
      this.current.links.set(linkKey(p, c), removed?.flushes === this.flushes ? removed.extra : null);
      return;
    }
    this.current.links.set(linkKey(p, c), extra);
  }

  private async unlink({ p, c, way }: Extract<Step, { kind: "unlink" }>): Promise<void> {
    const parent = this.parents.get(p)!;
    const child = this.children.get(c)!;
    const association = way === 2 ? await this.associationOf(p, c) : undefined;
    // Deleting one not inserted yet is refused (not in the session) or leaves it in its ends'
    // lists (UnsavedReferenceError at the commit): both say so, and lose nothing.
    const key = linkKey(p, c);
    if (association && inspect(association).status === "persistent") this.session.delete(association);
    else if (way === 1) {
      const list = await lazy(child).parents;
      assert.ok(list.includes(parent), `${c}.parents shows ${p}`);
      list.splice(list.indexOf(parent), 1);
    } else {
      const list = await lazy(parent).children;
      assert.ok(list.includes(child), `${p}.children shows ${c}`);
      list.splice(list.indexOf(child), 1);
    }
    if (way !== 2 || inspect(association!).status !== "persistent") this.revivable.set(key, { extra: this.current.links.get(key)!, flushes: this.flushes });
    this.current.links.delete(key);
  }

  /** The session's count of flushes (internal): the model follows the revival rule above by it. */
  private get flushes(): number {
    return (this.session as unknown as { flushes: number }).flushes;
  }

  private async associationOf(p: string, c: string): Promise<Association> {
    const child = this.children.get(c)!;
    // A deleted one stays in the list until the commit, beside the new one of a link added again.
    for (const association of await lazy(this.parents.get(p)!).childAssociations) {
      if (!stateOf(association)!.gone && (await lazy(association).child) === child) return association;
    }
    assert.fail(`${p}.childAssociations has none for ${c}, which the model links`);
  }

  /** Deletes a parent or child: its links go with it (their rows deleted by the flush). */
  private delete(label: string): boolean {
    const { current } = this;
    if (!current.parents.has(label) && !current.children.has(label)) return false;
    this.session.delete((this.parents.get(label) ?? this.children.get(label))!);
    current.parents.delete(label);
    current.children.delete(label);
    for (const key of current.links.keys()) if (key.split("|").includes(label)) current.links.delete(key);
    return true;
  }

  /** Re-points an association object's parent end: the link moves, with its extra data. */
  private async move({ p, c, to }: Extract<Step, { kind: "move" }>): Promise<void> {
    const association = await this.associationOf(p, c);
    association.parent = this.parents.get(to)!;
    const extra = this.current.links.get(linkKey(p, c))!;
    this.current.links.delete(linkKey(p, c));
    this.current.links.set(linkKey(to, c), extra);
  }

  /** Assigns a parent's view a new list: the links kept keep their extra data, those added are new. */
  private async assign({ p, children }: Extract<Step, { kind: "assign" }>): Promise<void> {
    const parent = this.parents.get(p)!;
    await this.session.load(parent, "children");
    const { links } = this.current;
    const was = new Map([...links].filter(([key]) => key.startsWith(`${p}|`)));
    parent.children = children.map((c) => this.children.get(c)!);
    for (const [key, extra] of was) if (!children.some((c) => linkKey(p, c) === key)) {
      this.revivable.set(key, { extra, flushes: this.flushes });
      links.delete(key);
    }
    for (const c of children) {
      const key = linkKey(p, c);
      if (was.has(key)) continue;
      const removed = this.revivable.get(key);
      links.set(key, removed?.flushes === this.flushes ? removed.extra : null);
    }
  }

  /** Commits, closes the session and opens another, which reads every object again. */
  private async reopen(): Promise<void> {
    await this.commit();
    await this.session.close();
    this.session = this.ctx.session();
    this.revivable.clear();
    for (const [label, parent] of this.parents) this.parents.set(label, (await this.session.get(Parent, parent.id))!);
    for (const [label, child] of this.children) this.children.set(label, (await this.session.get(Child, child.id))!);
  }

  private async commit(): Promise<void> {
    await this.session.commit();
    this.committed = copy(this.current);
    this.madeSinceCommit = [];
    // Deleted ends are gone for good: their keys may be given to new rows (SQLite reuses them).
    this.forget([...this.parents.keys(), ...this.children.keys()].filter((l) => !this.current.parents.has(l) && !this.current.children.has(l)));
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
      this.revivable = top.revivable;
    }
    return true;
  }

  /** Forgets objects a rollback made transient again. */
  private forget(labels: readonly string[]): void {
    for (const label of labels) {
      this.parents.delete(label);
      this.children.delete(label);
    }
  }

  /** The label of each id, from the objects the program holds (persistent ones have their key). */
  private labels(): { parents: Map<number, string>; children: Map<number, string> } {
    const byId = <T extends { id: number }>(objects: Map<string, T>) => new Map([...objects].map(([label, o]) => [o.id, label] as const));
    return { parents: byId(this.parents), children: byId(this.children) };
  }

  /** The database's rows, read outside the session, are the model's committed rows. */
  private async check(): Promise<void> {
    const { parents, children } = this.labels();
    const name = (ids: Map<number, string>, id: number, what: string) => ids.get(Number(id)) ?? `unknown ${what} ${id}`;
    const read = async <R>(text: string) => (await this.ctx.engine.execute(sql<R>`${sql.raw(text)}`)).rows;
    const links = await read<{ left_id: number; right_id: number; extra_data: string | null }>("SELECT left_id, right_id, extra_data FROM association_table");
    const actual: Rows = {
      parents: new Set((await read<{ id: number }>("SELECT id FROM left_table")).map((r) => name(parents, r.id, "parent"))),
      children: new Set((await read<{ id: number }>("SELECT id FROM right_table")).map((r) => name(children, r.id, "child"))),
      links: new Map(links.map((r) => [linkKey(name(parents, r.left_id, "parent"), name(children, r.right_id, "child")), r.extra_data] as const)),
    };
    const [got, want] = [sorted(actual), sorted(this.committed)];
    assert.deepEqual(got, want, `the database holds ${JSON.stringify(got)}, the model ${JSON.stringify(want)}`);
  }

  /** Ends the program: its savepoints released, its transaction committed, its rows checked and loaded back. */
  async finish(): Promise<void> {
    while (this.savepoints.length) await this.endNested(true);
    await this.commit();
    const { parents, children } = this.labels();
    const fresh = this.ctx.session();
    const loaded = await fresh.scalars(select(Parent).options(selectinLoad(Parent, "children"), selectinLoad(Parent, "childAssociations")));
    const seen = new Map<string, string | null>();
    for (const parent of loaded) {
      const p = parents.get(parent.id)!;
      const viaList = parent.children.map((c) => linkKey(p, children.get(c.id)!)).sort();
      const viaObjects = parent.childAssociations.map((a) => linkKey(p, children.get(a.rightId)!)).sort();
      assert.deepEqual(viaList, viaObjects, `${p}: its children and its association objects agree`);
      for (const a of parent.childAssociations) seen.set(linkKey(p, children.get(a.rightId)!), a.extraData);
    }
    assert.deepEqual([...seen].sort(), [...this.committed.links].sort(), "a fresh session loads the committed links");
    await fresh.close();
  }
}

/** The next step of a random program, chosen from what its model holds now. */
function randomStep(random: () => number, program: Program, next: () => number): Step {
  const pick = <T>(items: readonly T[]) => (items.length ? items[Math.floor(random() * items.length)] : undefined);
  const way = () => Math.floor(random() * 3) as Way;
  const r = random();
  const { parents, children, links } = program.current;
  const p = pick([...parents]);
  const c = pick([...children]);
  if (r < 0.1 || !p) return { kind: "new", label: `P${next()}` };
  if (r < 0.2 || !c) return { kind: "new", label: `C${next()}` };
  const linked = links.has(linkKey(p, c));
  if (r < 0.45) return linked ? { kind: "unlink", p, c, way: way() } : { kind: "link", p, c, way: way(), extra: `x${next()}` };
  if (r < 0.55 && linked) return { kind: "extra", p, c, value: `e${next()}` };
  if (r < 0.58) return { kind: "delete", label: pick([...parents, ...children])! };
  if (r < 0.61) return linked ? { kind: "move", p, c, to: pick([...parents])! } : { kind: "link", p, c, way: way(), extra: `x${next()}` };
  if (r < 0.64) return { kind: "assign", p, children: [...children].filter(() => random() < 0.5) };
  if (r < 0.66) return { kind: "reopen" };
  if (r < 0.68) return { kind: "flush" };
  if (r < 0.76) return program.savepoints.length ? { kind: "endNested", commit: random() < 0.5 } : { kind: "commit" };
  if (r < 0.8) return { kind: "rollback" };
  if (r < 0.86) return { kind: "beginNested" };
  if (r < 0.93) return { kind: "endNested", commit: random() < 0.5 };
  return { kind: "expireAll" };
}

forEachDatabaseWithSchema(
  "random programs over the seed's double path",
  Base.metadata,
  (ctx) =>
    randomProgramTests({
      steps: 60,
      reset: () => deleteAllRows(ctx.engine, Base.metadata),
      program: () => new Program(ctx),
      randomStep,
      describe: describeStep,
    }),
  { createOnce: true },
);
