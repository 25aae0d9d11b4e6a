// Type-level checks of relationship declarations: target, cardinality by kind, secondary, and the backPopulates pair.
import type { ModelName, Models, RelationshipKind, WriteOnlyMark } from "./checks.js";
import type { BackOf, ClassLabel, ElemOf, Err, IsList, IsUnion, Join, Same, Where } from "./type-utils.js";

/**
 * `true` when `@<Kind>(T, O)` on attribute `N: V` of class `This` is sound, else the message.
 * The checks run in order and the first failure is reported:
 *
 * 1. the target: a key of `Models`, or a thunk returning a model class;
 * 2. cardinality: oneToMany/manyToMany hold `Target[]` (never null), or with `lazy: "writeOnly"`
 *    and only then `WriteOnlyCollection<Target>`; manyToOne/oneToOne hold `Target` or `Target | null`;
 * 3. the element type is the target's instance type;
 * 4. `secondary`: required by manyToMany, refused by the other kinds;
 * 4b. `orderBy` only on oneToMany/manyToMany, naming attributes of the target;
 * 5. the `Rel<..., "back">` brand, if any, names the same attribute as `backPopulates`;
 * 6. `backPopulates` names an attribute of the target that is typed as this class (scalar or list),
 *    that names this attribute back when it is branded, and whose cardinality fits this kind
 *    (the other end of a oneToMany or oneToOne is scalar; of a manyToMany, a list).
 *
 * Error branches are never evaluated for a sound declaration, so only the success path (O(1) per
 * decorator) counts toward type-checking time.
 */
export type RelationshipCheck<Kind extends RelationshipKind, T, O, This, V, N extends string> =
  [T] extends [string]
    ? [T] extends [ModelName]
      ? CheckCardinality<Kind, T, Models[T], O, This, V, N>
      : string extends T
        ? Err<`${Where<This, N>}: the target must be a model name literal (a key of Models) or a thunk returning the model class`>
        : Err<`${Where<This, N>}: target '${T}' is not a model name; check the spelling, or register the model in its file with declare module 'athanor' { interface Models { ${T}: ${T} } }`>
    : [T] extends [() => abstract new (...args: any[]) => infer I]
      ? CheckCardinality<Kind, T, I, O, This, V, N>
      : true;

type ListKind = "oneToMany" | "manyToMany";

/** The target's name in messages: the model name, or the registered name of the thunk's class. */
type TargetLabel<T> = T extends string
  ? T
  : T extends () => abstract new (...args: any[]) => infer I
    ? ClassLabel<I> extends infer C extends string ? (C extends "" ? "the thunk's class" : C) : never
    : never;

/** This class's name in messages. */
type ThisLabel<This> = ClassLabel<This> extends infer C extends string ? (C extends "" ? "this class" : C) : never;

/** The attribute type to declare, as shown in a fix: `Rel<Child[], 'parents'>`, `Child | null`... */
type Expected<Kind, T, O> = TargetLabel<T> extends infer L extends string
  ? ListOf<Kind, L, O> extends infer List extends string
    ? O extends { readonly backPopulates: infer B extends string }
      ? Kind extends ListKind ? `Rel<${List}, '${B}'>` : `Rel<${L}, '${B}'> or Rel<${L} | null, '${B}'>`
      : Kind extends ListKind ? List : `${L} or ${L} | null`
    : never
  : never;

/** The collection type of a fix: `Child[]`, or `WriteOnlyCollection<Child>` for a write-only one. */
type ListOf<Kind, L extends string, O> = Kind extends ListKind ? (O extends WriteOnlyOption ? `WriteOnlyCollection<${L}>` : `${L}[]`) : L;

interface WriteOnlyOption {
  readonly lazy: "writeOnly";
}

