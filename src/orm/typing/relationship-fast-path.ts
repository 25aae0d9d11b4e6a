// The common sound relationship declaration, recognised in one cheap step before the full check runs.
import type { ModelName, Models, Rel, RelationshipKind } from "./checks.js";

/**
 * `true` when `@<Kind>(T, O)` on attribute `N: V` of class `This` is one of the common sound forms
 * (both ends written with `Rel<>` and naming each other), else `false`, and the full check in
 * relationship-checks.ts decides and words the message. Written for cost: one alias, no helper
 * aliases, and the expected types built with `Rel<>` itself, so that tsc finds them in its cache
 * (the attribute declarations already instantiated them) and compares them by identity.
 *
 * Soundness: `true` only where the full check accepts too. The forms, with `B` the literal
 * `backPopulates`, `Target` the model named `T`, `R` the type of `Target[B]`:
 *
 * - oneToMany:  V ≡ Rel<Target[], B>,          R ≡ Rel<This | null, N>, no secondary
 * - manyToMany: V ≡ Rel<Target[], B>,          R ≡ Rel<This[], N>,      a secondary
 * - manyToOne:  V ≡ Rel<Target | null, B>,     R ≡ Rel<This[], N>,      no secondary
 * - oneToOne:   V ≡ Rel<Target | null, B>,     R ≡ Rel<This | null, N>, no secondary
 *
 * and no `orderBy` (checked against the target's attributes by the full check), and not
 * `lazy: "writeOnly"` (whose attribute the full check requires to be a `WriteOnlyCollection`). `≡` is mutual
 * assignability, which is what the full check compares with. Never asked about an `any` or
 * `unknown` attribute: CheckedRelationshipResult leaves those to the full check (which refuses
 * `any` for a collection).
 *
 * The options are matched against one prebuilt interface per kind (a secondary or not), and `B`
 * read as `O["backPopulates"]`: `infer B extends keyof Models[T] & string` built a fresh object
 * type and checked `B` against that constraint on every decorator. A `B` that is not an
 * attribute of the target indexes with `never`, and `R` (never) then fails the comparison.
 * `T extends ModelName` rather than `[T] extends [ModelName]`: relating the one-element tuples
 * resolved their array members on every decorator.
 */
export type RelationshipFastPath<Kind extends RelationshipKind, T, O, This, V, N extends string> =
  T extends ModelName // distributive: never for T = never, boolean for a union (see CheckedRelationshipResult)
    ? O extends HasOrderBy | WriteOnly
      ? false
      : O extends (Kind extends "manyToMany" ? WithSecondary : WithoutSecondary) // inline: an alias here cost 3 instantiations more per decorator
        ? SameForms<
            V,
            Kind extends "oneToMany" | "manyToMany" ? Rel<Models[T][], O["backPopulates"]> : Rel<Models[T] | null, O["backPopulates"]>,
            Models[T][O["backPopulates"] & keyof Models[T]],
            Kind extends "manyToMany" | "manyToOne" ? Rel<This[], N> : Rel<This | null, N>
          >
        : false
    : false;

/** Both pairs mutually assignable, in one comparison of two tuples (one conditional type, rather than one per condition). */
type SameForms<V, ExpectedV, R, ExpectedR> = [V, ExpectedV, R, ExpectedR] extends [ExpectedV, V, ExpectedR, R] ? true : false;

// Named rather than written inline: an object type written inside the generic alias is
// instantiated afresh for every decorator; these are built once.
interface HasOrderBy {
  readonly orderBy: unknown;
}
interface WriteOnly {
  readonly lazy: "writeOnly";
}
/** The options of the fast path's forms: a `backPopulates`, and a secondary if and only if manyToMany. */
interface WithSecondary {
  readonly backPopulates: string;
  readonly secondary: {};
}
interface WithoutSecondary {
  readonly backPopulates: string;
  readonly secondary?: undefined;
}
