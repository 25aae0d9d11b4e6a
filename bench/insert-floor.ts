/**
 * The W1 floors of `npm run bench` (`bench/insert-floor.ts [--db sqlite,pg,mysql] [--runs R]
 * [--mode warm,cold]`): what bounds inserting an object graph through a unit of work, measured
 * beside the raw driver and athanor, all four back to back in each round.
 *
 *   raw      the raw driver's W1 (bench/sides/raw-*.ts): rows laid out from index pairs, no objects;
 *   floors   the application's 32,000 objects as plain classes whose fields hold the values, with
 *            their back-references kept as athanor keeps them (an association set on its parent
 *            and child is in both sides' lists of association objects and of the many-to-many
 *            view), then the least a unit of work does with them: the state of each object, the
 *            save-update cascade from the parents, the objects grouped by class, the raw driver's
 *            own statements with the rows read off the objects, the generated keys written back,
 *            an identity-map slot per object and the commit's expiry. Two designs of the state:
 *            *linked*, a state object per object linked both ways through a private field
 *            (athanor's `StateSlot`); *inline*, the state's fields declared by the models' base
 *            class, in the object itself;
 *   athanor  `session.addAll(parents)` and `commit()` (bench/sides/athanor.ts).
 *
 * Neither floor has what athanor does beyond that (a dict of values beside the object,
 * attribute events, change tracking, savepoints): athanor / linked floor is what its own code
 * costs, and inline / linked what a redesign of the state could win at best.
 */
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CHILDREN, DATABASES, LINKS, MODES, PARENTS, TARGETS, urlOf, WARM_UPS, type DatabaseName, type Mode } from "./harness/config.js";
import { prepareDatabase, SeedTables } from "./harness/data.js";
import { median, progress, timed } from "./harness/measure.js";
import { extraData, links, type Handle } from "./harness/side.js";
import { sidesFor } from "./harness/sides.js";
import { StateSlot } from "./harness/state-slot.js";

/** What the session keeps of each object it holds, wherever it keeps it; the values stay in the object. */
interface Entry {
  readonly obj: object;
  key: number | undefined;
  expired: ReadonlySet<string> | undefined;
}

/** The plain classes of the application's objects, on top of `Base` (where a design keeps the state). */
function floorModels<B extends object>(Base: new () => B) {
  class Parent extends (Base as new () => object) {
    id: number | undefined = undefined;
    readonly children: Child[] = [];
    readonly childAssociations: Association[] = [];
  }
  class Child extends (Base as new () => object) {
    id: number | undefined = undefined;
    readonly parents: Parent[] = [];
    readonly parentAssociations: Association[] = [];
  }
  class Association extends (Base as new () => object) {
    parent: Parent | undefined = undefined;
    child: Child | undefined = undefined;
    extraData: string | null = null;

    /** What athanor's accessors do when both ends are set: both sides' lists, and the view. */
    link(parent: Parent, child: Child): void {
      this.parent = parent;
      this.child = child;
      parent.childAssociations.push(this);
      child.parentAssociations.push(this);
      parent.children.push(child);
      child.parents.push(parent);
    }
  }
  return { Parent, Child, Association };
}

/** athanor's design: a state object per object, linked both ways through a private field. */
class LinkedState implements Entry {
  key: number | undefined = undefined;
  expired: ReadonlySet<string> | undefined = undefined;
  constructor(
    readonly obj: object,
    readonly mapper: object,
    readonly session: object,
  ) {}
}

/** The other design: the state's fields declared by the models' base class, in the object itself. */
class InlineState implements Entry {
  session: object | undefined = undefined;
  mapper: object | undefined = undefined;
  key: number | undefined = undefined;
  expired: ReadonlySet<string> | undefined = undefined;
  get obj(): object {
    return this;
  }
}

/** How a design takes an object into a session: its entry, or undefined when the session holds it already. */
type Adopt = (obj: object, mapper: object, session: object) => Entry | undefined;

