/** One object per primary key per session: the identity map. */
import type { Mapper } from "../mapping/mapper.js";

/**
 * The identity key of a row: the primary-key value itself for a single-column key (numbers and
 * strings compare by value in a Map), a joined string for a composite key.
 */
export function identityKey(values: readonly unknown[]): unknown {
  if (values.length === 1) return normalizeKeyPart(values[0]);
  let key = compositeKeyPart(values[0]);
  for (let i = 1; i < values.length; i++) key += "\u0000" + compositeKeyPart(values[i]);
  return key;
}

/**
 * The identity key of a row read from `source` at `fields`: attribute keys of an object's state
 * dict, or column indexes of an array row.
 */
export function identityKeyOf<F extends string | number>(fields: readonly F[], source: Readonly<Record<F, unknown>>): unknown {
  if (fields.length === 1) return normalizeKeyPart(source[fields[0]!]);
  let key = compositeKeyPart(source[fields[0]!]);
  for (let i = 1; i < fields.length; i++) key += "\u0000" + compositeKeyPart(source[fields[i]!]);
  return key;
}

/** One value of a composite key, typed so that 1 and "1" differ. */
function compositeKeyPart(value: unknown): string {
  // Short, and typed by the normalized value (a bigint that fits is the number): 1 is "n1", "1" is "s1".
  const part = normalizeKeyPart(value);
  if (typeof part === "number") return "n" + part;
  if (typeof part === "string") return "s" + part;
  return `${typeof part}:${String(part)}`;
}

/** Keys compare by value: a bigint that fits and the same number are the same key. */
function normalizeKeyPart(value: unknown): unknown {
  return typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value;
}

export class IdentityMap {
  private readonly byMapper = new Map<Mapper, Map<unknown, object>>();

  get(mapper: Mapper, key: unknown): object | undefined {
    return this.byMapper.get(mapper)?.get(key);
  }

  set(mapper: Mapper, key: unknown, obj: object): void {
    let map = this.byMapper.get(mapper);
    if (!map) this.byMapper.set(mapper, (map = new Map()));
    map.set(key, obj);
  }

  delete(mapper: Mapper, key: unknown): void {
    this.byMapper.get(mapper)?.delete(key);
  }

  /** The map of one mapper, created on demand: hydration looks keys up in a tight loop. */
  forMapper(mapper: Mapper): Map<unknown, object> {
    let map = this.byMapper.get(mapper);
    if (!map) this.byMapper.set(mapper, (map = new Map()));
    return map;
  }

  *objects(): IterableIterator<object> {
    for (const map of this.byMapper.values()) yield* map.values();
  }

  /** Calls `fn` for every object: cheaper than iterating `objects()` over a large session. */
  forEachObject(fn: (obj: object) => void): void {
    for (const map of this.byMapper.values()) map.forEach(fn);
  }

  clear(): void {
    this.byMapper.clear();
  }
}
