/**
 * Compile-time checks of declarative mappings: the public names the decorators and model files use.
 *
 * A field decorator's return type is `Checked...Result<...>`: `void` when the declaration is
 * sound (tsc accepts it where it expects the accessor decorator's result), otherwise
 * `MappingError<message>`, which tsc reports on the
 * decorator's line as
 *
 *     error TS1270: Decorator function return type 'MappingError<"athanor: Parent.children: ...">'
 *       is not assignable to type 'void | ClassAccessorDecoratorResult<Parent, Child[]>'.
 *
 * (A bare string literal would be printed as 'string': tsc widens a literal return type in that
 * message.) The check is in the return type rather than in a parameter's so that `This` and `V`
 * are inferred from the target, a `ClassAccessorDecoratorTarget` like tsc's own, by comparing type
 * arguments, and the arguments are checked the same way; the check is then evaluated once, with
 * the inferred types. Error messages (including the O(models) lookup of the class's name) are
 * only built when a check fails.
 *
 * The checks themselves live in relationship-checks.ts and column-checks.ts; shared helpers in
 * type-utils.ts. relationship-fast-path.ts recognises the common sound relationship first, in a
 * fraction of the full check's cost. docs/performance.md has the measured cost.
 */
import type { AnyColumnBuilder } from "../../core/schema/column-builder.js";
import type { ColumnCheck } from "./column-checks.js";
import type { RelationshipCheck } from "./relationship-checks.js";
import type { RelationshipFastPath } from "./relationship-fast-path.js";

/**
 * The model registry, by name: each model file adds itself with
 * `declare module "athanor" { interface Models { Child: Child } }`. The key is the class name.
 * String relationship targets must be keys of it; relationship checks read the other end's
 * attribute types from it.
 */
export interface Models {}
export type ModelName = keyof Models;

/** Phantom key of the `Rel` brand: declared only, it never exists at run time. */
export declare const BACK: unique symbol;

/**
 * A relationship attribute's type with the name of its back-reference recorded (type-level only):
 * `Rel<Child[], "parents">` is used exactly like `Child[]`, `Rel<Parent | null, "children">` like
 * `Parent | null`. Decorators cannot change a class's type, so this brand is the only way the
 * checks on the other end can see which attribute this one points back to.
 */
export type Rel<T, B extends string> = T extends null | undefined ? T : T & { readonly [BACK]?: B };

/**
 * Phantom key of a write-only collection's element type (`WriteOnlyCollection<T>` declares it):
 * declared only, it never exists at run time. The checks read a write-only attribute's target through it.
 */
export declare const WRITE_ONLY: unique symbol;

/** What every `WriteOnlyCollection<T>` is to the checks: its element type under the phantom key. */
export interface WriteOnlyMark<E> {
  readonly [WRITE_ONLY]: E;
}

/** Phantom key of the `Given` brand: declared only, it never exists at run time. */
export declare const GIVEN: unique symbol;

/**
 * The type of a primary-key attribute that each new object must be given, because the database
 * does not generate it (a text key, `.autoincrement(false)`, a key with only a server default):
 * `accessor code!: Given<string>` is used exactly like `string`. The column check requires it on
 * such keys (and refuses it elsewhere), so that `create(Model, values)` requires the key.
 * Decorators cannot change a class's type: this brand is how the class's type says so.
 */
export type Given<T> = T & { readonly [GIVEN]?: true };

/**
 * What a field decorator returns, as a type, when its declaration does not check: tsc reports it
 * as not assignable to the accessor result it expects, with the message. An interface rather than
 * a tuple: checking a factory call such as `column(...)`, tsc infers from the decorator type it
 * expects into the factory's return type, both branches of the check included, and inferring into
 * a tuple resolved the tuple's array members on every decorator.
 */
export interface MappingError<M extends string> {
  readonly error: M;
}

export type RelationshipKind = "manyToOne" | "oneToMany" | "oneToOne" | "manyToMany";

/**
 * A relationship target: a model name (a key of `Models`), or a thunk returning the model class.
 * `string & {}` keeps editor completion of model names while letting a misspelled name through
 * to the check, which reports it with a readable message.
 */
export type TargetRef = ModelName | (string & {}) | (() => abstract new (...args: any[]) => object);

/**
 * The return type of `@manyToOne(target, options)` (and the other kinds) applied to attribute `N`
 * of type `V` in class `This`: `void` when the declaration checks, else `MappingError<message>`.
 * (`void` rather than the accessor result the decorator returns at run time: tsc accepts either,
 * and `void` is not instantiated per decorator.) The fast path is asked once: for a target typed
 * `never` it gives `never`, which passes as the full check lets it (a `never` target has no value).
 */
export type CheckedRelationshipResult<Kind extends RelationshipKind, T extends TargetRef, O, This, V, N extends string> =
  // The target first: checking the factory call, tsc instantiates this type before T is inferred,
  // and a test of T stops there at once (`unknown extends V` went on into the fast path's
  // arguments). `T & {}`: not distributive, so a union of targets reaches the checks whole.
  T & {} extends ModelName
    ? unknown extends V // any or unknown: left to the full check
      ? FullRelationshipCheck<Kind, T, O, This, V, N>
      : RelationshipFastPath<Kind, T, O, This, V, N> extends true // `boolean` for a union of targets: the full check
        ? void
        : FullRelationshipCheck<Kind, T, O, This, V, N>
    : FullRelationshipCheck<Kind, T, O, This, V, N>; // a misspelled name, or a thunk

type FullRelationshipCheck<Kind extends RelationshipKind, T, O, This, V, N extends string> =
  RelationshipCheck<Kind, T, O, This, V, N> extends infer R ? ([R] extends [true] ? void : MappingError<R & string>) : never;

/**
 * The return type of `@column(builder)` applied to attribute `N` of type `V` in class `This`:
 * `void` when the declaration checks, else `MappingError<message>`.
 * Whether a column declaration checks depends on the builder and the attribute's type only (the
 * class and the attribute's name appear only in messages), so the check runs first as
 * `ColumnCheck<B, unknown, V, "">`: tsc caches that by `B` and `V`, which most columns of most
 * models share (`integer().primaryKey()` on `number`), and the check with this class's names runs
 * only to word a message.
 */
export type CheckedColumnResult<B extends AnyColumnBuilder, This, V, N extends string> =
  ColumnCheck<B, unknown, V, ""> extends true
    ? void
    : ColumnCheck<B, This, V, N> extends infer R
      ? [R] extends [true] ? void : MappingError<R & string>
      : never;
