/**
 * Rows of a stream's batch that its transaction changed since the cursor opened by a statement of
 * its own rather than a flush (a bulk `deleteFrom` or `update`, SQL text, a database cascade or
 * trigger): PostgreSQL's cursor reads as of when it opened and still has them as they were. Their
 * keys are not known to the session, so the batch's keys are looked up, one query per entity (per
 * chunk of keys): the rows gone are skipped, and the entity's columns are read again, so that no
 * object is made of values the transaction has since overwritten (its next flush would write them
 * back); a class of joined-table inheritance from its tables joined as its queries join them. So
 * is a containsEager load's target (one gone, or no longer named by its parent, then reads as
 * none); joined loads are joined again (stream-rejoins.ts). An entity whose columns are not plain
 * columns of its own tables (a subquery's, an expression) is only looked up by key.
 */
import type { AliasNode, ColumnNode, LabelNode, SelectNode, TableNode } from "../../core/ast/nodes.js";
import type { TableSchema } from "../../core/ast/table-schema.js";
import { Expression } from "../../core/expression/expression.js";
import { select } from "../../core/statements/select.js";
import type { EntityClass, SelectLayout } from "../../core/statements/selectable.js";
import { collectSources } from "../../core/statements/sources.js";
import type { Connection } from "../../engine/connection.js";
import { identityKey } from "../identity/identity-map.js";
import type { ObjectsByKey } from "../identity/objects-by-key.js";
import type { Mapper } from "../mapping/mapper.js";
import type { HydrationContext } from "./hydrate.js";
import type { JoinedLoad } from "./joined.js";
import { keyConditions } from "../unit-of-work/row-statements.js";
import { isJoined, tablesOf } from "../mapping/joined-tables.js";

/** @internal An entity's columns in a query's rows, all plain columns of its own tables: they can be read again by key. */
export interface Rereadable {
  /** The columns, read from the tables (an alias's read from its table). */
  readonly columns: readonly Expression<unknown>[];
  /** Whether they span the tables of a class of joined-table inheritance: read from them joined. */
  readonly joined: boolean;
}

/** @internal An entity a stream reads: its identity-map part, where its key is in a row, and its columns. */
export interface StreamedEntity {
  readonly part: ObjectsByKey;
  readonly mapper: Mapper;
  readonly indexes: readonly number[];
  readonly start: number;
  readonly reread: Rereadable | undefined;
  /** A containsEager load's target: a row gone reads as none (its `count` columns null), as the outer join would read it now. */
  readonly nullWhenGone?: boolean;
  readonly count?: number;
  /** A containsEager load's: whether the row's parent and target, read again, still pair (contains-eager-keys.ts). */
  readonly pairs?: (row: readonly unknown[]) => boolean;
}

/** @internal For each item of `layout`: its columns, when they can be read again from its mapper's tables. */
export function rereadableItems(node: SelectNode, layout: SelectLayout, mapperOf: (entity: EntityClass) => Mapper): (Rereadable | undefined)[] {
  return layout.map((item) => (item.kind === "entity" ? rereadable(node.columns.slice(item.start, item.start + item.count), mapperOf(item.entity)) : undefined));
}

/** @internal A containsEager load's target as a stream reads it (joined.ts): its columns follow the query's own, in its default load's order. */
export function joinedTarget(context: HydrationContext, node: SelectNode, load: JoinedLoad): StreamedEntity {
  const mapper = load.rel.resolved.target;
  const keys = mapper.defaultLoad.keys;
  const indexes = mapper.primaryKey.map((column) => load.start + keys.indexOf(mapper.attributeFor(column)!));
  const reread = rereadable(node.columns.slice(load.start, load.start + keys.length), mapper);
  return { part: context.identity.forMapper(mapper), mapper, indexes, start: load.start, reread, nullWhenGone: true, count: keys.length, pairs: load.check?.matches };
}

/**
 * The columns of `labels`, when they are plain columns of `mapper`'s tables: of its one table (or
 * of one alias of it, read from the table), or of the tables of its joined-table hierarchy.
 */
function rereadable(labels: readonly LabelNode[], mapper: Mapper): Rereadable | undefined {
  if (!labels.every((label) => label.expr.kind === "column")) return undefined;
  const sources = collectSources(labels.map((label) => label.expr));
  const own: readonly TableSchema[] = isJoined(mapper) ? mapper.inheritance!.hierarchy.tables : tablesOf(mapper);
  // Aliases of several tables (an aliased class of joined-table inheritance) are not told apart here.
  if (sources.length > 1 && sources.some((source) => source.kind !== "table")) return undefined;
  if (!sources.every((source) => own.includes(tableOf(source)?.table as TableSchema))) return undefined;
  const columns = labels.map(({ expr, type }) => {
    const column = expr as ColumnNode;
    return new Expression({ ...column, source: tableOf(column.source)! }, type);
  });
  return { columns, joined: sources.length > 1 };
}

/** The table a column is read from: its source, or the table its alias names. */
function tableOf(source: TableNode | AliasNode): TableNode | undefined {
  return source.kind === "table" ? source : source.of.kind === "table" ? source.of : undefined;
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
  // Once every entity is read again: a target its parent no longer names would not be paired by the query's JOIN now. It reads
  // as none, its relationship left to load when asked (joined.ts); the JOIN, the application's, cannot be run again here.
  for (const entity of entities) {
    if (entity.pairs === undefined) continue;
    for (const row of rows) {
      if (entity.indexes.some((i) => row[i] === null || row[i] === undefined) || entity.pairs(row)) continue;
      for (let j = entity.start; j < entity.start + entity.count!; j++) row[j] = null;
    }
  }
  return gone;
}

/** By key, the entity's columns as its tables hold them now (empty arrays where they cannot be read again). */
async function currentRows(conn: Connection, entity: StreamedEntity, keys: readonly unknown[][]): Promise<Map<unknown, unknown[]>> {
  const { mapper, reread } = entity;
  const found = new Map<unknown, unknown[]>();
  for (const condition of keyConditions(conn, mapper.primaryKey, keys)) {
    // The key alone, from its table; or the columns, from the class's tables joined as its queries join them.
    const query = reread === undefined ? select(...mapper.primaryKey) : reread.joined ? select(...reread.columns).from(mapper.class_) : select(...reread.columns);
    const result = await conn.execute(query.where(condition), { rowShape: "arrays" });
    for (const row of result.rows as unknown as unknown[][]) {
      const key = identityKey(reread !== undefined ? entity.indexes.map((i) => row[i - entity.start]) : row);
      found.set(key, reread !== undefined ? row : []);
    }
  }
  return found;
}
