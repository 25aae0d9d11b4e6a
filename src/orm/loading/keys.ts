/**
 * The keys of relationship loading: how many parents one statement filters on, and the filter.
 */
import type { Expression } from "../../core/expression/expression.js";
import { tupleInValues } from "../../core/expression/operators.js";

/**
 * Keys one statement filters on. The keys are bound as one list (`inValues`), so the SQL is the
 * same for any number and no parameter limit applies; the bound keeps one statement's bound
 * value and result to a size a driver handles in one go.
 */
export const KEYS_PER_STATEMENT = 20_000;

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number = KEYS_PER_STATEMENT): (readonly T[])[] {
  if (items.length <= size) return items.length === 0 ? [] : [items];
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

type Dict = Readonly<Record<string, unknown>>;

/**
 * `col IN` the values of `attributes` in each dict, or `(a, b) IN` their tuples, bound as one
 * list: loads of any size share one statement text (compiled SQL, prepared statement).
 */
export function keyFilter(columns: readonly Expression<unknown>[], attributes: readonly string[], dicts: readonly Dict[]): Expression<boolean> {
  if (columns.length === 1) {
    const attribute = attributes[0]!;
    return columns[0]!.inValues(dicts.map((dict) => dict[attribute]));
  }
  return tupleInValues(columns, dicts.map((dict) => attributes.map((attribute) => dict[attribute])));
}
