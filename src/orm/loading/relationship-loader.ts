/**
 * Loads one relationship for many parents with one statement (per chunk of keys): the engine of
 * select-in loading, of batched lazy loading and of `refresh`. Many-to-one targets already in the
 * identity map are not queried again.
 */
import { isJoined } from "../mapping/joined-tables.js";
import type { ExprNode } from "../../core/ast/nodes.js";
import type { CompiledQuery } from "../../core/compiler/compiled-query.js";
import type { ExecuteOptions } from "../../engine/driver.js";
import { Expression, Labeled, OrderBy } from "../../core/expression/expression.js";
import { and } from "../../core/expression/operators.js";
import { select, type Select } from "../../core/statements/select.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { identityKeyOf } from "../identity/identity-map.js";
import { stateOf } from "../state/instance-state.js";
import { setLoaded } from "../state/loaded-lists.js";
import { markUnmatched } from "../state/unmatched-references.js";
import { hydrator, type HydrationContext, type Hydrator } from "./hydrate.js";
import { chunks, keyFilter } from "./keys.js";
import { looseIndex, looseKeyOf } from "./loose-keys.js";
import { loadColumns } from "./column-loader.js";
import { collectJoined, withJoinedLoads } from "./joined.js";
import type { JoinRequest } from "./load-plan.js";
import { filters, unionCriteria, withCriteria, type LoaderCriteria } from "./criteria.js";
import { byQueryCriteria } from "./criteria-marks.js";

/** What loading needs from the session: identity map, and a way to run a select as array rows. */
export interface LoadContext extends HydrationContext {
  rows(statement: Select<unknown>): Promise<unknown[][]>;
  /** Runs an already compiled statement, for array rows: the rows themselves where the driver answers at once. */
  compiledRows(compiled: CompiledQuery, options?: ExecuteOptions): unknown[][] | Promise<unknown[][]>;
  /** The database compares text without case (MariaDB/MySQL's collations): keys are matched so too (loose-keys.ts). */
  readonly caseInsensitiveText?: boolean;
  /** Loader criteria every statement obeys (the session's, and a query's own): criteria.ts. */
  readonly criteria?: readonly LoaderCriteria[];
}

type Dict = Record<string, unknown>;

/** The members of a parent no row names: shared, since `newCollection` copies them. */
const NO_MEMBERS: readonly object[] = Object.freeze([]);

/**
 * Loads `rel` on every parent that does not have it loaded yet; `inner`: relationships of its
 * targets loaded by JOINs inside the same query (`selectinLoad(A, "bs").joinedLoad("c")`).
 */
export async function loadRelationship(context: LoadContext, rel: RelationshipProperty, parents: readonly object[], inner: readonly JoinRequest[] = []): Promise<void> {
  const pending = parents.filter((parent) => {
    const state = stateOf(parent);
    return state !== undefined && state.key !== undefined && state.dict[rel.key] === undefined;
  });
  if (pending.length === 0) return;
  // Loaded inside a savepoint: its rollback expires them (identity-map.ts).
  const reads = context.identity.savepointReads;
  if (reads !== undefined) for (const parent of pending) reads.add(stateOf(parent)!);
  await reloadExpiredKeys(context, rel, pending);
  // Parents loaded by a query with loader criteria load their relationships under them too.
  const groups = byQueryCriteria(pending);
  if (groups === undefined) return loadPending(context, rel, pending, inner);
  for (const [mark, group] of groups) {
    await loadPending(mark ? { ...context, criteria: unionCriteria(context.criteria, mark), criteriaMark: mark } : context, rel, group, inner);
  }
}

async function loadPending(context: LoadContext, rel: RelationshipProperty, pending: readonly object[], inner: readonly JoinRequest[]): Promise<void> {
  const { direction } = rel.resolved;
  if (direction === "manyToOne") return loadManyToOne(context, rel, pending, inner);
  for (const chunk of chunks(pending)) await loadCollectionChunk(context, rel, chunk, inner);
}

