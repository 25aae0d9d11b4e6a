/**
 * Runs an ORM query: the statement (with joined loads added), the rows read into tuples with
 * entities hydrated through the identity map, then select-in loading level by level, as the
 * query's loader options and the relationships' defaults say.
 */
import type { Select } from "../../core/statements/select.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { peekState, stateOf } from "../state/instance-state.js";
import { markRaiseLoad } from "../state/raise-load.js";
import { layoutReaders } from "./hydrate.js";
import { DELETED_ROW } from "./deleted-rows.js";
import { outerJoinedItems } from "./outer-joined.js";
import { joinedTarget, rereadableItems } from "./gone-rows.js";
import { rejoinOf } from "./stream-rejoins.js";
import { collectJoined, withJoinedLoads, type JoinedLoad } from "./joined.js";
import { isContainsEager, withContainsEager } from "./contains-eager.js";
import { isPopulateExisting, PopulateRun } from "./populate.js";
import { lockedItems, lockingOwnRows } from "./locked-rows.js";
import { Select as SelectStatement } from "../../core/statements/select.js";
import { ArgumentError } from "../../core/errors.js";
import { isLoaderOption } from "./options.js";
import { markRaisingItems, planColumns } from "./column-options.js";
import { loadRelationship, type LoadContext } from "./relationship-loader.js";
import { joinedBelow, loadPlan, strategyOf, type JoinRequest, type LoadNode, type LoadPlan } from "./load-plan.js";
import type { LoadStrategy } from "../mapping/relationship-spec.js";
import { StreamingLoadError } from "../errors.js";
import { isSubmapper } from "../mapping/inheritance.js";
import type { FromNode } from "../../core/ast/nodes.js";
import { applyCriteria, resolve, withQueryCriteria, type Resolved } from "./criteria.js";

type AnyClass = abstract new (...args: any[]) => object;

export interface QueryContext extends LoadContext {
  mapperOf(cls: AnyClass): Mapper;
  /** Runs a select, each array row mapped as it is read: the results, in row order. */
  mappedRows<T>(statement: Select<unknown>, mapRow: (row: unknown[]) => T): Promise<T[]>;
  /** Loads a relationship for objects now (select-in). */
  load(rel: RelationshipProperty, objects: readonly object[]): Promise<void>;
}

/** Rows as tuples, one value per select item; entities come back as objects (one per key). */
export async function runQuery(context: QueryContext, statement: Select<unknown>): Promise<unknown[][]> {
  return (await run(context, statement, false)) as unknown[][];
}

/** The first value of each row: for `select(Model)`, the objects, without building tuples. */
export async function runScalars(context: QueryContext, statement: Select<unknown>): Promise<unknown[]> {
  if (statement.layout.length !== 1) return (await runQuery(context, statement)).map((row) => row[0]);
  return (await run(context, statement, true)) as unknown[];
}

async function run(context: QueryContext, statement: Select<unknown>, single: boolean): Promise<unknown[]> {
  const plan = planQuery(context, statement, single);
  if (plan.needsRows) return plan.process(await context.rows(plan.query));
  // Each row read into its result as the driver reads it: the rows die young (see ExecuteOptions.mapRow).
  const reading = plan.start();
  return plan.finish(reading, await context.mappedRows(plan.query, reading.read), undefined);
}

/** A query ready to run: the statement to send, and how its rows become results (objects loaded eagerly). */
interface QueryPlan {
  readonly query: Select<unknown>;
  /** Collections loaded by a JOIN: their parents' rows repeat. */
  readonly joinedCollections: readonly RelationshipProperty[];
  /** Whether the results need the rows once read (JOINed loads): if not, each row can be read as it comes. */
  readonly needsRows: boolean;
  /** A run's reader: a row to its result (an object, or a tuple). */
  start(): Reading;
  /** The results of a run, with their eager loads done (`rows`: when `needsRows`). */
  finish(reading: Reading, results: unknown[], rows: readonly unknown[][] | undefined): Promise<unknown[]>;
  /** `start`, each row read, `finish`. */
  process(rows: readonly unknown[][]): Promise<unknown[]>;
}

interface Reading {
  readonly ctx: QueryContext;
  readonly read: (row: unknown[]) => unknown;
}

