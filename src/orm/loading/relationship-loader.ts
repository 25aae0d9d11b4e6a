/**
 * Loads one relationship for many parents with one statement (per chunk of keys): the engine of
 * select-in loading, of batched lazy loading and of `refresh`. Many-to-one targets already in the
 * identity map are not queried again.
 */
import type { Column } from "../../core/schema/column.js";
import type { ExprNode } from "../../core/ast/nodes.js";
import { Expression } from "../../core/expression/expression.js";
import { and, or } from "../../core/expression/operators.js";
import { select, type Select } from "../../core/statements/select.js";
import { Labeled } from "../../core/expression/expression.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { identityKey } from "../session/identity-map.js";
import { InstrumentedList } from "../state/collection.js";
import { ensureState, stateOf } from "../state/instance-state.js";
import { collectionListener } from "../state/relationship-events.js";
import { hydrator, type HydrationContext } from "./hydrate.js";

/** What loading needs from the session: identity map, and a way to run a select as array rows. */
export interface LoadContext extends HydrationContext {
  rows(statement: Select<unknown>): Promise<unknown[][]>;
}

const CHUNK = 1000;

/** Loads `rel` on every parent that does not have it loaded yet. */
export async function loadRelationship(context: LoadContext, rel: RelationshipProperty, parents: readonly object[]): Promise<void> {
  const pending = parents.filter((p) => stateOf(p)?.dict[rel.key] === undefined && stateOf(p)?.key !== undefined);
  if (pending.length === 0) return;
  const { direction } = rel.resolved;
  if (direction === "manyToOne") return loadManyToOne(context, rel, pending);
  for (let i = 0; i < pending.length; i += CHUNK) await loadCollectionChunk(context, rel, pending.slice(i, i + CHUNK));
}

/** The values of `columns` (of `mapper`'s table) on an object, by attribute. */
function valuesOf(obj: object, mapper: Mapper, columns: readonly Column[]): unknown[] {
  const dict = ensureState(obj, mapper).dict;
  return columns.map((c) => dict[mapper.attributeFor(c)!]);
}

/** `col IN (...)`, or for composite keys `(a = ? AND b = ?) OR ...`. */
function keyFilter(columns: readonly Expression<unknown>[], keys: readonly unknown[][]): Expression<boolean> {
  if (columns.length === 1) return columns[0]!.in(keys.map((k) => k[0]) as never[]);
  return or(...keys.map((k) => and(...columns.map((c, i) => c.eq(k[i] as never)))));
}

async function loadManyToOne(context: LoadContext, rel: RelationshipProperty, parents: readonly object[]): Promise<void> {
  const { target, pairs } = rel.resolved;
  const localColumns = pairs.map(([local]) => local);
  const targetColumns = pairs.map(([, remote]) => remote);
  const targetIsKey = targetColumns.every((c, i) => target.primaryKey[i] === c) && targetColumns.length === target.primaryKey.length;
  const objects = context.identity.forMapper(target);
  const wanted = new Map<unknown, unknown[]>();
  for (const parent of parents) {
    const values = valuesOf(parent, rel.parent, localColumns);
    if (values.some((v) => v === null || v === undefined)) continue;
    const key = identityKey(values);
    if (!(targetIsKey && objects.has(key))) wanted.set(key, values);
  }
  const byKey = new Map<unknown, object>();
  if (wanted.size) {
    const statement = select(target.class_).where(keyFilter(targetColumns, [...wanted.values()]));
    const hydrate = hydrator(target, 0, context);
    for (const row of await context.rows(statement)) {
      const obj = hydrate(row);
      if (obj) byKey.set(identityKey(valuesOf(obj, target, targetColumns)), obj);
    }
  }
  for (const parent of parents) {
    const values = valuesOf(parent, rel.parent, localColumns);
    const key = values.some((v) => v === null || v === undefined) ? undefined : identityKey(values);
    const value = key === undefined ? null : ((targetIsKey ? objects.get(key) : undefined) ?? byKey.get(key) ?? null);
    ensureState(parent, rel.parent).dict[rel.key] = value;
  }
}

async function loadCollectionChunk(context: LoadContext, rel: RelationshipProperty, parents: readonly object[]): Promise<void> {
  const { target, pairs, secondary, secondaryPairs, direction } = rel.resolved;
  const parentColumns = pairs.map(([local]) => local);
  // The columns holding each row's parent key: the target's FK, or the association table's.
  const linkColumns = pairs.map(([, link]) => link);
  const linkExpressions = linkColumns.map((c) => new Labeled<unknown, string>(`link_${c.name}`, c.node, c.type));
  const keys = parents.map((p) => valuesOf(p, rel.parent, parentColumns));
  let statement: Select<unknown> = select(target.class_, ...linkExpressions).where(keyFilter(linkExpressions, keys));
  if (direction === "manyToMany") {
    const on = secondaryPairs.map(([targetKey, fk]) => new Expression<boolean>(eq(targetKey.node, fk.node), undefined));
    statement = select(target.class_, ...linkExpressions)
      .from(secondary!)
      .join(entityFromSource(target), and(...on))
      .where(keyFilter(linkExpressions, keys));
  }
  const hydrate = hydrator(target, 0, context);
  const width = target.columns.size;
  const groups = new Map<unknown, object[]>();
  for (const row of await context.rows(statement)) {
    const obj = hydrate(row);
    if (!obj) continue;
    const key = identityKey(linkColumns.map((_, i) => row[width + i]));
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    if (!group.includes(obj)) group.push(obj);
  }
  parents.forEach((parent, i) => {
    const items = groups.get(identityKey(keys[i]!)) ?? [];
    if (rel.collection) {
      ensureState(parent, rel.parent).dict[rel.key] = InstrumentedList.adopt(items, collectionListener(parent, rel), true);
    } else {
      ensureState(parent, rel.parent).dict[rel.key] = items[0] ?? null; // one-to-one, key on the target
    }
  });
}

function eq(left: ExprNode, right: ExprNode): ExprNode {
  return { kind: "binary", op: "=", left, right };
}

function entityFromSource(mapper: Mapper) {
  return mapper.table;
}