/**
 * The parents' columns the relationship is read by, where expired (by a commit, a rollback,
 * `expire()`), are read again first: the value from before may name an object the row no longer
 * does (another transaction moved it), and the load returned that object. A row gone raises
 * ObjectDeletedError, as reading the column would.
 */
async function reloadExpiredKeys(context: LoadContext, rel: RelationshipProperty, parents: readonly object[]): Promise<void> {
  for (const attr of rel.localAttributes) {
    const stale = parents.map((parent) => stateOf(parent)!).filter((state) => state.expired?.has(attr) || state.unloaded?.has(attr));
    if (stale.length) await loadColumns((statement) => context.rows(statement), rel.parent, stale, [attr], context.identity.lockedRows);
  }
}

function hasNullIn(dict: Dict, attributes: readonly string[]): boolean {
  return attributes.some((attribute) => dict[attribute] === null || dict[attribute] === undefined);
}

async function loadManyToOne(context: LoadContext, rel: RelationshipProperty, parents: readonly object[], inner: readonly JoinRequest[]): Promise<void> {
  const { target, pairs } = rel.resolved;
  const localAttributes = rel.localAttributes;
  const targetColumns = pairs.map(([, remote]) => remote);
  const targetAttributes = rel.attributePairs.map(([, remote]) => remote);
  // Under loader criteria the identity map does not answer: its object may be one they exclude (SQLAlchemy's too).
  const targetIsKey = targetColumns.length === target.primaryKey.length && targetColumns.every((c, i) => target.primaryKey[i] === c) && !filters(context.criteria, target);
  const objects = context.identity.forMapper(target);
  const dicts = parents.map((parent) => stateOf(parent)!.dict);
  // One parent per target key still to read: targets in the identity map are not queried again.
  const wanted = new Map<unknown, Dict>();
  for (const dict of dicts) {
    if (hasNullIn(dict, localAttributes)) continue;
    const key = identityKeyOf(localAttributes, dict);
    if (!(targetIsKey && objects.has(key)) || context.populate) wanted.set(key, dict);
  }
  const byKey = new Map<unknown, object>();
  const hydrate = hydrator(target, 0, context);
  for (const chunk of chunks([...wanted.values()])) {
    const { statement, loads } = withJoinedLoads(select(target.class_).where(keyFilter(targetColumns, localAttributes, chunk)), inner);
    const rows = await context.rows(withCriteria(statement, context.criteria));
    const objs = rows.map(hydrate);
    for (const obj of objs) if (obj) byKey.set(identityKeyOf(targetAttributes, stateOf(obj)!.dict), obj);
    if (loads.length) collectJoined(context, loads, rows, objs);
  }
  // Keys the database matched without case (MariaDB): the rows' own keys, by their loose ones.
  const loose = context.caseInsensitiveText ? looseIndex([...byKey.values()].map((obj) => [looseKeyOf(targetAttributes, stateOf(obj)!.dict), obj])) : undefined;
  for (let i = 0; i < dicts.length; i++) {
    const dict = dicts[i]!;
    // Loaded (or assigned) while this load's rows were on their way: that value stands (see loadCollectionChunk).
    if (dict[rel.key] !== undefined) continue;
    const key = hasNullIn(dict, localAttributes) ? undefined : identityKeyOf(localAttributes, dict);
    const found = key === undefined ? null : ((targetIsKey ? objects.get(key) : undefined) ?? byKey.get(key));
    dict[rel.key] = found ?? (loose?.get(looseKeyOf(localAttributes, dict)) as object | undefined) ?? null;
    // A key no row answered: the flush must not copy this null over it (unmatched-references.ts).
    if (dict[rel.key] === null && key !== undefined) markUnmatched(stateOf(parents[i]!)!, rel.key);
  }
}

