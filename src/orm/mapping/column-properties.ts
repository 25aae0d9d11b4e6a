/**
 * Column properties (`@columnProperty`, declarative/column-property.ts): a read-only attribute
 * whose value is a SQL expression over the row's columns (or a correlated scalar subquery),
 * selected with the object, SQLAlchemy's `column_property`. To the loading code it is one more
 * column key of the mapper's plans (selected, hydrated, expired, deferred like a column); only
 * where a column is read from a source does it become its expression, built on that source's
 * columns (the table, an alias, a joined load's alias), so that a subquery correlates to it.
 */
import { ArgumentError } from "../../core/errors.js";
import type { ExprNode } from "../../core/ast/nodes.js";
import { Labeled, type Expression } from "../../core/expression/expression.js";
import type { Column } from "../../core/schema/column.js";
import type { FromSource } from "../../core/schema/table.js";
import type { AttributeSlot } from "../state/attributes.js";
import type { Mapper } from "./mapper.js";
import type { Report } from "./configure.js";

/** A column property's SQL: built from the model's columns as a query reads them. */
export type PropertyExpression = (columns: FromSource["c"]) => Expression<unknown>;

/** What `@columnProperty` declares for one attribute. */
export interface ColumnProperty {
  readonly expression: PropertyExpression;
  /** Left out of a plain query until `undefer(Model, key)`, `session.load` or `lazy(obj).key`. */
  readonly deferred: boolean;
  /** With `deferred`: `lazy(obj).key` refuses to load it too. */
  readonly raiseLoad: boolean;
}

const declared = new WeakMap<AttributeSlot, ColumnProperty>();

/** @internal Where `columnProperty(...)` keeps its declaration, for `mapImperatively`'s `properties`. */
export const COLUMN_PROPERTY: unique symbol = Symbol("athanor.columnProperty");

/**
 * What `columnProperty(expression, options)` returns: the decorator of an accessor, which
 * `registry.mapImperatively(cls, table, { properties: { key: columnProperty(...) } })` takes too.
 */
export interface ColumnPropertyDeclaration<This, V> {
  (target: ClassAccessorDecoratorTarget<This, V>, context: ClassAccessorDecoratorContext<This, V>): ClassAccessorDecoratorResult<This, V>;
  /** @internal */
  readonly [COLUMN_PROPERTY]: ColumnProperty;
}

/** @internal Records that the accessor of `slot` is a column property (read by the mapper). */
export function declareColumnProperty(slot: AttributeSlot, property: ColumnProperty): void {
  declared.set(slot, property);
}

/** @internal The column property an accessor declares, if it is one. */
export function columnPropertyOf(slot: AttributeSlot): ColumnProperty | undefined {
  return declared.get(slot);
}

/** The column properties of a mapper: its own slots', or (a subclass) its superclass's. */
export function mapperProperties(slots: ReadonlyMap<string, AttributeSlot>, inherited: Mapper | undefined): ReadonlyMap<string, ColumnProperty> {
  if (inherited !== undefined) return inherited.columnProperties;
  const own = [...slots].flatMap(([key, slot]) => {
    const property = declared.get(slot);
    return property === undefined ? [] : [[key, property] as const];
  });
  return own.length ? new Map(own) : NONE;
}

/**
 * Only the base of a hierarchy may declare column properties: a query of the base reads the
 * subclasses' rows with the base's columns, and a subclass's own property would be missing from
 * them. Checked before the subclass changes its hierarchy's table or mappers.
 */
export function refuseSubclassProperties(name: string, parent: Mapper, slots: readonly AttributeSlot[]): void {
  const own = slots.find((slot) => declared.has(slot));
  if (own === undefined) return;
  const root = parent.inheritance?.hierarchy.root.name ?? parent.name;
  throw new ArgumentError(
    `@columnProperty on ${name}.${own.key}: a subclass cannot declare column properties (a query of ${root} loads ${name}'s rows with ${root}'s columns). ` +
      `Declare it on ${root}, the base of the hierarchy, or make it a @hybrid getter of ${name}.`,
  );
}

const NONE: ReadonlyMap<string, ColumnProperty> = new Map();

/** The property's key must not be a column's: refused when the mapper maps its columns. */
export function checkPropertyKeys(mapper: Mapper, columns: ReadonlyMap<string, Column>): void {
  for (const key of mapper.columnProperties.keys()) {
    if (!columns.has(key)) continue;
    throw new ArgumentError(`@columnProperty on ${mapper.name}.${key}: ${key} is also a mapped column (${columns.get(key)!.toString()}); give the property another name.`);
  }
}

/**
 * The property `key` of `mapper` built on `columns` (the model's columns under their attribute
 * keys, as a source reads them), labelled with its key.
 */
export function propertyLabel(mapper: Mapper, key: string, columns: FromSource["c"]): Labeled<unknown, string> {
  let sql: Expression<unknown>;
  try {
    sql = mapper.columnProperties.get(key)!.expression(columns);
  } catch (error) {
    throw new ArgumentError(`@columnProperty on ${mapper.name}.${key}: its SQL expression failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return new Labeled(key, sql.node, sql.type);
}

/** The mapper's columns under their keys, each read by `read` (from an alias, a join's source...). */
export function columnsReadBy(mapper: Mapper, read: (column: Column) => ExprNode): FromSource["c"] {
  const columns: Record<string, Labeled<unknown, string>> = {};
  for (const [key, column] of mapper.columns) columns[key] = new Labeled(key, read(column), column.type);
  return columns as FromSource["c"];
}

/**
 * The label of a column attribute or a property, read by `read`; `columns` is made (once per
 * caller) only when a property needs it.
 */
export function loadedLabel(mapper: Mapper, key: string, read: (column: Column) => ExprNode, columns: () => FromSource["c"]): { expr: ExprNode; type: Column["type"] | undefined } {
  const column = mapper.columns.get(key);
  if (column !== undefined) return { expr: read(column), type: column.type };
  const label = propertyLabel(mapper, key, columns());
  return { expr: label.node, type: label.type };
}

/**
 * At configure: every property's expression built once on its table's columns, so that a wrong
 * one (a misspelled column, a subquery on a table that is none) fails there, naming the class and
 * the attribute, rather than in the first query.
 */
export function checkColumnProperties(mapper: Mapper, guard: (columns: FromSource["c"]) => FromSource["c"], report: Report): void {
  if (mapper.columnProperties.size === 0 || mapper.inheritance?.parent !== undefined) return;
  const columns = guard(columnsReadBy(mapper, (column) => column.node));
  for (const [key, property] of mapper.columnProperties) {
    try {
      const sql = property.expression(columns) as unknown;
      if (!(sql instanceof Object && "node" in sql)) throw new ArgumentError(`it returned ${String(sql)}, not a SQL expression`);
    } catch (error) {
      report(
        mapper,
        key,
        `@columnProperty's SQL expression failed: ${error instanceof Error ? error.message : String(error)}`,
        `Build it from the columns given to the callback (c.first.concat(" ").concat(c.last)), or a scalarSubquery(select(...).where(... c.id)) for a value of other rows.`,
      );
    }
  }
}