const DESIGNS = {
  linked: {
    models: floorModels(Object),
    adopt: ((obj, mapper, session) => {
      if (StateSlot.read<LinkedState>(obj)) return undefined;
      const state = new LinkedState(obj, mapper, session);
      new StateSlot(obj, state);
      return state;
    }) as Adopt,
  },
  inline: {
    models: floorModels(InlineState),
    adopt: ((obj, mapper, session) => {
      const state = obj as InlineState;
      if (state.session !== undefined) return undefined;
      state.session = session;
      state.mapper = mapper;
      return state;
    }) as Adopt,
  },
};
type Design = keyof typeof DESIGNS;
type Models = (typeof DESIGNS)[Design]["models"];
type Parent = InstanceType<Models["Parent"]>;
type Child = InstanceType<Models["Child"]>;
type Association = InstanceType<Models["Association"]>;

const EXPIRED: ReadonlySet<string> = new Set(["extraData"]);

/** The floor's session: pending objects by class, in the order the cascade found them. */
class FloorSession {
  readonly parents: Entry[] = [];
  readonly children: Entry[] = [];
  readonly associations: Entry[] = [];
  readonly identity = { parents: new Map<number, object>(), children: new Map<number, object>(), associations: new Map<number, object>() };

  constructor(
    private readonly models: Models,
    private readonly adopt: Adopt,
  ) {}

  #attach(obj: object, mapper: object, pending: Entry[]): boolean {
    const entry = this.adopt(obj, mapper, this);
    if (entry === undefined) return false;
    pending.push(entry);
    return true;
  }

  /** `session.addAll(parents)` with the save-update cascade along every relationship. */
  addAll(parents: readonly Parent[]): void {
    for (const parent of parents) this.#addParent(parent);
  }

  #addParent(parent: Parent): void {
    if (!this.#attach(parent, this.models.Parent, this.parents)) return;
    for (const association of parent.childAssociations) this.#addAssociation(association);
  }

  #addChild(child: Child): void {
    if (!this.#attach(child, this.models.Child, this.children)) return;
    for (const association of child.parentAssociations) this.#addAssociation(association);
  }

  #addAssociation(association: Association): void {
    if (!this.#attach(association, this.models.Association, this.associations)) return;
    this.#addParent(association.parent!);
    this.#addChild(association.child!);
  }

  /** The flush (parents and children first, for the keys) and the commit's expiry. */
  async commit(raw: Handle): Promise<number> {
    const { parents, children, associations, identity } = this;
    const count = await raw.insertRows!(parents.length, children.length, associations.length, (parentIds, childIds, from, to, values) => {
      if (from === 0) {
        for (let i = 0; i < parents.length; i++) keyed(parents[i]!, parentIds[i]!, identity.parents);
        for (let i = 0; i < children.length; i++) keyed(children[i]!, childIds[i]!, identity.children);
      }
      for (let i = from; i < to; i++) {
        const entry = associations[i]!;
        const association = entry.obj as Association;
        const left = association.parent!.id!;
        const right = association.child!.id!;
        values.push(left, right, association.extraData);
        entry.key = left * 2 ** 26 + right;
        identity.associations.set(entry.key, association);
      }
    });
    for (const list of [parents, children, associations]) for (const entry of list) entry.expired = EXPIRED;
    return count;
  }
}

function keyed(entry: Entry, id: number, identity: Map<number, object>): void {
  (entry.obj as { id: number | undefined }).id = id;
  entry.key = id;
  identity.set(id, entry.obj);
}

/** The floor's W1 in one design: the application's objects as athanor's side builds them, then the least unit of work. */
async function floorInsert(design: Design, raw: Handle): Promise<number> {
  const { models, adopt } = DESIGNS[design];
  const parents = Array.from({ length: PARENTS }, () => new models.Parent());
  const children = Array.from({ length: CHILDREN }, () => new models.Child());
  for (const [p, c] of links()) {
    const association = new models.Association();
    association.extraData = extraData(p, c);
    association.link(parents[p]!, children[c]!);
  }
  const session = new FloorSession(models, adopt);
  session.addAll(parents);
  return session.commit(raw);
}

type Way = "raw" | Design | "athanor";