function planQuery(outer: QueryContext, given: Select<unknown>, single: boolean): QueryPlan {
  // Loader criteria given to the query join the session's, and its objects keep them (criteria.ts).
  const context = withQueryCriteria(outer, given);
  // Column options (defer, undefer, loadOnly) change the entities' columns first.
  const columnPlanning = planColumns(given, (cls) => context.mapperOf(cls));
  const statement = columnPlanning?.statement ?? given;
  const options = statement.statementOptions.filter(isLoaderOption);
  const plan = loadPlan(options, (cls) => context.mapperOf(cls));
  const first = statement.layout[0];
  const firstMapper = first?.kind === "entity" ? context.mapperOf(first.entity) : undefined;
  const parentKeys = (columnPlanning?.plans[0] ?? firstMapper?.defaultLoad)?.keys ?? [];
  const eager = filtered(context, containsEagerLoads(context, statement, firstMapper, parentKeys));
  const joinRequests = firstMapper ? withoutEager(joinedRequests(firstMapper, plan), eager.loads) : [];
  const joinedRels = [...joinRequests.filter((r) => r.under === undefined).map((r) => r.rel), ...eager.loads.map((l) => l.rel)];
  // Values beside the entity may be computed over the rows (a window function): a joined collection must not repeat them.
  // (A query that locks its rows cannot be nested; its rows are at least taken once each, below.)
  const nested = !given.node.forUpdate && joinRequests.some((r) => r.rel.collection) && statement.layout.some((item) => item.kind === "value");
  const joinedQuery = withJoinedLoads(eager.statement, joinRequests, nested);
  // The JOINs of joined loads: their targets' criteria in their ON (the query's own FROM has them already).
  if (eager.criteria) joinedQuery.statement = applyCriteria(joinedQuery.statement, eager.criteria.resolved, eager.criteria.seen).statement;
  const joinedLoads = joinedQuery.loads;
  // A joined load neither adds to what the query locks nor is recorded as locked (locked-rows.ts).
  const query = lockingOwnRows(joinedQuery.statement, eager.statement.node);
  const locks = lockedItems(query.node, statement.layout);
  // The joined loads' `under` index their own list: the contains-eager loads go after them.
  const loads = [...joinedLoads, ...eager.loads];
  // Once a stream's transaction wrote beside the cursor, it joins its joined loads again (stream-rejoins.ts) and looks the
  // targets of its containsEager loads up, as its query's own JOIN has them (gone-rows.ts).
  if (context.deletedRows && joinedLoads.length && first?.kind === "entity") context.deletedRows.rejoin(rejoinOf(firstMapper!, first.start, parentKeys, joinRequests, joinedLoads, eager.criteria?.resolved));
  if (context.deletedRows) for (const load of eager.loads) context.deletedRows.track(joinedTarget(context, query.node, load));
  // A stream reads an outer-joined entity whose row the session deleted as null, and may read an entity's columns again (deleted-rows.ts).
  const streamed = context.deletedRows ? { outerJoined: outerJoinedItems(statement.node, statement.layout), reread: rereadableItems(statement.node, statement.layout, (cls) => context.mapperOf(cls)) } : undefined;
  const readersOf = (ctx: QueryContext) => layoutReaders(statement.layout, ctx.mapperOf, ctx, columnPlanning?.plans, streamed);
  /** `ctx`'s readers, those of the items whose rows the query locks reading with a locking run. */
  const populatingReaders = (ctx: QueryContext, run: PopulateRun) => {
    const readers = readersOf(ctx);
    if (locks === undefined) return readers;
    const locking = readersOf({ ...ctx, populate: run.locked() });
    return readers.map((reader, i) => (locks[i] ? locking[i]! : reader));
  };
  // A locking read (FOR UPDATE) populates too: the objects it names must show the rows it locked,
  // not values read before, which the flush would then write over another transaction's commit.
  const populate = statement.node.forUpdate || statement.statementOptions.some(isPopulateExisting);
  const plainReaders = populate ? [] : readersOf(context);
  const start = (): Reading => {
    // populateExisting(): each run overwrites the objects it names, each once.
    const run = populate ? new PopulateRun() : undefined;
    const ctx = run ? { ...context, populate: run } : context;
    const readers = run ? populatingReaders(ctx, run) : plainReaders;
    const read = single ? readers[0]! : (row: readonly unknown[]) => readers.map((reader) => reader(row));
    return { ctx, read };
  };
  const finish = async ({ ctx }: Reading, read: unknown[], rows: readonly unknown[][] | undefined): Promise<unknown[]> => {
    let results = read;
    const firstOf = (r: unknown) => (single ? r : (r as unknown[])[0]);
    if (firstMapper && loads.length) {
      const members = collectJoined(ctx, loads, rows as unknown[][], results.map((r) => firstOf(r) as object | null));
      // A joined collection repeats its parent on every child's row: keep each result once.
      if (loads.some((l) => l.rel.collection)) results = single ? uniqueObjects(results) : uniqueTuples(results as unknown[][], members);
    }
    if (columnPlanning) markRaisingItems(columnPlanning, results, single);
    // Select-in loading, level by level, for each entity column of the result.
    for (const [index, item] of statement.layout.entries()) {
      if (item.kind !== "entity" || (options.length === 0 && !hasEagerDefault(context.mapperOf(item.entity)))) continue;
      const objects = uniqueObjects(single ? results : (results as unknown[][]).map((t) => t[index]));
      const mapper = context.mapperOf(item.entity);
      await applyLoaders(ctx, mapper, objects, plan.roots.get(mapper), plan.wildcard, index === 0 ? joinedRels : [], plan.roots);
    }
    return results;
  };
  const process = (rows: readonly unknown[][]): Promise<unknown[]> => {
    const reading = start();
    const results = new Array<unknown>(rows.length);
    // Indexed: the first large reads run before V8 optimizes this.
    for (let i = 0; i < rows.length; i++) results[i] = reading.read(rows[i] as unknown[]);
    if (context.deletedRows?.takeSkipped()) return finish(reading, ...withoutDeleted(results, rows, single));
    return finish(reading, results, rows);
  };
  const joinedCollections = loads.filter((l) => l.rel.collection).map((l) => l.rel);
  return { query, start, finish, process, needsRows: firstMapper !== undefined && loads.length > 0, joinedCollections };
}

