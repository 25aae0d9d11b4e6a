/**
 * Mapped classes in statements: `select(Parent)`, `columnsOf(Parent).id`, and `inspect(obj)`.
 * The ORM registers an entity resolver with the Core, so the Core stays ignorant of the ORM.
 */
import type { Labeled } from "../core/expression/expression.js";
import { Labeled as LabeledExpression } from "../core/expression/expression.js";
import { registerEntityResolver } from "../core/statements/selectable.js";
import { coverRows, spanRows, type RowPart } from "../core/statements/covered-rows.js";
import type { FromSource, Table } from "../core/schema/table.js";
import type { Column } from "../core/schema/column.js";
import type { AliasNode, ExprNode, FromNode, TableNode } from "../core/ast/nodes.js";
import { UnmappedClassError } from "./errors.js";
import { guardedColumns } from "./column-guard.js";
import { hybridKeys, withHybrids } from "./mapping/hybrids.js";
import { propertyLabel } from "./mapping/column-properties.js";
import { aliasSource, mapperOfClass } from "./mapped.js";
import type { Mapper } from "./mapping/mapper.js";
import { stateOf, type ObjectStatus } from "./state/instance-state.js";
import { criterionAt, isSubmapper } from "./mapping/inheritance.js";
import { baseTable, joinedFromOf, joinedWriteRefusal } from "./mapping/joined-tables.js";
import { aliasedFrom, modelAliases, type ModelAliases } from "./mapping/joined-aliases.js";
import { storedValue } from "./state/mutable-values.js";
import { changedColumns } from "./state/changed-columns.js";
import type { BACK } from "./typing/checks.js";

type AnyClass = abstract new (...args: any[]) => object;

/** The attributes of T that are columns: not relationships (typed `Rel<...>`), not methods. */
export type ColumnKeys<T> = {
  [K in keyof T & string]: T[K] extends Function ? never : typeof BACK extends keyof NonNullable<T[K]> ? never : K;
}[keyof T & string];

/** Typed column expressions of a model: `columnsOf(Parent).id.eq(1)`. */
export type ModelColumns<T> = { readonly [K in ColumnKeys<T>]: Labeled<T[K], K> };

const sources = new WeakMap<Mapper, FromSource>();
/** The class of each part of a hierarchy's rows that its sources cover (`rowPart`). */
const partMappers = new WeakMap<RowPart, Mapper>();

/** The mapper's columns under their attribute keys: what `select(Model)` selects. */
export function entitySource(mapper: Mapper): FromSource {
  let source = sources.get(mapper);
  if (!source) sources.set(mapper, (source = modelSource(mapper)));
  return source;
}

/** The mapper's columns under their attribute keys, from its tables or from aliases of them (`aliased`, named `aliasName`). */
export function modelSource(mapper: Mapper, aliasName?: string): FromSource {
  // Joined-table inheritance: each table of the hierarchy under an alias of its own (joined-aliases.ts).
  const aliases = aliasName === undefined ? undefined : modelAliases(mapper, aliasName);
  const alias = aliases?.root;
  const criterion = criterionAt(mapper, alias ?? baseTable(mapper).fromNode);
  const part = criterion === undefined ? undefined : rowPart(mapper, alias ?? baseTable(mapper).fromNode, criterion);
  // Joined-table inheritance: the hierarchy's tables joined (joined-tables.ts), or their aliases.
  const joinedFrom = aliases === undefined ? joinedFromOf(mapper) : aliasedFrom(mapper, aliases);
  const read = joinedFrom === undefined ? oneTable(mapper, alias, part) : spanningTables(mapper, aliases, part, joinedFrom);
  const all = [...mapper.columns].map(([key, column]) => new LabeledExpression<unknown, string>(key, read(column), column.type));
  const tableColumns = Object.fromEntries(all.map((c) => [c.key, c])) as FromSource["c"];
  // Column properties, built on these columns (a subquery correlates to them): after the columns, as the plans have them.
  const properties = mapper.propertyKeys.map((key) => propertyLabel(mapper, key, guardedColumns(mapper, tableColumns)));
  all.push(...properties);
  const columns = properties.length ? (Object.fromEntries(all.map((c) => [c.key, c])) as FromSource["c"]) : tableColumns;
  const c = withHybrids(mapper.class_, mapper.name, columns, guardedColumns(mapper, columns));
  const computed = computedKeys(hybridKeys(mapper.class_), mapper.propertyKeys);
  const identity = mapper.inheritance?.identity;
  const notWritable = joinedWriteRefusal(mapper);
  return {
    fromNode: alias ?? mapper.table.fromNode,
    // What `select(Model)` selects: deferred columns left out. `c` has them all, for conditions.
    columnList: all.filter((c) => !mapper.deferred.has(c.key)),
    c,
    underlyingTable: mapper.table,
    ...(criterion === undefined ? {} : { criterion }),
    ...(identity === undefined ? {} : { impliedValues: { [mapper.inheritance!.hierarchy.discriminator]: identity } }),
    ...(joinedFrom === undefined ? {} : { joinedFrom }),
    ...(notWritable === undefined ? {} : { notWritable }),
    ...(computed === undefined ? {} : { computed }),
  };
}