/** 2. A list for oneToMany/manyToMany (and never null), one object for manyToOne/oneToOne. */
type CheckCardinality<Kind extends RelationshipKind, T, Target, O, This, V, N extends string> =
  Kind extends ListKind
    ? IsList<V> extends false
      ? Err<`${Where<This, N>}: a ${Kind} attribute holds a list; declare it as ${Expected<Kind, T, O>}`>
      : null extends V
        ? Err<`${Where<This, N>}: a ${Kind} collection is never null or undefined (it is empty instead); declare it as ${Expected<Kind, T, O>}`>
        : undefined extends V
          ? Err<`${Where<This, N>}: a ${Kind} collection is never null or undefined (it is empty instead); declare it as ${Expected<Kind, T, O>}`>
          : CheckWriteOnly<Kind, T, Target, O, This, V, N>
    : IsList<V> extends true
      ? Err<`${Where<This, N>}: a ${Kind} attribute holds one object, not a list; declare it as ${Expected<Kind, T, O>}${Kind extends "manyToOne" ? ", or use @oneToMany for a list" : ""}`>
      : O extends WriteOnlyOption
        ? Err<`${Where<This, N>}: lazy: 'writeOnly' is for a oneToMany or manyToMany collection, and a ${Kind} holds one object; remove it`>
        : CheckElement<Kind, T, Target, O, This, V, N>;

/** 2b. `WriteOnlyCollection<Target>` if and only if `lazy: "writeOnly"`. */
type CheckWriteOnly<Kind extends RelationshipKind, T, Target, O, This, V, N extends string> =
  [NonNullable<V>] extends [WriteOnlyMark<unknown>]
    ? O extends WriteOnlyOption
      ? CheckElement<Kind, T, Target, O, This, V, N>
      : Err<`${Where<This, N>}: a WriteOnlyCollection attribute needs lazy: 'writeOnly' on its decorator; add it, or declare the attribute as ${Expected<Kind, T, O>} to load it`>
    : O extends WriteOnlyOption
      ? Err<`${Where<This, N>}: a write-only ${Kind} (lazy: 'writeOnly') is never loaded, so it is not a list; declare it as ${Expected<Kind, T, O>}`>
      : CheckElement<Kind, T, Target, O, This, V, N>;

/** 3. The declared element type is the target model. */
type CheckElement<Kind extends RelationshipKind, T, Target, O, This, V, N extends string> =
  Same<ElemOf<V>, Target> extends true
    ? CheckSecondary<Kind, T, Target, O, This, V, N>
    : Err<`${Where<This, N>}: the declared type does not hold ${TargetLabel<T>}, the relationship's target; declare it as ${Expected<Kind, T, O>}`>;

/** 4. `secondary` if and only if manyToMany. */
type CheckSecondary<Kind extends RelationshipKind, T, Target, O, This, V, N extends string> =
  O extends { readonly secondary: {} }
    ? Kind extends "manyToMany"
      ? CheckOrderBy<Kind, T, Target, O, This, V, N>
      : Err<`${Where<This, N>}: a ${Kind} cannot have a secondary table; use @manyToMany for a relationship through an association table`>
    : Kind extends "manyToMany"
      ? Err<`${Where<This, N>}: a manyToMany needs its association table; pass secondary: '<table name>' (or a Table, a model name, or a thunk)`>
      : CheckOrderBy<Kind, T, Target, O, This, V, N>;

/** The attribute names an `orderBy` option names: items are names or `{ attr }` objects. */
type OrderAttrs<X> = X extends readonly (infer I)[] ? OrderAttr<I> : OrderAttr<X>;
type OrderAttr<I> = I extends string ? I : I extends { readonly attr: infer A extends string } ? A : never;

/** 4b. `orderBy` only on a collection, naming attributes of the target. */
type CheckOrderBy<Kind extends RelationshipKind, T, Target, O, This, V, N extends string> =
  O extends { readonly orderBy: infer X }
    ? Kind extends ListKind
      ? Exclude<OrderAttrs<X>, keyof Target & string> extends infer Bad extends string
        ? [Bad] extends [never]
          ? CheckBrand<Kind, T, Target, O, This, V, N>
          : Err<`${Where<This, N>}: orderBy names ${Join<Bad>}, which ${TargetLabel<T>} does not have; order by column attributes of ${TargetLabel<T>}`>
        : never
      : Err<`${Where<This, N>}: a ${Kind} holds one object, so it cannot have orderBy; remove it`>
    : CheckBrand<Kind, T, Target, O, This, V, N>;