/** The statement with the columns of its `containsEager` options added, and their loads. */
function containsEagerLoads(context: QueryContext, statement: Select<unknown>, first: Mapper | undefined, parentKeys: readonly string[]): { statement: Select<unknown>; loads: JoinedLoad[] } {
  const options = statement.statementOptions.filter(isContainsEager);
  if (options.length === 0) return { statement, loads: [] };
  const stray = options.find((o) => context.mapperOf(o.entity) !== first);
  if (stray || !first) throw new ArgumentError(`containsEager(${stray?.entity.name}, "${stray?.key}") names a relationship of the model selected first, ${first?.name ?? "(none)"}.`);
  const item = statement.layout[0];
  const start = item?.kind === "entity" ? item.start : 0;
  const { node, loads } = withContainsEager(statement.node, options, first, { start, keys: parentKeys }, context.caseInsensitiveText === true);
  return { statement: new SelectStatement(node, statement.layout, statement.statementOptions), loads };
}

/** The query with its criteria applied to its own FROM and JOINs (their callbacks run once for it), and the occurrences it saw. */
function filtered(context: QueryContext, eager: { statement: Select<unknown>; loads: JoinedLoad[] }): { statement: Select<unknown>; loads: JoinedLoad[]; criteria?: { resolved: Resolved[]; seen: ReadonlySet<FromNode> } } {
  if (!context.criteria?.length) return eager;
  const resolved = resolve(context.criteria);
  const { statement, seen } = applyCriteria(eager.statement, resolved);
  return { statement, loads: eager.loads, criteria: { resolved, seen } };
}

function withoutEager(requests: JoinRequest[], eager: readonly JoinedLoad[]): JoinRequest[] {
  if (eager.length === 0) return requests;
  const kept: JoinRequest[] = [];
  // A request dropped takes the requests nested under it along; the others' `under` are renumbered.
  const index = new Map<number, number>();
  requests.forEach((r, i) => {
    if (r.under === undefined ? eager.some((l) => l.rel === r.rel) : !index.has(r.under)) return;
    index.set(i, kept.length);
    kept.push({ rel: r.rel, under: r.under === undefined ? undefined : index.get(r.under) });
  });
  return kept;
}

