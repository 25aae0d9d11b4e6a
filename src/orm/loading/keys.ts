/**
 * The keys of relationship loading: how many parents one statement filters on, and the filter.
 */
import type { Expression } from "../../core/expression/expression.js";
import { and, or } from "../../core/expression/operators.js";

/** Parameters per statement: well under every database's limit (SQLite 32766, PostgreSQL and MySQL 65535). */
const MAX_PARAMETERS = 20_000;

/**
 * Composite keys are filtered with `(a = ? AND b = ?) OR ...`, and SQLite counts each OR as one
 * level of its expression tree, which is at most 1000 deep.
 */
const MAX_COMPOSITE_KEYS = 512;

/**
 * How many keys of `columns` columns one statement filters on: a power of two, so that padding a
 * shorter list to one (see `keyFilter`) never takes it past these limits.
 */
export function keysPerStatement(columns: number): number {
  const byParameters = 2 ** Math.floor(Math.log2(MAX_PARAMETERS / columns));
  return columns === 1 ? byParameters : Math.min(MAX_COMPOSITE_KEYS, byParameters);
}

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): (readonly T[])[] {
  if (items.length <= size) return items.length === 0 ? [] : [items];
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

type Dict = Readonly<Record<string, unknown>>;

/**
 * `col IN (...)` over the values of `attributes` in each dict, or for composite keys
 * `(a = ? AND b = ?) OR ...`. The list is padded to a power of two by repeating its last key,
 * which changes no result: loads of varying sizes then share a few statement shapes (compiled SQL,
 * prepared statements) rather than making one per count.
 */
export function keyFilter(columns: readonly Expression<unknown>[], attributes: readonly string[], dicts: readonly Dict[]): Expression<boolean> {
  const padded = paddedToPowerOfTwo(dicts);
  if (columns.length === 1) {
    const attribute = attributes[0]!;
    return columns[0]!.in(padded.map((dict) => dict[attribute]) as never[]);
  }
  return or(...padded.map((dict) => and(...columns.map((column, i) => column.eq(dict[attributes[i]!] as never)))));
}

function paddedToPowerOfTwo<T>(items: readonly T[]): readonly T[] {
  if (items.length === 0) return items;
  const size = 2 ** Math.ceil(Math.log2(items.length));
  if (size === items.length) return items;
  const padded = items.slice();
  const last = items[items.length - 1]!;
  while (padded.length < size) padded.push(last);
  return padded;
}
