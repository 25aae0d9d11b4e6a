/** Converting a result's values in place, as each column's type reads them. */
import type { ValueProcessor } from "../core/compiler/compiled-query.js";

/** Rows that are the first column's values: that column's conversion, if it has one. */
export function convertValuesInPlace(values: unknown[], processors: readonly (readonly [number, ValueProcessor])[]): void {
  const process = processors.find(([index]) => index === 0)?.[1];
  if (process === undefined) return;
  for (let i = 0; i < values.length; i++) if (values[i] !== null && values[i] !== undefined) values[i] = process(values[i]);
}

/**
 * Applies each column's conversion to every row, in place. Indexed loops and no destructuring:
 * this runs once per value read, often before V8 has optimized it, when `for...of` and `[a, b] =`
 * each cost an iterator call.
 */
export function convertInPlace(rows: any[], processors: readonly (readonly [string | number, ValueProcessor])[]): void {
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    for (let p = 0; p < processors.length; p++) {
      const key = processors[p]![0];
      const value = row[key];
      if (value !== null && value !== undefined) row[key] = processors[p]![1](value);
    }
  }
}