/** What streaming needs beyond a query: the rows of a statement, a batch at a time. */
export interface StreamContext extends QueryContext {
  streamRows(statement: Select<unknown>, yieldPer: number | undefined): AsyncIterable<unknown[][]>;
}

/**
 * The results of a query a batch at a time, each batch's eager loads (select-in) run for it
 * alone. A joined-loaded collection is refused: its parent's rows can straddle two batches.
 */
export async function* streamQuery(
  context: StreamContext,
  statement: Select<unknown>,
  single: boolean,
  yieldPer: number | undefined,
): AsyncGenerator<unknown[], void, undefined> {
  const plan = planQuery(context, statement, single && statement.layout.length === 1);
  const joined = plan.joinedCollections[0];
  if (joined) {
    throw new StreamingLoadError(
      `Cannot stream with the joined loading of the collection ${joined}: a parent's rows can fall in two batches. ` +
        `Load it with selectinLoad(${joined}) instead (one query per batch).`,
    );
  }
  const firstOnly = single && statement.layout.length !== 1;
  for await (const rows of context.streamRows(plan.query, yieldPer)) {
    // Deleted by the session while the loop ran (a flush between batches): not made objects again.
    await context.deletedRows?.refresh(rows);
    const results = await plan.process(rows);
    yield firstOnly ? results.map((row) => (row as unknown[])[0]) : results;
  }
}

/** The results, and their rows, but those a reader skipped as deleted (deleted-rows.ts). */
function withoutDeleted(results: unknown[], rows: readonly unknown[][], single: boolean): [unknown[], unknown[][]] {
  const kept: unknown[] = [];
  const keptRows: unknown[][] = [];
  results.forEach((result, i) => {
    if (single ? result === DELETED_ROW : (result as unknown[]).includes(DELETED_ROW)) return;
    kept.push(result);
    keptRows.push(rows[i]!);
  });
  return [kept, keptRows];
}

const eagerDefaults = new WeakMap<Mapper, boolean>();

/** Whether a mapper has a relationship loaded eagerly by default (so a plain query loads something more). */
export function hasEagerDefault(mapper: Mapper): boolean {
  // Asked on every lookup by key; a mapping's relationships do not change once made.
  let eager = eagerDefaults.get(mapper);
  if (eager === undefined) {
    // A class of a single-table hierarchy may load objects of its subclasses, with their relationships.
    eager = [mapper, ...subclassesOf(mapper)].some((m) => [...m.relationships.values()].some((rel) => rel.spec.options.lazy === "selectin" || rel.spec.options.lazy === "joined"));
    eagerDefaults.set(mapper, eager);
  }
  return eager;
}

/**
 * Loads the relationships of `objects` that load eagerly at this level (select-in, with the
 * level below that is joined as JOINs inside its query), marks those that raise, then the next
 * levels on the targets loaded.
 */
async function applyLoaders(
  context: QueryContext,
  mapper: Mapper,
  objects: object[],
  level: LoadNode | undefined,
  wildcard: LoadStrategy | undefined,
  alreadyJoined: readonly RelationshipProperty[],
  /** The query's options per entity, at its first level: `selectinLoad(Manager, "projects")` on `select(Employee)`. */
  roots?: ReadonlyMap<Mapper, LoadNode>,
): Promise<void> {
  if (objects.length === 0) return;
  await loadAlong(context, mapper.relationships.values(), objects, level, wildcard, alreadyJoined);
  // Single-table inheritance: the objects of a subclass load the relationships it declares too,
  // as the options given for this level, or for the subclass itself, say.
  if (mapper.inheritance === undefined) return;
  for (const sub of subclassesOf(mapper)) {
    const own = [...sub.relationships.values()].filter((rel) => rel.parent === sub);
    const theirs = own.length === 0 ? [] : objects.filter((obj) => isSubmapper(stateOf(obj)!.mapper, sub));
    if (theirs.length !== 0) await loadAlong(context, own, theirs, roots?.get(sub) ?? level, wildcard, alreadyJoined);
  }
}

/**
 * The relationships the entity selected first loads by a JOIN, and after them those its subclasses
 * declare that an option for the subclass joins (`select(Employee).options(joinedLoad(Manager,
 * "reports"))`): the query reads the subclasses' rows (and, under joined-table inheritance, outer
 * joins their tables), so their relationships join to it as the entity's do. Only the objects of
 * the subclass take them (collectJoined).
 */
