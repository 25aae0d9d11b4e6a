/**
 * Compile-time checks of declarative mappings (PLACEHOLDER: permissive; the real checks replace
 * the bodies of these types, keeping their names and parameters).
 *
 * A decorator's `value` parameter has type `Checked...<...>`: the decorator target itself when the
 * declaration is sound, otherwise a string literal type holding the error message, which tsc then
 * prints ("... is not assignable to parameter of type '"athanor: ..."'").
 */
import type { AnyColumnBuilder } from "../../core/schema/column-builder.js";

/**
 * The model registry, by name: each model file adds itself with
 * `declare module "athanor" { interface Models { Child: Child } }`. The key is the class name.
 */
export interface Models {}
export type ModelName = keyof Models;

declare const BACK: unique symbol;
/**
 * A relationship attribute's type with the name of its back-reference recorded (type-level only):
 * `Rel<Child[], "parents">` is used exactly like `Child[]`.
 */
export type Rel<T, B extends string> = T extends null | undefined ? T : T & { readonly [BACK]?: B };

export type RelationshipKind = "manyToOne" | "oneToMany" | "oneToOne" | "manyToMany";

/** A relationship target: a model name, or a thunk returning the model class. */
export type TargetRef = ModelName | (() => abstract new (...args: any[]) => object);

export type CheckedRelationshipTarget<Kind extends RelationshipKind, T extends TargetRef, O, This, V, N extends string> =
  ClassAccessorDecoratorTarget<This, V>;

export type CheckedColumnTarget<B extends AnyColumnBuilder, This, V, N extends string> = ClassAccessorDecoratorTarget<This, V>;
