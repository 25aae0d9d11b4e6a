// Small type-level helpers shared by the mapping checks: equality, list shapes, the Rel brand, message text.
import type { BACK, ModelName, Models, WriteOnlyMark } from "./checks.js";

/** Mutual assignability, without distributing over unions. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Whether the attribute type holds many (`T[]`, `readonly T[]`, `WriteOnlyCollection<T>`, branded
 * or not), ignoring null.
 */
export type IsList<V> = [NonNullable<V>] extends [readonly unknown[] | WriteOnlyMark<unknown>] ? true : false;

/**
 * The element type of a list attribute (or a write-only collection), or the non-null scalar type. Indexing with `[number]`
 * rather than inferring from `readonly (infer E)[]`: that inference, on a branded list, cost a
 * third of all the checks' instantiations.
 */
export type ElemOf<V> = NonNullable<V> extends readonly unknown[]
  ? NonNullable<V>[number]
  : NonNullable<V> extends WriteOnlyMark<infer E> ? E : NonNullable<V>;

/**
 * The back-reference recorded by `Rel<..., "name">`, or `undefined` when the type is not branded
 * (an unbranded type has no property in common with the all-optional brand, so it does not
 * extend it). Not distributive: `Rel<Parent | null, "x">` gives `"x"`.
 */
export type BackOf<V> = NonNullable<V> extends { readonly [BACK]?: infer B } ? Exclude<B, undefined> : undefined;

export type IsUnion<U, All = U> = U extends unknown ? ([All] extends [U] ? false : true) : never;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type LastOf<U> = UnionToIntersection<U extends unknown ? () => U : never> extends () => infer L ? L : never;

/** `"a" | "b"` → `"'a', 'b'"` (order unspecified). Only used to build messages, for small unions. */
export type Join<U extends string, Acc extends string = ""> = [U] extends [never]
  ? Acc
  : LastOf<U> extends infer L extends string
    ? Join<Exclude<U, L>, Acc extends "" ? `'${L}'` : `'${L}', ${Acc}`>
    : Acc;

/**
 * The name under which an instance type is registered in `Models`, or never. O(number of
 * models): only ever evaluated while building an error message.
 */
type NameOf<This> = { [P in ModelName]: Same<Models[P], This> extends true ? P : never }[ModelName];

/**
 * `This`'s model name for messages ("Parent"); "" when it is not in `Models`; the names joined
 * when several structurally identical models match.
 */
export type ClassLabel<This> = NameOf<This> extends infer K extends string
  ? [K] extends [never] ? "" : true extends IsUnion<K> ? Join<K> : K
  : never;

/** The attribute a message is about: `Parent.children` (just `children` for an unregistered class). */
export type Where<This, N extends string> = ClassLabel<This> extends infer C extends string
  ? C extends "" ? N : `${C}.${N}`
  : never;

/** The message type a failed check returns; tsc prints it as the decorator's parameter type. */
export type Err<M extends string> = `athanor: ${M}`;
