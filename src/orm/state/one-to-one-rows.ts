/**
 * A one-to-one whose foreign key is on the other side holds one object, but a foreign key without
 * a unique constraint lets several rows name the same owner. Loaded, the relationship showed the
 * first of them and hid the rest; assigned another object or null, the flush unlinked the one shown,
 * the commit resolved, and a reload found a hidden one: the assignment undone. Such a load is
 * refused (SQLAlchemy warns and loads the first).
 */
import { MultipleResultsFoundError } from "../../core/errors.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf } from "./instance-state.js";

/** @internal Throws when more than one row of a one-to-one names `owner`. */
export function assertOneRow(owner: object, rel: RelationshipProperty, members: readonly object[]): void {
  if (members.length <= 1) return;
  const keyOf = (obj: object) => {
    const state = stateOf(obj);
    return state === undefined ? "?" : state.mapper.keyAttributes.map((attr) => `${attr}=${String(state.dict[attr])}`).join(", ");
  };
  const target = rel.resolved.target;
  const fk = rel.resolved.pairs.map(([, column]) => `${column.table.name}.${column.name}`).join(", ");
  throw new MultipleResultsFoundError(
    `${rel} is a one-to-one, but ${members.length} rows name the ${rel.parent.name} (${keyOf(owner)}): ` +
      `${members.map((m) => `${target.name} (${keyOf(m)})`).join(", ")}. Loaded, it would show one of them, and an assignment ` +
      `would leave the others naming it. Make ${fk} unique, or map the relationship as a list (oneToMany). Nothing was loaded for it.`,
  );
}
