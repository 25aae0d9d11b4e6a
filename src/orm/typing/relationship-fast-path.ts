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
 * and no `orderBy` (checked against the target's attributes by the full check). `≡` is mutual
 * assignability, which is what the full check compares with; an `any` or `unknown` attribute is
 * left to the full check (which refuses `any` for a collection).
 */
export type RelationshipFastPath<Kind extends RelationshipKind, T, O, This, V, N extends string> =
  [T] extends [ModelName]
    ? unknown extends V // any (and unknown): left to the full check
      ? false
      : O extends HasOrderBy
        ? false
        : O extends { readonly backPopulates: infer B extends keyof Models[T] & string }
          ? SameForms<
              V,
              Kind extends "oneToMany" | "manyToMany" ? Rel<Models[T][], B> : Rel<Models[T] | null, B>,
              Models[T][B],
              Kind extends "manyToMany" | "manyToOne" ? Rel<This[], N> : Rel<This | null, N>,
              O extends HasSecondary ? true : false,
              Kind extends "manyToMany" ? true : false
            >
          : false
    : false;

/**
 * Both pairs mutually assignable and the two flags equal, in one comparison of two tuples (one
 * conditional type, rather than one per condition).
 */
type SameForms<V, ExpectedV, R, ExpectedR, Secondary, NeedsSecondary> =
  [V, ExpectedV, R, ExpectedR, Secondary] extends [ExpectedV, V, ExpectedR, R, NeedsSecondary] ? true : false;

// Named rather than written inline: an object type written inside the generic alias is
// instantiated afresh for every decorator; these are built once.
interface HasOrderBy {
  readonly orderBy: unknown;
}
interface HasSecondary {
  readonly secondary: {};
}
