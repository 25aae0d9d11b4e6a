/**
 * A result's column names, checked for one that repeats: object rows keep one value per name,
 * so `SELECT a.id, b.id` gave rows holding only the second `id` (`DriverResult.duplicateColumn`).
 */
import type { DriverResult } from "../../engine/driver.js";

/** The first name that `names` holds twice, or undefined. A loop, not a Set: results have few columns, and this runs per statement. */
function repeatedName(names: readonly string[]): string | undefined {
  for (let i = 1; i < names.length; i++) {
    const name = names[i]!;
    for (let j = 0; j < i; j++) if (names[j] === name) return name;
  }
  return undefined;
}

/** `repeatedName` of driver field descriptions (pg's and mysql2's `{ name }`). */
export function repeatedField(fields: readonly { readonly name: string }[] | undefined): string | undefined {
  if (fields === undefined || fields.length < 2) return undefined;
  return repeatedName(fields.map((f) => f.name));
}

/** The result, carrying the name its columns repeat, if any (rare: the usual result keeps its shape). */
export function withDuplicate(result: DriverResult, duplicateColumn: string | undefined): DriverResult {
  return duplicateColumn === undefined ? result : { ...result, duplicateColumn };
}
