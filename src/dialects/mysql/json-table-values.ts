/**
 * The values of a list bound as one JSON array and read back with JSON_TABLE (`inValues`, long
 * `in()` lists). A JSON_TABLE column converts each value to its type as a column would, without
 * an error: 3.4 in an INT column is 3, 1.005 in a DECIMAL(6, 2) is 1.01, and 2^53 in an INT is
 * 2147483647, so `n IN (3.4)` matched the row holding 3. Decimals are read into a DECIMAL wide
 * enough to keep them, and integers that no integer column can equal (a fraction, out of the
 * column's range) are left out of the list: they match no row, as in `=`.
 */
import type { SqlType } from "../../core/types/sql-type.js";

/** DECIMAL(65, s) with room for `type`'s whole digits, and as many after the point as MySQL allows (30). */
export function wideDecimal(type: SqlType): string {
  const { precision, scale } = type;
  const whole = precision === undefined ? 35 : precision - (scale ?? 0) + 1;
  return `DECIMAL(65, ${Math.max(0, Math.min(30, 65 - whole))})`;
}

type Fits = (value: unknown) => boolean;

const INT_RANGE = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const BIGINT_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;

function integerFits([low, high]: readonly [bigint, bigint]): Fits {
  const lowNumber = Number(low);
  const highNumber = Number(high);
  return (v) => {
    if (typeof v === "number") return Number.isInteger(v) && v >= lowNumber && v <= highNumber;
    if (typeof v === "string") {
      if (!/^-?\d+$/.test(v)) return false;
      const n = BigInt(v);
      return n >= low && n <= high;
    }
    if (typeof v === "bigint") return v >= low && v <= high;
    return true;
  };
}

const fitsInt = integerFits(INT_RANGE);
const fitsBigint = integerFits(BIGINT_RANGE);

/** Which values of `type` an integer JSON_TABLE column keeps as they are; undefined: all. */
function fitsOf(type: SqlType | undefined): Fits | undefined {
  if (type?.kind === "integer") return fitsInt;
  if (type?.kind === "bigint") return fitsBigint;
  return undefined;
}

/**
 * `pack` for a list whose members have `types` (one per tuple member), first leaving out the
 * items a member of which no column of its type can equal; `pack` itself when none can be.
 */
export function matchablePack<R>(pack: (values: unknown[]) => R, types: readonly (SqlType | undefined)[], tuples: boolean): (values: unknown[]) => R {
  const fits = types.map(fitsOf);
  if (fits.every((f) => f === undefined)) return pack;
  if (!tuples) {
    const fit = fits[0]!;
    return (values) => pack(values.every(fit) ? values : values.filter(fit));
  }
  const item = (tuple: unknown) => !Array.isArray(tuple) || fits.every((fit, i) => fit === undefined || fit(tuple[i]));
  return (values) => pack(values.every(item) ? values : values.filter(item));
}
