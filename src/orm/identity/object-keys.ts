/**
 * Keys of objects: a primary key given to `get` in any accepted form, the identity key of an
 * object's state, and the key of an association stand-in built from the objects it links.
 */
import { ArgumentError } from "../../core/errors.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { identityKey, identityKeyOf } from "./identity-map.js";

/** A primary key for `get`: the value, the values in key-column order, or an object by attribute. */
export type PrimaryKeyValue = unknown | readonly unknown[] | Record<string, unknown>;

/** Values of a primary key in key-column order, from any of the accepted forms. */
export function primaryKeyValues(mapper: Mapper, pk: PrimaryKeyValue): unknown[] {
  const columns = mapper.primaryKey;
  if (Array.isArray(pk)) {
    if (pk.length !== columns.length) throw new ArgumentError(`${mapper.name} has a ${columns.length}-column primary key; got ${pk.length} values.`);
    return [...pk];
  }
  if (pk !== null && typeof pk === "object" && !(pk instanceof Date) && !(pk instanceof Uint8Array)) {
    return columns.map((c) => {
      const attr = mapper.attributeFor(c)!;
      if (!(attr in pk)) throw new ArgumentError(`get(${mapper.name}, ...): the key object lacks '${attr}'.`);
      return (pk as Record<string, unknown>)[attr];
    });
  }
  if (columns.length !== 1) throw new ArgumentError(`${mapper.name} has a composite primary key: pass [${columns.map((c) => mapper.attributeFor(c)).join(", ")}] or an object.`);
  return [pk];
}

/** The identity key of an object from its key attributes' current values. */
export function keyOf(mapper: Mapper, state: InstanceState): unknown {
  return identityKeyOf(mapper.keyAttributes, state.dict);
}

/**
 * Fills an association stand-in's key columns from the objects it links, and returns the identity
 * key the stand-in then has (undefined while one of them has no key yet).
 */
export function fillLinkKey(state: InstanceState): unknown {
  const dict: Record<string, unknown> = {};
  for (const rel of state.mapper.relationships.values()) {
    const target = state.dict[rel.key] as object | undefined;
    if (!target || rel.resolved.direction !== "manyToOne") continue;
    const targetState = stateOf(target);
    for (const [fk, key] of rel.resolved.pairs) dict[state.mapper.attributeFor(fk)!] = targetState?.dict[rel.resolved.target.attributeFor(key)!];
  }
  Object.assign(state.dict, dict);
  const values = state.mapper.primaryKey.map((c) => dict[state.mapper.attributeFor(c)!]);
  return values.some((v) => v === undefined || v === null) ? undefined : identityKey(values);
}
