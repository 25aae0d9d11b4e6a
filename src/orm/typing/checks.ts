/**
 * Compile-time checks of declarative mappings: the public names the decorators and model files use.
 *
 * A decorator's first parameter has type `Checked...<...>`: the decorator target itself when the
 * declaration is sound, otherwise a string literal type holding the error message, so tsc reports
 * the mistake on the decorator's line as
 *
 *     error TS1240: Unable to resolve signature of property decorator when called as an expression.
 *       Argument of type 'ClassAccessorDecoratorTarget<Parent, Child[]>' is not assignable to
 *       parameter of type '"athanor: Parent.children: ..."'.
 *
 * The decorators declare that parameter as `NoInfer<Checked...>`, so `This`, `V` and `N` are
 * inferred from the decorator context only. Without it, tsc infers into both branches of the check
 * and builds every error message on every decorator (quadratic in the number of models). Error
 * messages (including the O(models) lookup of the class's name) are only built when a check fails.
 * While it infers them, tsc instantiates that parameter's type with `This`, `V` and `N` still
 * unknown; both checks test `unknown extends V` first, so that they stay deferred there at once
 * instead of running as far as they can without `V` on every decorator.
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

export type RelationshipKind = "manyToOne" | "oneToMany" | "oneToOne" | "manyToMany";

/**
 * A relationship target: a model name (a key of `Models`), or a thunk returning the model class.
 * `string & {}` keeps editor completion of model names while letting a misspelled name through
 * to the check, which reports it with a readable message.
 */
export type TargetRef = ModelName | (string & {}) | (() => abstract new (...args: any[]) => object);

/**
 * The first parameter of `@manyToOne(target, options)` (and the other kinds) applied to attribute
 * `N` of type `V` in class `This`: the accessor target when the declaration checks, else the message.
 */
export type CheckedRelationshipTarget<Kind extends RelationshipKind, T extends TargetRef, O, This, V, N extends string> =
  unknown extends V // any or unknown: the full check (first, to defer while V is inferred: see the header)
    ? FullRelationshipCheck<Kind, T, O, This, V, N>
    : RelationshipFastPath<Kind, T, O, This, V, N> extends true
      ? true extends RelationshipFastPath<Kind, T, O, This, V, N> // not never (the fast path gives never for T = never)
        ? ClassAccessorDecoratorTarget<This, V>
        : FullRelationshipCheck<Kind, T, O, This, V, N>
      : FullRelationshipCheck<Kind, T, O, This, V, N>;

type FullRelationshipCheck<Kind extends RelationshipKind, T, O, This, V, N extends string> =
  RelationshipCheck<Kind, T, O, This, V, N> extends infer R ? ([R] extends [true] ? ClassAccessorDecoratorTarget<This, V> : R) : never;

/**
 * The first parameter of `@column(builder)` applied to attribute `N` of type `V` in class `This`.
 * Whether a column declaration checks depends on the builder and the attribute's type only (the
 * class and the attribute's name appear only in messages), so the check runs first as
 * `ColumnCheck<B, unknown, V, "">`: tsc caches that by `B` and `V`, which most columns of most
 * models share (`integer().primaryKey()` on `number`), and the check with this class's names runs
 * only to word a message.
 */
export type CheckedColumnTarget<B extends AnyColumnBuilder, This, V, N extends string> =
  unknown extends V ? ColumnTarget<B, This, V, N> : ColumnTarget<B, This, V, N>; // the same either way: only defers while V is inferred (see the header)

type ColumnTarget<B extends AnyColumnBuilder, This, V, N extends string> =
  ColumnCheck<B, unknown, V, ""> extends true
    ? ClassAccessorDecoratorTarget<This, V>
    : ColumnCheck<B, This, V, N> extends infer R
      ? [R] extends [true] ? ClassAccessorDecoratorTarget<This, V> : R
      : never;
