/**
 * A `containsEager` load takes its targets from the query's own JOIN, whose condition is the
 * application's. One that does not follow the relationship (a document joined to its editor,
 * loaded as `doc.author`) showed another object than the relationship names, and the next flush
 * of a many-to-one copied that object's key over the row's: the commit resolved with the row
 * re-pointed, unasked. Each row the JOIN paired is checked against the relationship's keys, as
 * the row holds them (not the object, which may be older than the row): the parent's column and
 * the target's of each pair must be equal, or the query is refused before anything is loaded.
 */
import { ArgumentError } from "../../core/errors.js";
import { identityKeyOf } from "../identity/identity-map.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { looseKeyOf } from "./loose-keys.js";

/** Throws when a row pairs a parent and a target the relationship would not join. */
export interface JoinedRowCheck {
  (row: readonly unknown[]): void;
  /** The check without its error: whether the row's parent and target are a pair of the relationship. */
  readonly matches: (row: readonly unknown[]) => boolean;
}

/** @internal Where the parent's and the target's columns are in the rows. */
export interface JoinedColumns {
  readonly start: number;
  /** The attributes read, in row order from `start`. */
  readonly keys: readonly string[];
}

/**
 * @internal The check of the rows of `option` (its text, for the error), or undefined where the
 * rows cannot tell (a many-to-many: the link columns are not selected; a key column not loaded).
 * `loose`: the database compares text without case (MariaDB/MySQL), so its JOIN may pair keys that
 * differ so (loose-keys.ts).
 */
export function joinedKeyCheck(option: string, rel: RelationshipProperty, parent: JoinedColumns, target: JoinedColumns, loose: boolean): JoinedRowCheck | undefined {
  if (rel.resolved.direction === "manyToMany") return undefined;
  // [the parent's attribute, the target's] per pair: a foreign key and the key it names, either way round.
  const pairs = rel.attributePairs;
  const parentAt = pairs.map(([attr]) => parent.keys.indexOf(attr));
  const targetAt = pairs.map(([, attr]) => target.keys.indexOf(attr));
  if (parentAt.includes(-1) || targetAt.includes(-1)) return undefined;
  const parentIndexes = parentAt.map((i) => parent.start + i);
  const targetIndexes = targetAt.map((i) => target.start + i);
  const matches = (row: readonly unknown[]) =>
    identityKeyOf(parentIndexes, row) === identityKeyOf(targetIndexes, row) || (loose && looseKeyOf(parentIndexes, row) === looseKeyOf(targetIndexes, row));
  const check = (row: readonly unknown[]) => {
    if (!matches(row)) throw wrongJoin(option, rel, parentIndexes.map((i) => row[i]), targetIndexes.map((i) => row[i]));
  };
  return Object.assign(check, { matches });
}

function wrongJoin(option: string, rel: RelationshipProperty, parentValues: readonly unknown[], targetValues: readonly unknown[]): ArgumentError {
  const { pairs, target } = rel.resolved;
  const show = (values: readonly unknown[]) => values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ");
  const columns = (side: 0 | 1) => pairs.map((pair) => pair[side].name).join(", ");
  const condition = pairs.map(([mine, theirs]) => `${mine.table.name}.${mine.name} = ${theirs.table.name}.${theirs.name}`).join(" AND ");
  return new ArgumentError(
    `${option}: the query's JOIN does not follow ${rel}: it paired a ${rel.parent.name} row whose ${columns(0)} is ${show(parentValues)} ` +
      `with a ${target.name} row whose ${columns(1)} is ${show(targetValues)}. Join on the relationship's columns (${condition}), ` +
      `adding any condition of yours to it, or load the relationship with joinedLoad() or selectinLoad(). Nothing was loaded.`,
  );
}
