/**
 * `columnsOf(Model)` as the application reads it: a name the model maps no column under is an
 * error naming the class, the attribute and the fix, where it was `undefined` and then a
 * TypeError ("Cannot read properties of undefined (reading 'eq')"). The compiler cannot catch it:
 * `ModelColumns<T>` takes every non-method attribute of the class, and a getter (unless `@hybrid`
 * gives it SQL) or a field without `@column` looks like a column to the type system.
 */
import type { FromSource } from "../core/schema/table.js";
import { ArgumentError } from "../core/errors.js";
import type { Mapper } from "./mapping/mapper.js";
import { didYouMean } from "./mapping/suggest.js";

const guarded = new WeakMap<FromSource["c"], FromSource["c"]>();

/** Names other code probes objects for (`await`, `JSON.stringify`, test frameworks): never an attribute. */
const PROBED = /^(then|toJSON|asymmetricMatch|nodeType|\$\$.*|@@.*|__.*)$/;

/** The columns of `mapper` (or of an alias of its class), refusing names it does not map as columns. */
export function guardedColumns(mapper: Mapper, columns: FromSource["c"]): FromSource["c"] {
  let guard = guarded.get(columns);
  if (guard === undefined) {
    guard = new Proxy(columns, {
      get(target, key, receiver) {
        if (typeof key === "symbol" || key in target || PROBED.test(key)) return Reflect.get(target, key, receiver);
        throw unknownColumn(mapper, key, Object.keys(target));
      },
    });
    guarded.set(columns, guard);
  }
  return guard;
}

function unknownColumn(mapper: Mapper, key: string, known: readonly string[]): ArgumentError {
  const model = mapper.name;
  if (mapper.relationships.has(key)) {
    return new ArgumentError(`columnsOf(${model}).${key}: ${key} is a relationship, not a column. Join it (select(${model}).join(...)) and use the target's columnsOf(...), or compare its foreign-key column.`);
  }
  if (isGetter(mapper.class_.prototype, key)) {
    return new ArgumentError(`columnsOf(${model}).${key}: ${key} is a getter, which runs in JavaScript only. To use it in queries, give it its SQL with @hybrid((c) => ...) (docs/hybrid-attributes.md).`);
  }
  return new ArgumentError(
    `columnsOf(${model}).${key}: ${model} maps no column '${key}'.${didYouMean(key, known)} ` +
      `Only attributes declared with @column (or mapped imperatively) are columns; a plain field is not.`,
  );
}

function isGetter(prototype: object | null, key: string): boolean {
  for (let at = prototype; at !== null && at !== Object.prototype; at = Object.getPrototypeOf(at) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(at, key);
    if (descriptor !== undefined) return descriptor.get !== undefined;
  }
  return false;
}
