/**
 * The shape of an object's attribute dict: every column and relationship key of its mapper, in
 * one order, set by one generated constructor. Every dict of a mapper then has the same hidden
 * class, sized to hold its attributes in the object itself: property access stays monomorphic,
 * and no dict grows an out-of-object property store as attributes are set (a large unit of work
 * holds tens of thousands of dicts, and each such store is one more object for the garbage
 * collector). A constructor rather than an object literal: V8 moves a literal whose objects all
 * live long to the old generation, where each reference stored into it later costs a write
 * barrier (measured: hydrating 100,000 rows and the seed insert were both slower that way).
 */

/** Makes a dict from `values` (a row), read from a fixed position on. */
export type DictMaker = (values: readonly unknown[]) => Record<string, unknown>;

const makers = new Map<string, DictMaker>();
/** A dict of each generated class, kept for its hidden class while the class is (see `Mapper.shapeKeeper`). */
const shapeKeepers = new Map<string, object>();

/**
 * The maker for dicts of these keys: the first `given` from `values[start]` on, the rest
 * undefined (compiled once per shape).
 */
export function dictMaker(keys: readonly string[], given: number, start: number): DictMaker {
  return cachedMaker(`${given}:${start}:${JSON.stringify(keys)}`, keys, (i) => (i < given ? start + i : -1));
}

/**
 * The maker for dicts of these keys, key i from `values[positions[i]]`, or undefined where the
 * position is negative: for rows that leave some columns out (deferred). Same shape, same class.
 */
export function dictMakerAt(keys: readonly string[], positions: readonly number[]): DictMaker {
  return cachedMaker(`@${positions.join(",")}:${JSON.stringify(keys)}`, keys, (i) => positions[i]!);
}

/** The maker cached under `shape` (at most 1,000 shapes; the oldest goes first): key i from `values[position(i)]`, undefined where negative. */
function cachedMaker(shape: string, keys: readonly string[], position: (i: number) => number): DictMaker {
  let make = makers.get(shape);
  if (!make) {
    if (makers.size >= 1000) {
      const oldest = makers.keys().next().value!;
      makers.delete(oldest);
      shapeKeepers.delete(oldest);
    }
    makers.set(shape, (make = compile(shape, keys, keys.map((_, i) => position(i)))));
  }
  return make;
}

/**
 * `new Dict(values)`, whose constructor sets `this["id"] = values[0]; this["name"] = values[1];
 * this["posts"] = undefined` for positions 0, 1, -1, where the platform allows code generation;
 * otherwise (a CSP that forbids it, or a `__proto__` key) a loop setting the same keys in the
 * same order.
 */
function compile(shape: string, keys: readonly string[], positions: readonly number[]): DictMaker {
  const loop: DictMaker = (values) => {
    const dict: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) dict[keys[i]!] = positions[i]! < 0 ? undefined : values[positions[i]!];
    return dict;
  };
  // Assigning `__proto__` would set the prototype rather than make a property.
  if (keys.includes("__proto__")) return loop;
  const fields = keys.map((key, i) => `this[${JSON.stringify(key)}] = ${positions[i]! < 0 ? "undefined" : `values[${positions[i]}]`};`);
  const Dict = generated<() => new (values: readonly unknown[]) => Record<string, unknown>>([], `return class Dict { constructor(values) { ${fields.join(" ")} } }`);
  if (!Dict) return loop;
  const Class = Dict();
  shapeKeepers.set(shape, new Class(NO_VALUES));
  return (values) => new Class(values);
}

const NO_VALUES: readonly unknown[] = [];

/** Copies a dict's values of some keys, in order, into `out` from `at` on. */
export type ValuesReader = (dict: Readonly<Record<string, unknown>>, out: unknown[], at: number) => void;

/**
 * The reader for these keys: `out[at] = dict["id"]; out[at + 1] = dict["name"]` compiled once,
 * where the platform allows (a fixed property name per load keeps each load monomorphic, where
 * a loop over key names makes one load site see them all); otherwise the loop.
 */
export function valuesReader(keys: readonly string[]): ValuesReader {
  const loop: ValuesReader = (dict, out, at) => {
    for (let i = 0; i < keys.length; i++) out[at + i] = dict[keys[i]!];
  };
  const loads = keys.map((key, i) => `out[at + ${i}] = dict[${JSON.stringify(key)}];`);
  return generated<ValuesReader>(["dict", "out", "at"], loads.join(" ")) ?? loop;
}

/** Which of some keys a dict has a value for, as bits (key i is bit i): up to 30 keys. */
export type DefinedMask = (dict: Readonly<Record<string, unknown>>) => number;

/** The mask function for these keys (at most 30), compiled like `valuesReader`. */
export function definedMask(keys: readonly string[]): DefinedMask {
  if (keys.length > 30) throw new Error(`internal: definedMask takes at most 30 keys, not ${keys.length}`);
  const loop: DefinedMask = (dict) => {
    let mask = 0;
    for (let i = 0; i < keys.length; i++) if (dict[keys[i]!] !== undefined) mask |= 1 << i;
    return mask;
  };
  const bits = keys.map((key, i) => `(dict[${JSON.stringify(key)}] === undefined ? 0 : ${1 << i})`);
  return generated<DefinedMask>(["dict"], `return ${bits.join(" | ") || "0"};`) ?? loop;
}

/** Sets some keys of a dict to undefined. */
export type KeysClearer = (dict: Record<string, unknown>) => void;

/** The clearer for these keys: `dict["posts"] = undefined; ...` compiled like `valuesReader`. */
export function keysClearer(keys: readonly string[]): KeysClearer {
  const loop: KeysClearer = (dict) => {
    for (let i = 0; i < keys.length; i++) dict[keys[i]!] = undefined;
  };
  if (keys.includes("__proto__")) return loop;
  const stores = keys.map((key) => `dict[${JSON.stringify(key)}] = undefined;`);
  return generated<KeysClearer>(["dict"], stores.join(" ")) ?? loop;
}

/** A function compiled from source, or undefined where the platform forbids code generation (a CSP). */
function generated<F>(params: readonly string[], body: string): F | undefined {
  try {
    return new Function(...params, body) as F;
  } catch {
    return undefined;
  }
}