async function runMode(db: DatabaseName, url: string, mode: Mode, runs: number): Promise<Record<Way, number[]>> {
  const [rawSide, athanorSide] = await sidesFor(db, url, false);
  const seed = SeedTables.open(db, url);
  const times: Record<Way, number[]> = { raw: [], linked: [], inline: [], athanor: [] };
  const kept = mode === "warm" ? { raw: await rawSide!.open(), athanor: await athanorSide!.open() } : undefined;
  try {
    for (let round = 1 - WARM_UPS[mode]; round <= runs; round++) {
      const line: string[] = [];
      for (const way of ["raw", "linked", "inline", "athanor"] as const) {
        const side = way === "athanor" ? "athanor" : "raw";
        const handle = kept?.[side] ?? (await (way === "athanor" ? athanorSide! : rawSide!).open());
        await seed.clear();
        const work = way === "raw" || way === "athanor" ? () => handle.insert() : async () => ({ count: await floorInsert(way, handle) });
        const { ms, count } = await timed(mode, work);
        if (!kept) await handle.close();
        const counts = await seed.counts();
        if (count !== LINKS || counts !== `${PARENTS}/${CHILDREN}/${LINKS}`) throw new Error(`${way} wrote ${count} links (tables: ${counts})`);
        if (round > 0) times[way].push(ms);
        line.push(`${way} ${ms.toFixed(1).padStart(6)}`);
      }
      progress(`  [${db} ${mode}] ${round <= 0 ? "warm-up" : `run ${round}/${runs}`}  ${line.join("  ")} ms`);
    }
  } finally {
    if (kept) for (const handle of Object.values(kept)) await handle.close();
    await seed.close();
  }
  return times;
}

const argv = process.argv.slice(2);
const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const databases = (option("--db")?.split(",") ?? ["sqlite"]) as DatabaseName[];
for (const db of databases) if (!DATABASES.includes(db)) throw new Error(`unknown database '${db}'`);
const modes = (option("--mode")?.split(",") ?? MODES) as Mode[];
for (const mode of modes) if (!MODES.includes(mode)) throw new Error(`unknown mode '${mode}'`);
const runs = Number(option("--runs") ?? 7);
const outDir = join(dirname(fileURLToPath(import.meta.url)), ".out");
const sqliteFile = join(outDir, "insert-floor.db");
mkdirSync(outDir, { recursive: true });
for (const suffix of ["", "-wal", "-shm"]) rmSync(sqliteFile + suffix, { force: true });

const ratio = (a: readonly number[], b: readonly number[]) => median(a.map((t, i) => t / b[i]!));
const range = (a: readonly number[], b: readonly number[]) => {
  const r = a.map((t, i) => t / b[i]!);
  return `${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)}`;
};
const lines = [
  `W1 floors, median of ${runs} rounds of the per-round ratios to the raw driver (min–max). Each floor is the application's objects as`,
  "plain classes with their back-references and the least a unit of work does with them (bench/insert-floor.ts): *linked* keeps a state",
  "object per object as athanor does, *inline* keeps the state's fields in the object itself",
  "",
  `| database | mode | raw ms | linked floor / raw | inline floor / raw | athanor / raw | athanor / linked floor | target ≤ ${TARGETS.insert}× raw |`,
  "|---|---|---:|---:|---:|---:|---:|---|",
];
const cell = (side: readonly number[], raw: readonly number[]) => `${ratio(side, raw).toFixed(2)}× (${range(side, raw)})`;
for (const db of databases) {
  const url = urlOf(db, sqliteFile);
  progress(`[${db}] W1 floors: creating the tables ...`);
  await prepareDatabase(db, url);
  for (const mode of modes) {
    const t = await runMode(db, url, mode, runs);
    const best = Math.min(ratio(t.linked, t.raw), ratio(t.inline, t.raw));
    const verdict = ratio(t.athanor, t.raw) <= TARGETS.insert ? "met" : best > TARGETS.insert ? "missed; so do both floors" : "missed";
    lines.push(
      `| ${db} | ${mode} | ${median(t.raw).toFixed(1)} | ${cell(t.linked, t.raw)} | ${cell(t.inline, t.raw)} | ${cell(t.athanor, t.raw)} | ${ratio(t.athanor, t.linked).toFixed(2)}× | ${verdict} |`,
    );
  }
}
console.log(lines.join("\n"));
