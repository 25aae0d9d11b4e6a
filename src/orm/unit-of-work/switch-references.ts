/**
 * A row switch (a new object taking over the row of an object deleted in the same flush) is an
 * UPDATE: the old row is never deleted, so the database's ON DELETE never runs for it. Rows that
 * reference it and that the flush did not handle itself would silently belong to the new object:
 * children left to the database (`passiveDeletes`), or rows of a table this model has no list of.
 * Such rows refuse the switch; plain many-to-many links are deleted instead (`writeLinks`).
 */
import type { Column } from "../../core/schema/column.js";
import type { ForeignKey } from "../../core/schema/constraints.js";
import type { Table } from "../../core/schema/table.js";
import { select } from "../../core/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import { FlushOrderError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import { storedValue } from "../state/mutable-values.js";
import { formatKey } from "./persister.js";
import { keyConditions } from "./row-statements.js";

/**
 * Throws `FlushOrderError` when a row still references one of `olds` (deleted objects whose rows
 * new objects are about to take over) through a foreign key the flush did not follow, and the
 * session does not move it away in this flush. One SELECT per such foreign key (per chunk of
 * keys); none for a table nothing references (association rows, mostly).
 */
export async function checkSwitchedRowsUnreferenced(conn: Connection, identity: IdentityMap, mapper: Mapper, olds: readonly InstanceState[]): Promise<void> {
  for (const table of mapper.table.metadata.tables.values()) {
    for (const fk of table.foreignKeys) {
      if (fk.referredTable !== mapper.table || handledByFlush(mapper, fk, olds)) continue;
      const referred = fk.referredColumns.map((column) => mapper.attributeFor(column));
      if (referred.some((attr) => attr === undefined)) continue;
      // A key with a NULL is referenced by no row.
      const keys = olds.map((old) => referred.map((attr) => storedValue(old, attr!))).filter((key) => key.every((value) => value !== null && value !== undefined));
      // The referencing rows' keys, to ask whether the session moves each away (a few: past
      // MOVED_LIMIT, refused without asking). One SELECT per chunk of keys: one over every
      // switched row passed the database's parameter limit.
      const found: Record<string, unknown>[] = [];
      for (const condition of keyConditions(conn, fk.columns, keys)) {
        if (found.length > MOVED_LIMIT) break;
        found.push(...((await conn.execute(select(...table.primaryKey).from(table).where(condition).limit(MOVED_LIMIT + 1 - found.length))).rows as Record<string, unknown>[]));
      }
      if (found.length === 0) continue;
      if (found.length <= MOVED_LIMIT && found.every((row) => movedAway(identity, table, fk, row, olds, keys))) continue;
      const old = olds[0]!;
      const named = `${mapper.name} (${mapper.keyAttributes.map((attr) => `${attr}=${formatKey(storedValue(old, attr))}`).join(", ")})`;
      throw new FlushOrderError(
        `A new ${mapper.name} takes the key of a deleted one in one flush, but rows of '${table.name}' still reference the deleted ` +
          `row (${old.key === undefined ? mapper.name : named} or another of this flush) through ${fk.columns.map((c) => c.name).join(", ")}, ` +
          `which the flush does not follow (passiveDeletes, or no list of them on ${mapper.name}). Taking the row over would give them to ` +
          `the new object: flush the deletion first, then add the new object. Nothing of this flush was written.`,
      );
    }
  }
}

/** How many referencing rows a switch looks up in the session before it refuses. */
const MOVED_LIMIT = 1000;

/**
 * Whether the session's object of a referencing row (`row`: its primary key) leaves the deleted
 * rows in this flush: it is deleted too, or its many-to-one through `fk` names another object (or
 * none), or, that reference not loaded, its foreign key was set to another value. Such a row used
 * to refuse the switch, though the flush writes it away before the commit.
 */
function movedAway(identity: IdentityMap, table: Table, fk: ForeignKey, row: Record<string, unknown>, olds: readonly InstanceState[], oldKeys: readonly unknown[][]): boolean {
  for (const mapper of olds[0]!.mapper.registry.mappers) {
    if (mapper.table !== table) continue;
    const key: Record<string, unknown> = {};
    for (const column of table.primaryKey) key[mapper.attributeFor(column) ?? ""] = row[column.key];
    const obj = identity.get(mapper, identityKeyOf(mapper.keyAttributes, key));
    const state = obj === undefined ? undefined : stateOf(obj);
    if (state === undefined) continue;
    if (state.deletePending) return true;
    const fkAttrs = fk.columns.map((column) => mapper.attributeFor(column));
    if (fkAttrs.some((attr) => attr === undefined)) return false;
    for (const rel of mapper.flushedRelationships.manyToOne) {
      const columns = rel.resolved.pairs.map(([local]) => local);
      if (columns.length !== fk.columns.length || !fk.columns.every((c) => columns.includes(c))) continue;
      const target = state.dict[rel.key] as object | null | undefined;
      if (target !== undefined) return !olds.some((old) => old.obj === target);
    }
    // The reference not loaded: the foreign key as set, if set.
    const values = fkAttrs.map((attr) => state.dict[attr!]);
    const changed = fkAttrs.some((attr) => state.dict[attr!] !== storedValue(state, attr!));
    return changed && !oldKeys.some((oldKey) => oldKey.every((value, i) => values[i] === value));
  }
  return false;
}

/**
 * Whether the flush itself dealt with the rows of `fk`: a plain many-to-many table (its links of
 * the old rows are deleted), or a one-to-many list of the mapper that every old object had loaded
 * (its children were deleted or detached by the flush).
 */
function handledByFlush(mapper: Mapper, fk: ForeignKey, olds: readonly InstanceState[]): boolean {
  const sameColumns = (columns: readonly Column[]) => columns.length === fk.columns.length && fk.columns.every((c) => columns.includes(c));
  if (linkSidesNaming(mapper).some((side) => side.table === fk.table && sameColumns(side.pairs.map(([, c]) => c)))) return true;
  for (const rel of mapper.relationships.values()) {
    if (rel.viewonly) continue;
    const { direction, target, pairs } = rel.resolved;
    if (direction === "oneToMany" && target.table === fk.table && sameColumns(pairs.map(([, c]) => c))) {
      if (olds.every((old) => old.dict[rel.key] !== undefined)) return true;
    }
  }
  return false;
}

/** A plain many-to-many table's link columns naming one model's rows: (the model's key column, the link's column) pairs. */
export interface LinkSide {
  readonly table: Table;
  readonly pairs: readonly (readonly [Column, Column])[];
}

/**
 * Every plain many-to-many table (no association model) whose links name `mapper`'s rows, from
 * either side of its relationships, each table and set of columns once.
 */
export function linkSidesNaming(mapper: Mapper): LinkSide[] {
  const sides = new Map<string, LinkSide>();
  for (const m of mapper.registry.mappers) {
    for (const rel of m.relationships.values()) {
      const { direction, secondary, association, pairs, secondaryPairs, target } = rel.resolved;
      if (direction !== "manyToMany" || rel.viewonly || association !== undefined) continue;
      for (const side of [m === mapper ? pairs : undefined, target === mapper ? secondaryPairs : undefined]) {
        if (side !== undefined) sides.set(`${secondary!.name}|${side.map(([, fk]) => fk.name).join(",")}`, { table: secondary!, pairs: side });
      }
    }
  }
  return [...sides.values()];
}
