/**
 * A model's validators and lifecycle hooks, as its mapper holds them (`Mapper.events`): declared
 * with `@validates(...)` and `@beforeInsert` & co. (declarative/event-decorators.ts) or given to
 * `mapImperatively` (`validators`, `hooks`). A model with none has `events` undefined, which is
 * all the hot paths (attribute sets, hydration, flush) ever test for it.
 */
import { ArgumentError } from "../../core/errors.js";
import { validatedImpl } from "../state/validation.js";
import type { Mapper } from "./mapper.js";

/**
 * Called when the application assigns `key` (or adds a member to the list `key` holds), with the
 * object as `this`: returns the value to store (a column's may be normalised), or throws to
 * refuse it, and the assignment does not happen.
 */
export type Validator = (this: any, key: any, value: any) => unknown;

/** A hook of one object: called with the object as `this`. */
export type Hook = (this: any) => unknown;

/** The moments of an object's life a hook can be declared for. */
export type HookKind = "beforeInsert" | "afterInsert" | "beforeUpdate" | "afterUpdate" | "beforeDelete" | "afterDelete" | "afterLoad";

/** Every hook kind, in the order a flush meets them. */
export const HOOK_KINDS: readonly HookKind[] = ["beforeInsert", "beforeUpdate", "beforeDelete", "afterInsert", "afterUpdate", "afterDelete", "afterLoad"];

/** The hooks `mapImperatively` takes (`hooks: { beforeUpdate() { ... } }`), each called with the object as `this`; see the decorators of the same names. */
export interface ModelHooks<T> {
  /** Before a new object's INSERT, before the flush takes its work: its changes are written by that flush. */
  readonly beforeInsert?: (this: T) => unknown;
  /** Once the flush has inserted the object's row. */
  readonly afterInsert?: (this: T) => unknown;
  /** Before a changed object is written, before the flush takes its work: its changes are written by that flush. */
  readonly beforeUpdate?: (this: T) => unknown;
  /** Once the flush has written the changed object. */
  readonly afterUpdate?: (this: T) => unknown;
  /** Before the flush deletes the object's row; throw to refuse. */
  readonly beforeDelete?: (this: T) => unknown;
  /** Once the flush has deleted the object's row. */
  readonly afterDelete?: (this: T) => unknown;
  /** When the object is made from a row or its expired columns are read again; synchronous. */
  readonly afterLoad?: (this: T) => void;
}

/** What one model declares: validators by attribute, hooks by kind (each in declaration order, a base class's first). */
export interface ModelEventSpec {
  readonly validators: ReadonlyMap<string, Validator>;
  readonly hooks: ReadonlyMap<HookKind, readonly Hook[]>;
}

/** A mapper's validators and hooks. */
export class ModelEvents {
  constructor(
    /** Attribute key -> its validator. */
    readonly validators: ReadonlyMap<string, Validator>,
    /** Hooks by kind; a kind the model declares none of is absent. */
    readonly hooks: ReadonlyMap<HookKind, readonly Hook[]>,
  ) {}
}

/**
 * How many mappers, in any registry, have flush hooks: while none has, a flush asks nothing of
 * its objects (one comparison per flush).
 */
export const flushHooksInUse = { mappers: 0 };

/**
 * Gives `mapper` the validators and hooks of `spec` (nothing when it has none): column attributes
 * with a validator get an implementation that calls it first; relationships read theirs when
 * first used (state/validation.ts). Throws ArgumentError for a validator of an unknown attribute.
 */
export function installModelEvents(mapper: Mapper, spec: ModelEventSpec): void {
  if (spec.validators.size === 0 && spec.hooks.size === 0) return;
  for (const [key, validator] of spec.validators) {
    const slot = mapper.slots.get(key);
    // Single-table inheritance: an inherited attribute's validator is installed on the superclass
    // that declares it (checkInheritedValidators refused any other before the subclass was mapped).
    if (slot === undefined && declaringSuperclass(mapper.inheritance?.parent, key) !== undefined) continue;
    if (slot === undefined) {
      const known = [...mapper.slots.keys()].join(", ");
      throw new ArgumentError(`${mapper.name}: a validator names '${key}', which is not a mapped attribute of the model (its attributes: ${known}).`);
    }
    if (mapper.columns.has(key)) slot.impl = validatedImpl(mapper, key, slot.impl, validator);
  }
  mapper.events = new ModelEvents(spec.validators, spec.hooks);
  if ([...spec.hooks.keys()].some((kind) => kind !== "afterLoad")) flushHooksInUse.mappers++;
}

/** The validators and hooks given to `mapImperatively`. */
export function imperativeEvents(options: {
  readonly validators?: Readonly<Record<string, Validator | undefined>>;
  readonly hooks?: { readonly [H in HookKind]?: Hook };
}): ModelEventSpec {
  const validators = new Map<string, Validator>();
  for (const [key, fn] of Object.entries(options.validators ?? {})) if (fn !== undefined) validators.set(key, fn);
  const hooks = new Map<HookKind, readonly Hook[]>();
  for (const kind of HOOK_KINDS) {
    const fn = options.hooks?.[kind];
    if (kind === "afterLoad" && fn?.constructor.name === "AsyncFunction") throw asyncLoadHook(fn);
    if (fn !== undefined) hooks.set(kind, [fn]);
  }
  return { validators, hooks };
}

/** An async `afterLoad` hook: refused when declared, since loading cannot wait for it. */
export function asyncLoadHook(fn: Hook): ArgumentError {
  return new ArgumentError(`afterLoad hook ${fn.name || "(anonymous)"}: it runs while rows are read, which cannot wait for it; make it synchronous.`);
}

/** Runs an object's `afterLoad` hooks (synchronous: loading does not wait; a promise returned is refused). */
export function runLoadHooks(hooks: readonly Hook[], obj: object): void {
  for (const hook of hooks) {
    const result = hook.call(obj) as { then?: unknown } | undefined;
    if (typeof result?.then === "function") throw asyncLoadHook(hook);
  }
}

/**
 * Refuses, before a subclass `name` of `parent` is mapped (single-table inheritance), a validator
 * of an attribute it inherits other than the one inherited: the classes of a hierarchy share that
 * attribute's accessor, so its validator is the declaring class's for all of them.
 */
export function checkInheritedValidators(name: string, parent: Mapper, spec: ModelEventSpec): void {
  for (const [key, validator] of spec.validators) {
    const owner = declaringSuperclass(parent, key);
    if (owner === undefined || owner.events?.validators.get(key) === validator) continue;
    throw new ArgumentError(
      `${name}: @validates("${key}") names an attribute inherited from ${owner.name}, whose validator applies to every class of the hierarchy. ` +
        `Declare it on ${owner.name} and test the class there (\`if (this instanceof ${name})\`).`,
    );
  }
}

/** `mapper` or the superclass above it (single-table inheritance) that declares the attribute `key`, if one does. */
function declaringSuperclass(mapper: Mapper | undefined, key: string): Mapper | undefined {
  for (let m = mapper; m !== undefined; m = m.inheritance?.parent) if (m.slots.has(key)) return m;
  return undefined;
}
