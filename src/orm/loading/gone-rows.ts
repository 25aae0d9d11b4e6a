/**
 * Rows of a stream's batch that its transaction changed since the cursor opened by a statement of
 * its own rather than a flush (a bulk `deleteFrom` or `update`, SQL text, a database cascade or
 * trigger): PostgreSQL's cursor reads as of when it opened and still has them as they were. Their
 * keys are not known to the session, so the batch's keys are looked up, one query per entity (per
 * chunk of keys): the rows gone are skipped, and the entity's columns are read again, so that no
 * object is made of values the transaction has since overwritten (its next flush would write them
 * back); a joined load's target too (one gone then reads as none). An entity whose columns come
 * from more than one table (joined-table inheritance, a subquery) is only looked up by key.
 */
import type { ColumnNode, LabelNode, SelectNode, TableNode } from "../../core/ast/nodes.js";
import type { Executable } from "../../core/statements/executable.js";
import type { SelectLayout } from "../../core/statements/selectable.js";
import { collectSources, sameSource } from "../../core/statements/sources.js";
import type { Connection } from "../../engine/connection.js";
import { identityKey } from "../identity/identity-map.js";
import type { ObjectsByKey } from "../identity/objects-by-key.js";
import type { Mapper } from "../mapping/mapper.js";
import type { HydrationContext } from "./hydrate.js";
import type { JoinedLoad } from "./joined.js";
import { keyConditions } from "../unit-of-work/row-statements.js";

/** @internal An entity's columns in a query's rows, all of its own table: they can be read again by key. */
export interface Rereadable {
  readonly labels: readonly LabelNode[];
  readonly from: TableNode;
}

/** @internal An entity a stream reads: its identity-map part, where its key is in a row, and its columns. */
export interface StreamedEntity {
  readonly part: ObjectsByKey;
  readonly mapper: Mapper;
  readonly indexes: readonly number[];
  readonly start: number;
  readonly reread: Rereadable | undefined;
  /** A joined load's target: a row gone reads as none (its `count` columns null), as the outer join would read it now. */
  readonly nullWhenGone?: boolean;
  readonly count?: number;
}

/** @internal For each item of `layout`: its columns, when they are all of one table (its mapper's). */
export function rereadableItems(node: SelectNode, layout: SelectLayout): (Rereadable | undefined)[] {
  return layout.map((item) => (item.kind === "entity" ? rereadable(node.columns.slice(item.start, item.start + item.count)) : undefined));
}

/** @internal A joined load's target as a stream reads it (joined.ts): its columns follow the query's own, in its default load's order. */
export function joinedTarget(context: HydrationContext, node: SelectNode, load: JoinedLoad): StreamedEntity {
  const mapper = load.rel.resolved.target;
  const keys = mapper.defaultLoad.keys;
  const indexes = mapper.primaryKey.map((column) => load.start + keys.indexOf(mapper.attributeFor(column)!));
  const reread = rereadable(node.columns.slice(load.start, load.start + keys.length));
  return { part: context.identity.forMapper(mapper), mapper, indexes, start: load.start, reread, nullWhenGone: true, count: keys.length };
}

/** The columns of `labels`, when they are plain columns of one table (or of one alias of it, read from the table). */
function rereadable(labels: readonly LabelNode[]): Rereadable | undefined {
  const sources = collectSources(labels.map((label) => label.expr));
  const source = sources[0];
  if (sources.length !== 1 || !labels.every((label) => label.expr.kind === "column")) return undefined;
  if (source!.kind === "table") return { labels, from: source! };
  if (source!.of.kind !== "table") return undefined;
  const from = source!.of;
  return { labels: labels.map((label) => ({ ...label, expr: { ...(label.expr as ColumnNode), source: from } })), from };
}

/**
 * @internal Per part, the keys of `rows` whose rows the database no longer has (undefined when none is gone);
 * the entities' columns of the others read again into `rows`.
 */
export async function checkRows(conn: Connection, entities: readonly StreamedEntity[], rows: readonly unknown[][]): Promise<Map<ObjectsByKey, Set<unknown>> | undefined> {
  let gone: Map<ObjectsByKey, Set<unknown>> | undefined;
  for (const entity of entities) {
    const keys = new Map<unknown, unknown[]>();
    for (const row of rows) {
      const values = entity.indexes.map((i) => row[i]);
      // An outer join's missing side: no row to look for.
      if (!values.some((v) => v === null || v === undefined)) keys.set(identityKey(values), values);
    }
    if (keys.size === 0) continue;
    const found = await currentRows(conn, entity, [...keys.values()]);
    for (const row of rows) {
      const key = identityKey(entity.indexes.map((i) => row[i]));
      if (!keys.has(key)) continue;
      const current = found.get(key);
      if (current === undefined && entity.nullWhenGone === true) {
        for (let j = entity.start; j < entity.start + entity.count!; j++) row[j] = null;
      } else if (current === undefined) {
        gone ??= new Map();
        let set = gone.get(entity.part);
        if (set === undefined) gone.set(entity.part, (set = new Set()));
        set.add(key);
      } else if (current.length !== 0) {
        for (let j = 0; j < current.length; j++) row[entity.start + j] = current[j];
      }
    }
  }
  return gone;
}

/** By key, the entity's columns as its table holds them now (empty arrays where they cannot be read again). */
async function currentRows(conn: Connection, entity: StreamedEntity, keys: readonly unknown[][]): Promise<Map<unknown, unknown[]>> {
  const { mapper, reread } = entity;
  const rereading = reread !== undefined && mapper.primaryKey.every((c) => sameSource((c.node as ColumnNode).source, reread.from));
  const found = new Map<unknown, unknown[]>();
  for (const condition of keyConditions(conn, mapper.primaryKey, keys)) {
    const node: SelectNode = {
      kind: "select",
      columns: rereading ? reread.labels : mapper.primaryKey.map((c, i) => ({ kind: "label", expr: c.node, name: `k${i}`, type: c.type })),
      from: rereading ? [reread.from] : [(mapper.primaryKey[0]!.node as ColumnNode).source],
      where: condition.node,
      groupBy: [],
      having: undefined,
      orderBy: [],
      limit: undefined,
      offset: undefined,
      distinct: false,
      forUpdate: false,
    };
    const result = await conn.execute({ node } as Executable<unknown>, { rowShape: "arrays" });
    for (const row of result.rows as unknown as unknown[][]) {
      const key = identityKey(rereading ? entity.indexes.map((i) => row[i - entity.start]) : row);
      found.set(key, rereading ? row : []);
    }
  }
  return found;
}
