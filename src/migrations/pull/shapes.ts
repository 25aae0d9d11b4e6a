/**
 * What a table is, judged from its keys alone: a plain association table (only the columns of
 * two foreign keys), an association object (two foreign keys whose columns identify a row, plus
 * columns of its own), or an ordinary table. Pure functions of the reflected `TableModel`.
 */
import { indexModelParts } from "../../core/schema/index-parts.js";
import type { ForeignKeyModel, IndexModel, TableModel } from "../../core/schema/schema-model.js";
import { tableKey } from "../../core/schema/schema-model.js";

/** Finds a table by its `tableKey`. */
export type TableLookup = (key: string) => TableModel | undefined;

/**
 * The key of the table a foreign key points at, as `tableKey` writes it: with the schema it
 * names, else the default schema, else its own table's schema (where the database resolved it).
 */
export function referredKey(fk: ForeignKeyModel, from: TableModel, lookup: TableLookup): string {
  const named = tableKey({ schema: fk.referredSchema, name: fk.referredTable });
  if (fk.referredSchema !== undefined || lookup(named) || from.schema === undefined) return named;
  return tableKey({ schema: from.schema, name: fk.referredTable });
}

/** A unique index whose columns are a key of every row: not partial, no expression part (descending ones are). */
const columnKey = (index: IndexModel) => index.unique && index.where === undefined && indexModelParts(index).every((p) => p.column !== undefined);

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
const within = (inner: readonly string[], outer: readonly string[]) => inner.length > 0 && inner.every((x) => outer.includes(x));

/** Whether the table's rows are unique over exactly `columns` (in any order): its key, a unique constraint or a unique index. */
export function uniqueExactly(table: TableModel, columns: readonly string[]): boolean {
  return (
    (table.primaryKey !== undefined && sameSet(table.primaryKey.columns, columns)) ||
    table.uniques.some((u) => sameSet(u.columns, columns)) ||
    table.indexes.some((i) => columnKey(i) && sameSet(i.columns, columns))
  );
}

/** Whether the table's rows are unique over some of `columns`: what a link written through a many-to-many needs. */
export function uniqueWithin(table: TableModel, columns: readonly string[]): boolean {
  return (
    (table.primaryKey !== undefined && within(table.primaryKey.columns, columns)) ||
    table.uniques.some((u) => within(u.columns, columns)) ||
    table.indexes.some((i) => columnKey(i) && within(i.columns, columns))
  );
}

/** The two foreign keys of a link table, when it has exactly two, to mapped tables, over distinct columns. */
export function linkKeys(table: TableModel, isModel: (key: string) => boolean, lookup: TableLookup): readonly [ForeignKeyModel, ForeignKeyModel] | undefined {
  if (table.foreignKeys.length !== 2) return undefined;
  const [a, b] = table.foreignKeys as [ForeignKeyModel, ForeignKeyModel];
  if (!isModel(referredKey(a, table, lookup)) || !isModel(referredKey(b, table, lookup))) return undefined;
  if (a.columns.some((c) => b.columns.includes(c))) return undefined;
  return [a, b];
}

/**
 * A plain association table: every column belongs to one of its two foreign keys, and its primary
 * key, if it has one, is all of them. It gets no class: a `table(...)` and a many-to-many on each end.
 */
export function isPlainAssociation(table: TableModel, isModel: (key: string) => boolean, lookup: TableLookup): boolean {
  const keys = linkKeys(table, isModel, lookup);
  if (!keys) return false;
  const links = [...keys[0].columns, ...keys[1].columns];
  if (!table.columns.every((c) => links.includes(c.name))) return false;
  return table.primaryKey === undefined || sameSet(table.primaryKey.columns, links);
}

/**
 * An association object: a mapped table with two foreign keys (neither a one-to-one) whose
 * columns identify a row (its primary key, or unique), and columns of its own. It gets a class with
 * a many-to-one to each end, and each end a many-to-many through it besides its one-to-many.
 */
export function associationKeys(
  table: TableModel,
  isModel: (key: string) => boolean,
  lookup: TableLookup,
): readonly [ForeignKeyModel, ForeignKeyModel] | undefined {
  const keys = linkKeys(table, isModel, lookup);
  if (!keys || !table.primaryKey) return undefined;
  if (keys.some((fk) => uniqueExactly(table, fk.columns))) return undefined;
  const links = [...keys[0].columns, ...keys[1].columns];
  return sameSet(table.primaryKey.columns, links) || uniqueWithin(table, links) ? keys : undefined;
}

/**
 * Whether a link added through the many-to-many can create its association object: every
 * column besides the links is nullable, has a server default or is generated. Otherwise the
 * many-to-many is emitted `viewonly` (configuration would refuse it as a writer).
 */
export function linkCreatable(table: TableModel, keys: readonly ForeignKeyModel[]): boolean {
  const links = keys.flatMap((k) => k.columns);
  return table.columns.every((c) => links.includes(c.name) || c.nullable || c.serverDefault !== undefined || c.autoincrement);
}