/** The keys of `c` that are expressions, never written: hybrids and column properties. */
function computedKeys(hybrids: ReadonlySet<string> | undefined, properties: readonly string[]): ReadonlySet<string> | undefined {
  return properties.length === 0 ? hybrids : new Set([...(hybrids ?? []), ...properties]);
}

/**
 * A column of a model of one table, as its source reads it: from the table, or (a subclass of
 * single-table inheritance) from a reference of its own covering its rows of the table only
 * (inheritance.ts): a SELECT of its columns reads its rows only. Or from the alias given.
 */
function oneTable(mapper: Mapper, alias: AliasNode | undefined, part: RowPart | undefined): (column: Column) => ExprNode {
  const covering = part === undefined ? alias : (alias ?? { ...mapper.table.fromNode });
  if (covering !== undefined && part !== undefined) coverRows(covering, part);
  return (column) => (covering ? { kind: "column", name: column.name, source: covering } : column.node);
}

/**
 * Joined-table inheritance: each table (or its alias) through a reference of the class's own,
 * read through `unit`, the class's tables joined (a SELECT of columns of two of them is not a cross
 * join, and of a subclass's columns alone reads its rows only); every reference of a subclass
 * covers its rows (its criterion), so that `select(Employee, m.budget)` reads the managers as
 * `select(Employee, m.name)` does, and as single-table inheritance does. The root class reads its
 * own table as it is.
 */
function spanningTables(mapper: Mapper, aliases: ModelAliases | undefined, part: RowPart | undefined, unit: FromNode): (column: Column) => ExprNode {
  const root = baseTable(mapper);
  const references = new Map<Table, TableNode | AliasNode>();
  for (const table of mapper.inheritance!.hierarchy.tables) {
    const plain = table === root && part === undefined;
    const reference = aliases?.aliasOf({ table }) ?? (plain ? undefined : { ...table.fromNode });
    if (reference === undefined) continue;
    if (!plain) spanRows(reference, unit);
    if (part !== undefined) coverRows(reference, part);
    references.set(table, reference);
  }
  return (column) => {
    const source = references.get(column.table);
    return source === undefined ? column.node : { kind: "column", name: column.name, source };
  };
}

/**
 * The rows of a subclass (`criterion`, on `of`: its base's table or an alias of it) as the Core's
 * covering references know them: a SELECT of columns of two classes of one hierarchy reads the
 * lower one's rows, or is refused when neither class is the other's subclass.
 */
function rowPart(mapper: Mapper, of: TableNode | AliasNode, criterion: ExprNode): RowPart {
  const includes = (other: RowPart): boolean => {
    const lower = partMappers.get(other);
    return lower !== undefined && isSubmapper(lower, mapper);
  };
  const part: RowPart = { name: mapper.name, of, criterion, includes };
  partMappers.set(part, mapper);
  return part;
}

registerEntityResolver((item) => {
  const alias = aliasSource(item);
  if (alias) return alias;
  const mapper = mapperOfClass(item);
  if (!mapper) return undefined;
  mapper.registry.configure();
  return entitySource(mapper);
});

/**
 * The columns of a mapped class (or of an alias of one, `aliased`) as typed expressions, for `where`, `orderBy`, joins.
 *
 * ```ts
 * const p = columnsOf(Post), u = columnsOf(User);
 * const rows = await session.execute(select(p.title, u.email).join(User, p.authorId.eq(u.id)).where(u.name.isNotNull()));
 * ```
 */
export function columnsOf<T extends object>(cls: abstract new (...args: any[]) => T): ModelColumns<T> {
  const mapper = mapperOfClass(cls);
  if (!mapper) throw new UnmappedClassError(`Class '${cls.name}' is not mapped.`);
  mapper.registry.configure();
  const source = aliasSource(cls) ?? entitySource(mapper);
  return guardedColumns(mapper, source.c) as unknown as ModelColumns<T>;
}

/** What `inspect(obj)` tells about a mapped object: its state, identity and pending changes. */
export interface InstanceInspection {
  readonly status: ObjectStatus;
  readonly mapper: Mapper;
  /** The primary-key values in key order, once the object has a row (as stored: before a pending key change). */
  readonly identity: readonly unknown[] | undefined;
  /** Column attributes changed since load or flush (in place too, for JSON, dates and bytes read since). */
  readonly modified: readonly string[];
  /** Attributes expired (by commit, rollback or expire()). */
  readonly expired: readonly string[];
  /** Column attributes not loaded: deferred by the mapping, or left out by the query's options. */
  readonly unloaded: readonly string[];
}

/**
 * The ORM's view of an object: its status (transient, pending, persistent, deleted, detached) and more.
 *
 * ```ts
 * const user = create(User, { email: "ada@example.com" });
 * inspect(user).status; // "transient"
 * session.add(user);
 * inspect(user).status; // "pending"
 * ```
 */
export function inspect(obj: object): InstanceInspection {
  const mapper = mapperOfClass(obj.constructor as AnyClass);
  if (!mapper) throw new UnmappedClassError(`${obj.constructor.name} is not a mapped class.`);
  const state = stateOf(obj);
  const modified = state === undefined ? [] : changedColumns(state);
  return {
    status: state?.status ?? "transient",
    mapper,
    identity: state?.key === undefined ? undefined : mapper.keyAttributes.map((attr) => storedValue(state, attr)),
    modified,
    expired: [...(state?.expired ?? [])],
    unloaded: [...(state?.unloaded ?? [])],
  };
}
