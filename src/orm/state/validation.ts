/**
 * Validators (`@validates(...)`) at the moment the application assigns an attribute or adds a
 * member to a list: before anything changes, so that one that throws leaves the object as it was.
 * Loading never comes through here (hydration fills the dict directly). A column's validator may
 * return another value (normalised); a relationship's accepts its object or throws, and runs too
 * when the change comes from the other side of a `backPopulates` pair (`child.parent = p` runs
 * `Parent.children`'s validator), as SQLAlchemy's do by default.
 */
import { ArgumentError } from "../../core/errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { Validator } from "../mapping/model-events.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { AttributeImpl } from "./attributes.js";
import { assertNotDeleted, assertTargetOf } from "./target-check.js";

/** Checks one object put into a relationship (`owner` gains `member`, or `member` is null: a reference cleared). */
export type MemberCheck = (owner: object, member: object | null) => void;

/** A column attribute's implementation whose sets go through `validator` first. */
export function validatedImpl(mapper: Mapper, key: string, inner: AttributeImpl, validator: Validator): AttributeImpl {
  return {
    get: (obj) => inner.get(obj),
    set(obj, value) {
      const result = validator.call(obj, key, value);
      if (result === undefined) throw returnedUndefined(mapper, key, validator);
      inner.set(obj, result);
    },
  };
}

/**
 * The check of what `rel` gains: its own validator (on the owner) and its back-reference's (on
 * the member), or undefined when neither model validates them. Read once per relationship.
 */
export function memberCheck(rel: RelationshipProperty): MemberCheck | undefined {
  const own = rel.parent.events?.validators.get(rel.key);
  const back = rel.backRef;
  const other = back === undefined ? undefined : back.parent.events?.validators.get(back.key);
  if (own === undefined && other === undefined) return undefined;
  return (owner, member) => {
    if (own !== undefined) expectSame(rel, own, own.call(owner, rel.key, member), member);
    if (other !== undefined && member !== null) expectSame(back!, other, other.call(member, back!.key, owner), owner);
  };
}

function expectSame(rel: RelationshipProperty, validator: Validator, result: unknown, given: object | null): void {
  if (result === given) return;
  throw new ArgumentError(
    `${String(rel)}: its validator ${validatorName(validator)} returned ${result === undefined ? "undefined" : "another value"} than the object it was given. ` +
      `A relationship's validator accepts the object (return it) or refuses it (throw): nothing was changed.`,
  );
}

function returnedUndefined(mapper: Mapper, key: string, validator: Validator): ArgumentError {
  return new ArgumentError(
    `${mapper.name}.${key}: its validator ${validatorName(validator)} returned undefined. Return the value to store (null for none), or throw to refuse it: nothing was changed.`,
  );
}

function validatorName(validator: Validator): string {
  return validator.name ? `${validator.name}()` : "(anonymous)";
}

/** The relationship whose whole-list assignment is under way, its new members validated already. */
let validatedAssignment: RelationshipProperty | undefined;

/**
 * A list assigned whole: its new members (those `loaded` lacks) are checked first, then `assign`
 * runs without checking them again as they are pushed (`memberAdded`).
 */
export function checkedAssignment(
  owner: object,
  rel: RelationshipProperty,
  loaded: readonly object[] | undefined,
  items: readonly object[],
  check: MemberCheck,
  assign: () => void,
): void {
  const kept = new Set(loaded);
  for (const item of items) if (!kept.has(item)) check(owner, item);
  const outer = validatedAssignment;
  validatedAssignment = rel;
  try {
    assign();
  } finally {
    validatedAssignment = outer;
  }
}

/**
 * Refuses a member added to `rel`'s list that is not one of its target's objects, was deleted, or
 * that a validator refuses (unless a whole-list assignment checked it already).
 */
export function acceptMember(rel: RelationshipProperty, owner: object, member: object, check: MemberCheck | undefined): void {
  assertTargetOf(rel, member, false);
  assertNotDeleted(rel, member);
  if (check !== undefined && validatedAssignment !== rel) check(owner, member);
}
