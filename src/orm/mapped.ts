/**
 * Where a mapped class keeps its mapper, and the lookups from a class or an object to it. A leaf:
 * every folder of the ORM reads mappers this way, so it imports nothing at run time.
 */
import type { FromSource } from "../core/schema/table.js";
import type { Mapper } from "./mapping/mapper.js";

/** The mapper of a mapped class, stored on the class itself. */
export const MAPPER: unique symbol = Symbol.for("athanor.mapper") as never;

type Carrier = { [MAPPER]?: Mapper };

/** The mapper stored on `value` (a class, or anything), whether or not it was made for that very class. */
export function storedMapper(value: unknown): Mapper | undefined {
  return value === null || value === undefined ? undefined : (value as Carrier)[MAPPER];
}

/**
 * Marks the stand-in `aliased(Model, name)` makes (aliased.ts): it has its model's mapper as its
 * own, and its value is the model's columns under the alias.
 */
export const ALIAS_SOURCE: unique symbol = Symbol("athanor.aliasSource") as never;

/** The columns of an alias made by `aliased(Model, name)`, or undefined for anything else. */
export function aliasSource(value: unknown): FromSource | undefined {
  return typeof value === "function" && Object.hasOwn(value, ALIAS_SOURCE) ? (value as unknown as { [ALIAS_SOURCE]: FromSource })[ALIAS_SOURCE] : undefined;
}

/**
 * The mapper of exactly this class (a subclass of a mapped class inherits the property, not the
 * mapping), or of the model an alias stands for.
 */
export function mapperOfClass(cls: unknown): Mapper | undefined {
  const mapper = storedMapper(cls);
  return mapper !== undefined && (mapper.class_ === cls || Object.hasOwn(cls as object, ALIAS_SOURCE)) ? mapper : undefined;
}

/** The mapper of an object's class, if that class is mapped. */
export function mapperOfObject(obj: object | null | undefined): Mapper | undefined {
  return obj === null || obj === undefined ? undefined : mapperOfClass(obj.constructor);
}