/** 5. The `Rel<..., "back">` brand and `backPopulates` name the same attribute. */
type CheckBrand<Kind extends RelationshipKind, T, Target, O, This, V, N extends string> =
  BackOf<V> extends infer Own
    ? O extends { readonly backPopulates: infer B extends string }
      ? string extends B
        ? true // not a literal: nothing to check
        : [Own] extends [undefined]
          ? CheckBackPopulates<Kind, T, Target, B, This, N> // plain `Child[]`: the pair is checked from this side only
          : Same<Own, B> extends true
            ? CheckBackPopulates<Kind, T, Target, B, This, N>
            : Err<`${Where<This, N>}: backPopulates '${B}' disagrees with the declared type Rel<..., '${Own & string}'>; make them name the same attribute`>
      : [Own] extends [undefined]
        ? true
        : Err<`${Where<This, N>}: the declared type Rel<..., '${Own & string}'> names a back-reference but the decorator has no backPopulates; add backPopulates: '${Own & string}'`>
    : never;

/** 6a. backPopulates names an attribute of the target. */
type CheckBackPopulates<Kind extends RelationshipKind, T, Target, B extends string, This, N extends string> =
  B extends keyof Target
    ? CheckOtherEnd<Kind, T, B, Target[B], This, N>
    : Err<`${Where<This, N>}: backPopulates '${B}': ${TargetLabel<T>} has no attribute '${B}'${Candidates<T, Target, This>}`>;

/** The target's attributes typed as this class, listed when backPopulates names a missing attribute. */
type Candidates<T, Target, This> =
  { [P in keyof Target]-?: P extends string ? (Same<ElemOf<Target[P]>, This> extends true ? P : never) : never }[keyof Target] extends infer C extends string
    ? [C] extends [never]
      ? `, and none of its attributes is typed as ${ThisLabel<This>}; declare the other end on ${TargetLabel<T>}`
      : true extends IsUnion<C>
        ? `; its attributes typed as ${ThisLabel<This>} are ${Join<C>}`
        : `; did you mean '${C}'?`
    : never;

/** 6b. The other end is a relationship to this class that names this attribute back. */
type CheckOtherEnd<Kind extends RelationshipKind, T, B extends string, R, This, N extends string> =
  Same<ElemOf<R>, This> extends false
    ? Err<`${Where<This, N>}: backPopulates '${B}': ${TargetLabel<T>}.${B} is not a relationship to ${ThisLabel<This>} (it is not typed ${ThisLabel<This>}, ${ThisLabel<This>} | null or ${ThisLabel<This>}[]); name the attribute of ${TargetLabel<T>} that points back here`>
    : BackOf<R> extends infer Theirs
      ? [Theirs] extends [undefined]
        ? CheckPairKinds<Kind, T, B, R, This, N> // the other end is a plain type: whether it names N is not visible
        : Same<Theirs, N> extends true
          ? CheckPairKinds<Kind, T, B, R, This, N>
          : Err<`${Where<This, N>}: backPopulates '${B}': ${TargetLabel<T>}.${B} points back to '${Theirs & string}', not to '${N}'; the two ends must name each other`>
      : never;

/** 6c. The other end's cardinality fits: oneToMany ↔ manyToOne, oneToOne ↔ scalar, manyToMany ↔ manyToMany. */
type CheckPairKinds<Kind extends RelationshipKind, T, B extends string, R, This, N extends string> =
  Kind extends "oneToMany" | "oneToOne"
    ? IsList<R> extends true
      ? Err<`${Where<This, N>}: backPopulates '${B}': ${TargetLabel<T>}.${B} is a list, but the other end of a ${Kind} holds one object; make it ${Kind extends "oneToMany" ? "a @manyToOne" : "a @oneToOne or @manyToOne"} typed Rel<${ThisLabel<This>} | null, '${N}'>`>
      : true
    : Kind extends "manyToMany"
      ? IsList<R> extends false
        ? Err<`${Where<This, N>}: backPopulates '${B}': ${TargetLabel<T>}.${B} holds one object, but the other end of a manyToMany is a list; make it a @manyToMany typed Rel<${ThisLabel<This>}[], '${N}'>`>
        : true
      : true;