async function loadCollectionChunk(context: LoadContext, rel: RelationshipProperty, parents: readonly object[], inner: readonly JoinRequest[]): Promise<void> {
  const { target } = rel.resolved;
  const parentAttributes = rel.localAttributes;
  const dicts = parents.map((parent) => stateOf(parent)!.dict);
  const { statement, linkColumns } = collectionQuery(rel);
  // Inner joined loads: their columns come after the link columns, their targets' rows repeat.
  const { statement: query, loads } = withJoinedLoads(statement.where(keyFilter(linkColumns, parentAttributes, dicts)), inner);
  const rows = await context.rows(withCriteria(query, context.criteria));
  // The link columns come after the target's own.
  const linkIndexes = linkColumns.map((_, i) => target.defaultLoad.keys.length + i);
  const hydrate = hydrator(target, 0, context);
  const keys = dicts.map((dict) => identityKeyOf(parentAttributes, dict));
  const remap = context.caseInsensitiveText ? looseParentKeys(keys, dicts, parentAttributes, linkIndexes) : undefined;
  const groups = targetsByParentKey(rows, hydrate, linkIndexes, remap);
  if (loads.length) collectJoined(context, loads, rows, rows.map(hydrate));
  for (let i = 0; i < parents.length; i++) {
    // Loaded by another load while this one's rows were on their way, and maybe changed since (a
    // member pushed): replaced, the list lost the change, and the commit its link.
    if (dicts[i]![rel.key] !== undefined) continue;
    setLoaded(parents[i]!, rel, groups.get(keys[i]) ?? NO_MEMBERS);
  }
}

/**
 * A row's parent key where the database matched its link key without case (MariaDB): the key of
 * the parent it matches loosely (loose-keys.ts), for a row whose link key is no parent's exactly.
 */
function looseParentKeys(keys: readonly unknown[], dicts: readonly Dict[], attributes: readonly string[], linkIndexes: readonly number[]): (row: readonly unknown[], key: unknown) => unknown {
  const exact = new Set(keys);
  let index: Map<unknown, unknown> | undefined;
  return (row, key) => {
    if (exact.has(key)) return key;
    index ??= looseIndex(dicts.map((dict, i) => [looseKeyOf(attributes, dict), keys[i]]));
    return index.get(looseKeyOf(linkIndexes, row)) ?? key;
  };
}

/**
 * The SELECT of a collection's targets, followed by the parent key of each row (the target's
 * foreign key, or the association table's), without the filter on parent keys yet.
 */
function collectionQuery(rel: RelationshipProperty): { statement: Select<unknown>; linkColumns: Expression<unknown>[] } {
  const { target, pairs, secondary, secondaryPairs, direction } = rel.resolved;
  const linkColumns = pairs.map(([, link]) => new Labeled<unknown, string>(`link_${link.name}`, link.node, link.type));
  let statement: Select<unknown> = select(target.class_, ...linkColumns);
  if (direction === "manyToMany") {
    const on = secondaryPairs.map(([targetKey, fk]) => new Expression<boolean>(eq(targetKey.node, fk.node), undefined));
    // A class of joined-table inheritance selects from its tables joined: the association table joins them.
    statement = isJoined(target) ? statement.join(secondary!, and(...on)) : statement.from(secondary!).join(target.table, and(...on));
  }
  // The rows are grouped per parent in row order, so one ORDER BY orders every parent's members.
  if (rel.order.length) statement = statement.orderBy(...rel.order.map(({ column, direction, nulls }) => new OrderBy({ expr: column.node, direction, nulls })));
  return { statement, linkColumns };
}

/** Each row's target, grouped by the parent key in the row's link columns: in row order, each once. */
function targetsByParentKey(rows: readonly unknown[][], hydrate: Hydrator, linkIndexes: readonly number[], remap?: (row: readonly unknown[], key: unknown) => unknown): Map<unknown, object[]> {
  const groups = new Map<unknown, object[]>();
  // An indexed loop: it runs once per row, often before V8 has optimized it, and `for...of`
  // costs an iterator call per row until then.
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const obj = hydrate(row);
    if (!obj) continue;
    const exact = identityKeyOf(linkIndexes, row);
    const key = remap === undefined ? exact : remap(row, exact);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [obj]);
    else if (!group.includes(obj)) group.push(obj);
  }
  return groups;
}

function eq(left: ExprNode, right: ExprNode): ExprNode {
  return { kind: "binary", op: "=", left, right };
}
