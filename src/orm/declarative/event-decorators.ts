/**
 * Validators and lifecycle hooks declared on a model's methods (standard method decorators):
 *
 * ```ts
 * @model("users")
 * class User extends Base {
 *   @column(string(200).notNull()) accessor email!: string;
 *   @column(datetime()) accessor updatedAt!: Date | null;
 *
 *   @validates("email")
 *   normaliseEmail(key: "email", value: string) {
 *     if (!value.includes("@")) throw new Error(`not an email: ${value}`);
 *     return value.toLowerCase();
 *   }
 *
 *   @beforeInsert @beforeUpdate
 *   stamp() { this.updatedAt = new Date(); }
 * }
 * ```
 *
 * Each decorator records the method in the class's decorator metadata; `@model`, which runs after
 * them, hands them to the mapper (`installModelEvents`). Metadata inherits from the superclass's,
 * so a base class's hooks and validators apply to its subclasses too.
 */
import { ArgumentError } from "../../core/errors.js";
import { asyncLoadHook, type Hook, type HookKind, type ModelEventSpec, type Validator } from "../mapping/model-events.js";
import type { MappingError } from "../typing/checks.js";
import { refuseLegacyCall } from "./legacy-decorators.js";

const EVENTS = Symbol("athanor.events");

interface Declared {
  readonly validators: { readonly key: string; readonly fn: Validator; readonly declaredBy: object }[];
  readonly hooks: { readonly kind: HookKind; readonly fn: Hook }[];
}

/** The attribute keys of a class: its properties that are not methods. */
type AttributeKeys<This> = { [P in keyof This]-?: This[P] extends (...args: any[]) => any ? never : P }[keyof This] & string;

/** A validator method: `(key, value)`, the object as `this`; returns the value to store. */
export type ValidatorMethod<This, K extends string> = (this: This, key: K, value: any) => unknown;

/** A hook method: no argument, the object as `this`; may return a promise (but for `@afterLoad`). */
export type HookMethod<This> = (this: This) => unknown;

/**
 * The decorator `@validates(...keys)` returns. Its return type is the check: void when every key
 * names an attribute of the class, else `MappingError<message>`, which tsc reports on the line.
 *
 * @typeParam K - the attribute keys given to `@validates`
 */
export type ValidatorDecorator<K extends string> = <
  /** The model class's instance type. */ This,
  /** The decorated method. */ M extends ValidatorMethod<This, K>>(
  method: M,
  context: ClassMethodDecoratorContext<This, M>,
) => [Exclude<K, AttributeKeys<This>>] extends [never] ? void : MappingError<`athanor: @validates names '${Exclude<K, AttributeKeys<This>>}', which is not an attribute of the class.`>;

/** A lifecycle hook decorator (`@beforeInsert`, ...): the method takes no argument; it may be async. */
export type HookDecorator = </** The model class's instance type. */ This, /** The decorated method. */ M extends HookMethod<This>>(method: M, context: ClassMethodDecoratorContext<This, M>) => void;

/** `@afterLoad`: as `HookDecorator`, but the method must be synchronous (loading cannot wait for it). */
export type LoadHookDecorator = </** The model class's instance type. */ This, /** The decorated method. */ M extends HookMethod<This>>(
  method: M,
  context: ClassMethodDecoratorContext<This, M>,
) => ReturnType<M> extends PromiseLike<unknown> ? MappingError<"athanor: an @afterLoad hook runs while rows are read and cannot be awaited: make it synchronous."> : void;

/**
 * A validator of attributes `keys`: the method is called as `method(key, value)` when the
 * application assigns one (a column, a reference) or adds a member to one (a list), never when
 * the ORM loads a row. A column's validator returns the value to store (it may normalise it); a
 * relationship's returns the object it was given. Throwing refuses the change: the attribute
 * keeps its old value. See docs/events.md.
 *
 * ```ts
 * @model("subscribers")
 * class Subscriber extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(string(200).notNull()) accessor email!: string;
 *
 *   @validates("email")
 *   normaliseEmail(key: "email", value: string) {
 *     if (!value.includes("@")) throw new Error(`Subscriber.${key}: not an email: ${value}`);
 *     return value.trim().toLowerCase();
 *   }
 * }
 * ```
 */
