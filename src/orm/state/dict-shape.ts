/**
 * The shape of an object's attribute dict: every column and relationship key of its mapper, in
 * one order, made by one object literal. Every dict of a mapper then has the same hidden class,
 * sized to hold its attributes in the object itself: property access stays monomorphic, and no
 * dict grows an out-of-object property store as attributes are set (a large unit of work holds
 * tens of thousands of dicts, and each such store is one more object for the garbage collector).
 */

/** Makes a dict from `values` (a row), read from a fixed position on. */
export type DictMaker = (values: readonly unknown[]) => Record<string, unknown>;

const makers = new Map<string, DictMaker>();

/**
 * The maker for dicts of these keys: the first `given` from `values[start]` on, the rest
 * undefined (compiled once per shape).
 */
export function dictMaker(keys: readonly string[], given: number, start: number): DictMaker {
  const shape = `${given}:${start}:${JSON.stringify(keys)}`;
  let make = makers.get(shape);
  if (!make) {
    if (makers.size >= 1000) makers.delete(makers.keys().next().value!);
    makers.set(shape, (make = compile(keys, given, start)));
  }
  return make;
}

/**
 * `(values) => ({ "id": values[0], "name": values[1], "posts": undefined })` for `given` = 2 and
 * `start` = 0: a literal, where the platform allows code generation; otherwise (a CSP that
 * forbids it, or a key a literal cannot spell) a loop giving the same keys in the same order.
 */
function compile(keys: readonly string[], given: number, start: number): DictMaker {
  const loop: DictMaker = (values) => {
    const dict: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) dict[keys[i]!] = i < given ? values[start + i] : undefined;
    return dict;
  };
  // `__proto__: value` in a literal would set the prototype rather than make a property.
  if (keys.includes("__proto__")) return loop;
  const fields = keys.map((key, i) => `${JSON.stringify(key)}: ${i < given ? `values[${start + i}]` : "undefined"}`);
  try {
    return new Function("values", `return { ${fields.join(", ")} };`) as DictMaker;
  } catch {
    return loop;
  }
}
