/**
 * Mapped attribute access. Each mapped attribute is an accessor (a decorated `accessor` field, or
 * one defined on the prototype by imperative mapping) whose get and set delegate to the
 * attribute's implementation here. Layers above (the session) wrap these implementations to add
 * change tracking and relationship events, without touching the classes.
 */
import type { Mapper } from "../mapping/mapper.js";
import { ensureState, stateOf } from "./instance-state.js";

export interface AttributeImpl {
  get(obj: object): unknown;
  set(obj: object, value: unknown): void;
}

/** The link between an accessor and its implementation, filled in when the class is mapped. */
export interface AttributeSlot {
  readonly key: string;
  impl: AttributeImpl;
}

/** Until the class is mapped, attributes are plain storage in the object's state. */
export function unmappedImpl(key: string, mapperOf: (obj: object) => Mapper): AttributeImpl {
  return {
    get: (obj) => stateOf(obj)?.dict[key],
    set: (obj, value) => {
      ensureState(obj, mapperOf(obj)).dict[key] = value;
    },
  };
}

/** A column attribute: reads `null` until a value is set (as SQLAlchemy reads None). */
export function columnImpl(mapper: Mapper, key: string): AttributeImpl {
  return {
    get: (obj) => stateOf(obj)?.dict[key] ?? null,
    set: (obj, value) => {
      ensureState(obj, mapper).dict[key] = value;
    },
  };
}

/** A relationship attribute: an empty list or `null` until something is assigned or loaded. */
export function relationshipImpl(mapper: Mapper, key: string, collection: boolean): AttributeImpl {
  return {
    get: (obj) => {
      const dict = ensureState(obj, mapper).dict;
      const value = dict[key];
      if (value !== undefined) return value;
      return collection ? (dict[key] = []) : null;
    },
    set: (obj, value) => {
      ensureState(obj, mapper).dict[key] = value;
    },
  };
}

/** Accessors for a class mapped imperatively: defined on its prototype. */
export function defineAccessor(prototype: object, slot: AttributeSlot): void {
  Object.defineProperty(prototype, slot.key, {
    configurable: true,
    enumerable: true,
    get(this: object) {
      return slot.impl.get(this);
    },
    set(this: object, value: unknown) {
      slot.impl.set(this, value);
    },
  });
}