export function validates<const K extends string>(...keys: [K, ...K[]]): ValidatorDecorator<K> {
  const decorator = (method: Validator, context: ClassMethodDecoratorContext) => {
    refuseLegacyCall("@validates", method, context);
    const declared = declaredIn(context, "@validates");
    for (const key of keys) {
      if (declared.validators.some((v) => v.key === key && v.declaredBy === context.metadata)) {
        throw new ArgumentError(`@validates("${key}") on ${String(context.name)}: '${key}' already has a validator in this class; validate it in one method.`);
      }
      // A subclass's validator of a key replaces its base class's.
      const inherited = declared.validators.findIndex((v) => v.key === key);
      if (inherited >= 0) declared.validators.splice(inherited, 1);
      declared.validators.push({ key, fn: byName(context.name, method) as Validator, declaredBy: context.metadata });
    }
  };
  return decorator as unknown as ValidatorDecorator<K>;
}

/**
 * Runs before a new object's INSERT, in the flush, before anything is written: changes it makes
 * (to any object) are written by that flush.
 *
 * ```ts
 * @model("documents")
 * class Document extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(datetime()) accessor updatedAt!: Date | null;
 *
 *   @beforeInsert @beforeUpdate
 *   stamp() { this.updatedAt = new Date(); }
 * }
 * ```
 */
export const beforeInsert: HookDecorator = hookDecorator("beforeInsert");
/** Runs once the flush has inserted the object's row (in the transaction, not committed yet). */
export const afterInsert: HookDecorator = hookDecorator("afterInsert");
/** Runs before a changed object is written by a flush, before anything is written: changes it makes are written by that flush. */
export const beforeUpdate: HookDecorator = hookDecorator("beforeUpdate");
/** Runs once the flush has written the changed object. */
export const afterUpdate: HookDecorator = hookDecorator("afterUpdate");
/** Runs before the flush deletes the object's row (deletes a cascade reaches too); may throw to refuse it. */
export const beforeDelete: HookDecorator = hookDecorator("beforeDelete");
/** Runs once the flush has deleted the object's row. */
export const afterDelete: HookDecorator = hookDecorator("afterDelete");
/** Runs when an object is made from a row, or its expired columns are read again (a refresh); synchronous. */
export const afterLoad: LoadHookDecorator = hookDecorator("afterLoad") as unknown as LoadHookDecorator;

function hookDecorator(kind: HookKind): HookDecorator {
  const decorator = (method: Hook, context: ClassMethodDecoratorContext) => {
    refuseLegacyCall(`@${kind}`, method, context);
    if (kind === "afterLoad" && method.constructor.name === "AsyncFunction") throw asyncLoadHook(method);
    declaredIn(context, `@${kind}`).hooks.push({ kind, fn: byName(context.name, method) as Hook });
  };
  return decorator as unknown as HookDecorator;
}

/** Calls the object's method of that name: a subclass overriding it is called instead (as TypeORM's listeners are). */
function byName(name: string | symbol, method: (...args: any[]) => unknown): (...args: any[]) => unknown {
  const call = function (this: Record<string | symbol, (...args: unknown[]) => unknown>, ...args: unknown[]) {
    return this[name]!(...args);
  };
  return Object.defineProperty(call, "name", { value: method.name || String(name) });
}

/** This class's own list of declarations in its metadata: its base class's copied first, never changed. */
function declaredIn(context: ClassMethodDecoratorContext, decorator: string): Declared {
  if (context.kind !== "method" || context.static || context.private) {
    throw new ArgumentError(`${decorator} applies to public instance methods: ${String(context.name)} is not one.`);
  }
  if (!context.metadata) throw new ArgumentError(`${decorator}: decorator metadata is missing (compile with standard decorators).`);
  const metadata = context.metadata as Record<PropertyKey, unknown>;
  if (!Object.hasOwn(metadata, EVENTS)) {
    const inherited = metadata[EVENTS] as Declared | undefined;
    metadata[EVENTS] = { validators: [...(inherited?.validators ?? [])], hooks: [...(inherited?.hooks ?? [])] } satisfies Declared;
  }
  return metadata[EVENTS] as Declared;
}

/** What a class's (and its base classes') decorators declared, for `installModelEvents`. */
export function declaredEvents(metadata: DecoratorMetadataObject): ModelEventSpec {
  const declared = (metadata as Record<PropertyKey, unknown>)[EVENTS] as Declared | undefined;
  const hooks = new Map<HookKind, Hook[]>();
  for (const { kind, fn } of declared?.hooks ?? []) {
    const list = hooks.get(kind);
    if (list) list.push(fn);
    else hooks.set(kind, [fn]);
  }
  return { validators: new Map(declared?.validators.map((v) => [v.key, v.fn])), hooks };
}
