/**
 * Timestamps that name rows must be read exactly. A Date holds milliseconds; a TIMESTAMP or
 * DATETIME(6) column may hold microseconds (`now()` writes them), and SQLite text another
 * spelling than athanor's (core/types/inexact-dates.ts). In a column that names rows (the primary
 * key, a foreign key, a column a relationship joins on) the rounded Date named another row: two
 * rows a few microseconds apart loaded as one object, an UPDATE or DELETE matched no row
 * (StaleDataError) or another one, a relationship linked the wrong parent. Such a value is refused
 * as it is read, with a DataError naming the column, the value and the way out; the row is not loaded.
 * Columns that name no row may round: the flush writes a column only when it was changed.
 */
import { DataError } from "../../core/errors.js";
import type { Column } from "../../core/schema/column.js";
import { inexactText } from "../../core/types/inexact-dates.js";
import type { Mapper } from "../mapping/mapper.js";

/** Per mapper: its timestamp attributes that name rows (empty for most), and how many models the registry had then. */
const naming = new WeakMap<Mapper, { readonly models: number; readonly attributes: ReadonlySet<string> }>();

/** The `datetime()` attributes of a mapper whose values name rows: key, foreign-key and join columns. */
export function rowNamingTimestamps(mapper: Mapper): ReadonlySet<string> {
  // A model added since may join on this table's columns: counted again then.
  const models = mapper.registry.mappers.length;
  let entry = naming.get(mapper);
  if (entry === undefined || entry.models !== models) naming.set(mapper, (entry = { models, attributes: collect(mapper) }));
  return entry.attributes;
}

function collect(mapper: Mapper): ReadonlySet<string> {
  mapper.registry.configure(); // every relationship resolved (hydration has configured it already)
  const columns = new Set<Column>([...mapper.primaryKey, ...mapper.table.columnList.filter((c) => c.foreignKeys.length > 0)]);
  // Join columns of any relationship of the registry, on either side, that are this table's.
  for (const other of mapper.registry.mappers) {
    for (const rel of other.relationshipList) {
      const { pairs, secondaryPairs } = rel.resolved;
      for (const [a, b] of [...pairs, ...secondaryPairs]) columns.add(a).add(b);
    }
  }
  const attributes = new Set<string>();
  for (const column of columns) {
    const attr = column.table === mapper.table ? mapper.attributeFor(column) : undefined;
    if (attr !== undefined && column.type.kind === "datetime") attributes.add(attr);
  }
  return attributes;
}

/**
 * Whether a timestamp is part of the mapper's key: the keys of the rows a statement changes are
 * then read before it runs, so that one a Date cannot hold is refused before anything is written
 * (from the statement's RETURNING, the refusal came after the change, which a commit then kept).
 */
export function timestampKeyed(mapper: Mapper): boolean {
  const attributes = rowNamingTimestamps(mapper);
  return attributes.size !== 0 && mapper.keyAttributes.some((attr) => attributes.has(attr));
}

/**
 * A check of rows holding `keys` (attributes, in row order from `start`): it throws when a
 * timestamp that names rows was read inexactly. Undefined when the mapper has no such attribute
 * among `keys`: the rows of most mappers cost nothing.
 */
export function exactKeyCheck(mapper: Mapper, keys: readonly string[], start: number): ((row: readonly unknown[]) => void) | undefined {
  const attributes = rowNamingTimestamps(mapper);
  if (attributes.size === 0) return undefined;
  const positions: number[] = [];
  const names: string[] = [];
  keys.forEach((key, i) => {
    if (attributes.has(key)) positions.push(start + i), names.push(key);
  });
  if (positions.length === 0) return undefined;
  return (row) => {
    for (let i = 0; i < positions.length; i++) {
      const text = inexactText(row[positions[i]!]);
      if (text !== undefined) throw inexactKey(mapper, names[i]!, row[positions[i]!] as Date, text);
    }
  };
}

/**
 * Throws when a primary key read back by a bulk UPDATE or DELETE (`row` from `start`, in key
 * order) holds a timestamp read inexactly: the session's object of the rounded key is another
 * row's, and would follow a change made to this one.
 */
export function checkBulkKey(
  mapper: Mapper,
  row: readonly unknown[],
  start: number,
  why = "The statement ran, but the session's objects cannot follow it: roll the transaction back (the session commits nothing until then).",
): void {
  const attributes = mapper.keyAttributes;
  for (let i = 0; i < attributes.length; i++) {
    const text = inexactText(row[start + i]);
    if (text !== undefined) throw inexactKey(mapper, attributes[i]!, row[start + i] as Date, text, why);
  }
}

function inexactKey(mapper: Mapper, attr: string, date: Date, text: string, outcome = "The row was not loaded."): DataError {
  const column = mapper.columns.get(attr)!;
  return new DataError(
    `${mapper.name}.${attr} (column ${mapper.table.name}.${column.name}) holds the timestamp '${text}', which a JavaScript Date ` +
      `reads as ${date.toISOString()}: the column names rows (a key, a foreign key or a join column), and the rounded value ` +
      `would name another row or none (two rows read as one object, an UPDATE or DELETE matching no row). ${outcome} ` +
      `Store the column with millisecond precision (PostgreSQL: ALTER COLUMN ... TYPE TIMESTAMP(3); MariaDB: DATETIME(3); ` +
      `SQLite: athanor's text 'YYYY-MM-DD HH:MM:SS[.SSS]') after checking no two keys then collide, or read the rows ` +
      `with a query of columns (CAST(col AS TEXT)).`,
    {},
    undefined,
  );
}