function joinedRequests(mapper: Mapper, plan: LoadPlan): JoinRequest[] {
  const requests = joinedBelow(mapper, plan.roots.get(mapper), plan.wildcard);
  for (const sub of subclassesOf(mapper)) {
    const level = plan.roots.get(sub);
    if (level === undefined) continue;
    const offset = requests.length;
    for (const { rel, under } of joinedBelow(sub, level, plan.wildcard, false, (r) => r.parent === sub)) {
      requests.push({ rel, under: under === undefined ? undefined : under + offset });
    }
  }
  return requests;
}

/** The mappers of a single-table hierarchy below `mapper`, each object of which is also one of `mapper`'s. */
function subclassesOf(mapper: Mapper): Mapper[] {
  const inheritance = mapper.inheritance;
  return inheritance === undefined ? [] : inheritance.hierarchy.members.filter((m) => m !== mapper && isSubmapper(m, mapper));
}

/** `applyLoaders` for the relationships `rels` of `objects`. */
async function loadAlong(
  context: QueryContext,
  rels: Iterable<RelationshipProperty>,
  objects: object[],
  level: LoadNode | undefined,
  wildcard: LoadStrategy | undefined,
  alreadyJoined: readonly RelationshipProperty[],
): Promise<void> {
  for (const rel of rels) {
    const { strategy, next } = strategyOf(rel, level, wildcard);
    // raiseLoad() in the query: its objects refuse to load the relationship when it is read.
    if (strategy === "raise") for (const obj of objects) markRaiseLoad(stateOf(obj)!, rel.key);
    if (strategy !== "selectin" && strategy !== "joined") continue;
    if (!alreadyJoined.includes(rel)) {
      const inner = next ? joinedBelow(rel.resolved.target, next, undefined, true) : [];
      // A populating query loads with its own context, so that the targets are overwritten too.
      if (inner.length || context.populate) await loadRelationship(context, rel, objects, inner);
      else await context.load(rel, objects);
    }
    // Deeper levels: on the targets just loaded (those a JOIN loaded already are not queried again).
    const inherited = level?.wildcard ?? wildcard;
    if (!next?.children.size && next?.wildcard === undefined && inherited === undefined) continue;
    const targets = uniqueObjects(
      objects.flatMap((o) => {
        const value = stateOf(o)?.dict[rel.key];
        return Array.isArray(value) ? value : value ? [value] : [];
      }),
    );
    await applyLoaders(context, rel.resolved.target, targets, next, inherited, []);
  }
}

/**
 * The tuples without the repeats the JOINs of `members` (each load's target per row) made, and
 * only those: a row the query itself returns twice comes twice with each member, so it is kept as
 * many times as the most repeated (row, members) pair. Objects of the session compare by identity,
 * other values (a Date, bytes, JSON) by value.
 */
function uniqueTuples(tuples: unknown[][], members: readonly (object | null)[][]): unknown[][] {
  const ids = new Map<unknown, number>();
  const idOf = (v: unknown): string => {
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v !== "object" || v === null || (peekState(v) === undefined && !(v instanceof Date) && !(v instanceof Uint8Array))) {
      return JSON.stringify(v) ?? "undefined";
    }
    if (v instanceof Date) return `d${v.getTime()}`;
    if (v instanceof Uint8Array) return `x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}`;
    let id = ids.get(v);
    if (id === undefined) ids.set(v, (id = ids.size));
    return `#${id}`;
  };
  const keys = tuples.map((t) => t.map(idOf).join("|"));
  const times = new Map<string, number>();
  const pairs = new Map<string, number>();
  keys.forEach((key, i) => {
    const pair = `${key}/${members.map((targets) => idOf(targets[i] ?? null)).join("|")}`;
    const n = (pairs.get(pair) ?? 0) + 1;
    pairs.set(pair, n);
    if (n > (times.get(key) ?? 0)) times.set(key, n);
  });
  const kept = new Map<string, number>();
  return tuples.filter((_, i) => {
    const n = kept.get(keys[i]!) ?? 0;
    if (n === times.get(keys[i]!)) return false;
    kept.set(keys[i]!, n + 1);
    return true;
  });
}

function uniqueObjects(values: readonly unknown[]): object[] {
  return [...new Set(values.filter((v): v is object => typeof v === "object" && v !== null))];
}

