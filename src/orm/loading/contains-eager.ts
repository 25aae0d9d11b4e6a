/**
 * `containsEager(Book, "author")`: the relationship is filled from the query's own JOIN (SQLAlchemy's
 * `contains_eager`), not by a JOIN or query of the loader's. The target's columns are read from the
 * joined table (or the alias given), so a query that filters or orders on the joined rows loads
 * exactly those: `select(Book).join(Author, ...).where(author.name.eq("Ann")).options(containsEager(Book, "author"))`.
 */
import { writeOnlyLoadError } from "../state/write-only.js";
import { isJoined } from "../mapping/joined-tables.js";
import type { ExprNode, FromNode, LabelNode, SelectNode } from "../../core/ast/nodes.js";
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { ArgumentError } from "../../core/errors.js";
import type { StatementOption } from "../../core/statements/executable.js";
import type { FromSource } from "../../core/schema/table.js";
import type { AliasedModel } from "../aliased.js";
import { aliasSource } from "../mapped.js";
import type { Mapper } from "../mapping/mapper.js";
import { columnsReadBy, loadedLabel } from "../mapping/column-properties.js";
import type { JoinedLoad } from "./joined.js";
import type { RelationshipKeys, TargetOf } from "./options.js";
import { joinedKeyCheck, type JoinedColumns } from "./contains-eager-keys.js";

type AnyClass = abstract new (...args: any[]) => object;

/** A `containsEager` option: which relationship, and from which FROM item its columns come. */
export interface ContainsEagerOption<T = any> extends StatementOption {
  readonly optionKind: "athanor.containsEager";
  readonly entity: AnyClass;
  readonly key: string;
  /** The aliased source the target's columns come from; else the one joined table of the target. */
  readonly from: FromSource | undefined;
  /** Phantom: the target model. */
  readonly __target?: T;
}

/**
 * Fills `entity.key` (a relationship of the model selected first) from the query's own JOIN of
 * its target: no loader query or join of its own. The query must join the target's table (or
 * `options.from`, an alias of it: `alias(table, name)` or `aliased(Model, name)`) itself; an inner
 * join leaves out parents without a target, and a filtered join loads only the targets that pass
 * (the collection then holds those alone).
 *
 * ```ts
 * const p = columnsOf(Post), c = columnsOf(Comment);
 * const posts = await session.scalars(
 *   select(Post).join(Comment, c.postId.eq(p.id)).where(c.body.contains("thanks")).options(containsEager(Post, "comments")),
 * ); // each post's comments: those that say thanks
 * ```
 */
export function containsEager<T extends object, K extends RelationshipKeys<T>>(
  entity: abstract new (...args: any[]) => T,
  key: K,
  options: { readonly from?: FromSource | AliasedModel<object> } = {},
): ContainsEagerOption<TargetOf<T, K>> {
  const given = options.from;
  const from = typeof given === "function" ? aliasSource(given) : given;
  if (typeof given === "function" && !from) {
    throw new ArgumentError(`containsEager(${entity.name}, "${String(key)}"): { from } takes an alias (aliased(Model, name) or alias(table, name)), not the class ${given.name}.`);
  }
  return Object.freeze({ optionKind: "athanor.containsEager" as const, entity, key, from });
}

export function isContainsEager(o: StatementOption): o is ContainsEagerOption {
  return o.optionKind === "athanor.containsEager";
}

/**
 * Adds the targets' columns of each option to the select list; the loads read them like joined
 * ones, each row checked against the relationship's keys (`parent`: where the entity's columns
 * are; `loose`: the database compares text without case).
 */
export function withContainsEager(
  node: SelectNode,
  options: readonly ContainsEagerOption[],
  mapper: Mapper,
  parent: JoinedColumns,
  loose: boolean,
): { node: SelectNode; loads: JoinedLoad[] } {
  const columns: LabelNode[] = [...node.columns];
  const loads: JoinedLoad[] = [];
  for (const option of options) {
    const rel = mapper.relationships.get(option.key);
    if (!rel) throw new ArgumentError(`containsEager(${option.entity.name}, "${option.key}"): ${mapper.name} has no relationship '${option.key}'.`);
    if (rel.writeOnly) throw writeOnlyLoadError(rel, `containsEager(${option.entity.name}, "${option.key}")`);
    const target = rel.resolved.target;
    const read = isJoined(target) ? joinedColumns(node.from, option, target) : tableColumns(sourceFor(node.from, option, target));
    const text = `containsEager(${option.entity.name}, "${option.key}")`;
    loads.push({ rel, start: columns.length, partial: true, check: joinedKeyCheck(text, rel, parent, { start: columns.length, keys: target.defaultLoad.keys }, loose) });
    const readColumn = (column: Column) => read(target.attributeFor(column)!, column);
    let sourceColumns: FromSource["c"] | undefined; // for column properties, built on the query's source
    for (const key of target.defaultLoad.keys) {
      const { expr, type } = loadedLabel(target, key, readColumn, () => (sourceColumns ??= columnsReadBy(target, readColumn)));
      columns.push({ kind: "label", name: `ce_${option.key}_${key}`, type, expr });
    }
  }
  return { node: { ...node, columns }, loads };
}

type ColumnReader = (key: string, column: Column) => ExprNode;

function tableColumns(source: FromNode & { kind: "table" | "alias" }): ColumnReader {
  return (_key, column) => ({ kind: "column", name: column.name, source });
}

/**
 * A class of joined-table inheritance: each column from its own table as the query joined it
 * (`join(Manager)`), or from the alias of that table (`{ from: aliased(Manager, "boss") }`).
 */
function joinedColumns(from: readonly FromNode[], option: ContainsEagerOption, target: Mapper): ColumnReader {
  if (option.from !== undefined) {
    sourceFor(from, option, target);
    const c = option.from.c as Record<string, { readonly node: ExprNode } | undefined>;
    return (key) => c[key]!.node;
  }
  const sources = new Map(target.inheritance!.hierarchy.tables.map((table) => [table, sourceFor(from, option, target, table)] as const));
  return (_key, column) => ({ kind: "column", name: column.name, source: sources.get(column.table)! });
}

function sourceFor(from: readonly FromNode[], option: ContainsEagerOption, target: Mapper, table: Table = target.table): FromNode & { kind: "table" | "alias" } {
  const sources: (FromNode & { kind: "table" | "alias" })[] = [];
  const walk = (item: FromNode): void => {
    if (item.kind === "join") {
      walk(item.left);
      walk(item.right);
    } else sources.push(item);
  };
  from.forEach(walk);
  const wanted = option.from?.fromNode;
  const found = wanted
    ? sources.filter((s) => s.kind === "alias" && wanted.kind === "alias" && s.name === wanted.name)
    : sources.filter((s) => s.kind === "table" && s.name === table.name);
  const what = `containsEager(${option.entity.name}, "${option.key}")`;
  if (found.length === 0) {
    throw new ArgumentError(`${what}: the query does not join ${wanted ? "the alias given" : table.name}; join it yourself (.join(${target.name}, ...)) or use joinedLoad().`);
  }
  // The entity selected first is in the FROM list too: a self-referential relationship needs an alias.
  const joined = wanted ? found : found.filter((s) => s !== sources[0]);
  if (joined.length !== 1) throw new ArgumentError(`${what}: ${table.name} appears more than once in the query; join an alias and pass it as { from: alias }.`);
  return joined[0]!;
}
