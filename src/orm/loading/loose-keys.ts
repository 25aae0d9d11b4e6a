/**
 * Keys matched as MariaDB/MySQL's default collations compare text: without case, accents or
 * trailing spaces. Such a database joins a child whose foreign key is 'ABC' to the parent 'abc'
 * (and its foreign key constraint accepts it), so a select-in query returns the child; matched to
 * its parent in JavaScript by the exact key, the child was dropped from the parent's list, and a
 * many-to-one of it was loaded as null. Used only for the rows the exact key leaves unmatched.
 */
import { identityKeyOf } from "../identity/identity-map.js";

/** A value as a case- and accent-insensitive collation compares it (others as they are). */
function loosePart(value: unknown): unknown {
  if (typeof value !== "string") return value;
  return value.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/ +$/, "");
}

/** The loose key of the values at `fields` of `source` (a dict's attributes, or a row's indexes). */
export function looseKeyOf<F extends string | number>(fields: readonly F[], source: Readonly<Record<F, unknown>>): unknown {
  const values = fields.map((field) => loosePart(source[field]));
  return identityKeyOf(values.map((_, i) => i), values);
}

/**
 * The `owners`' exact keys by loose key, to place what matched none of them exactly: a loose key
 * two owners share (the collation would keep them apart after all) places nothing.
 */
export function looseIndex(keys: Iterable<readonly [unknown, unknown]>): Map<unknown, unknown> {
  const index = new Map<unknown, unknown>();
  const shared = new Set<unknown>();
  for (const [loose, exact] of keys) {
    if (index.has(loose) && index.get(loose) !== exact) shared.add(loose);
    index.set(loose, exact);
  }
  for (const loose of shared) index.delete(loose);
  return index;
}
