/**
 * Deleting the parent of a write-only one-to-many without `passiveDeletes`: its members in the
 * database lose their foreign key, or are deleted under a delete cascade. The collection is
 * write-only because it is too large to load, so the flush writes that as one set-based statement
 * (`UPDATE child SET fk = NULL WHERE fk = :parent`, or `DELETE FROM child WHERE fk = :parent`)
 * rather than reading every member as an object.
 *
 * Only where the statement loses and skips nothing that the per-object path does: the members
 * have no relationships of their own to follow (grandchildren, link rows, a delete cascade along a
 * many-to-one), no version column, no inheritance, and no model hooks for what happens to them.
 * Otherwise the flush reads the members as before (`deletes.ts`).
 *
 * Members the session holds are handled one by one, as for any collection, so that their objects
 * follow (deleted, or their key cleared, and put back by a rollback); the statement leaves their
 * rows out. Which of the session's objects are members is asked of the database, by their keys
 * (`SELECT key FROM child WHERE fk = :parent AND key IN (...)`), not taken from their foreign keys
 * in memory: one not loaded (expired, deferred) or changed by another transaction since it was read
 * would otherwise have its row deleted or unlinked behind its object's back, and a later UPDATE of
 * it match no row (a false StaleDataError), or be left out and fail the parent's DELETE. The
 * per-object path's read finds exactly these objects.
 */
import { and, not, tupleInValues } from "../../core/expression/operators.js";
import type { Expression, Operand } from "../../core/expression/expression.js";
import type { Column } from "../../core/schema/column.js";
import { deleteFrom } from "../../core/statements/delete.js";
import { select } from "../../core/statements/select.js";
import { update } from "../../core/statements/update.js";
import type { Connection } from "../../engine/connection.js";
import { identityKeyOf, type IdentityMap } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { storedValue } from "../state/mutable-values.js";

/** One statement for the members of one deleted parent's write-only collection, not in the session. */
interface SetBasedMembers {
  readonly rel: RelationshipProperty;
  readonly kind: "delete" | "update";
  /** The parent's values of the relationship's local columns, as its row holds them. */
  readonly parentValues: readonly unknown[];
  /** The members handled one by one (the session holds them): their rows are left out. */
  readonly excluded: readonly InstanceState[];
}

/**
 * More members held by the session than this: the statement would name too many keys; the
 * members are read instead. The session's objects are asked about this many at a time.
 */
const MAX_EXCLUDED = 500;

const plans = new WeakMap<RelationshipProperty, "delete" | "update" | false>();

/**
 * Whether the members of `rel` (a write-only one-to-many) can be deleted ("delete") or unlinked
 * ("update") by one statement when a parent goes; false when the per-object path must run.
 */
export function setBasedPlan(rel: RelationshipProperty): "delete" | "update" | false {
  let plan = plans.get(rel);
  if (plan === undefined) plans.set(rel, (plan = planOf(rel)));
  return plan;
}

function planOf(rel: RelationshipProperty): "delete" | "update" | false {
  const { direction, target } = rel.resolved;
  if (direction !== "oneToMany" || !rel.writeOnly || rel.viewonly) return false;
  // Whatever the members' class is, a version column must be checked row by row, and a subclass
  // may add relationships or hooks of its own (joined-table inheritance: rows in several tables).
  if (target.versionAttribute !== undefined || target.inheritance !== undefined) return false;
  const deletes = rel.cascades("delete") || rel.resolved.pairs.some(([, fk]) => fk.primaryKey);
  if (deletes) {
    if (hasHooks(target, "beforeDelete", "afterDelete")) return false;
    // A member's own relationships: only a plain many-to-one (to this parent, or another) asks nothing of its deletion.
    for (const own of target.relationships.values()) {
      if (own.viewonly) continue;
      if (own.resolved.direction !== "manyToOne" || own.cascades("delete")) return false;
    }
    return "delete";
  }
  // Unlinked members with delete-orphan are orphans the per-object path deletes.
  if (rel.cascades("delete-orphan") || hasHooks(target, "beforeUpdate", "afterUpdate")) return false;
  return "update";
}

function hasHooks(mapper: Mapper, ...kinds: ("beforeDelete" | "afterDelete" | "beforeUpdate" | "afterUpdate")[]): boolean {
  return kinds.some((kind) => (mapper.events?.hooks.get(kind)?.length ?? 0) !== 0);
}

/**
 * The set-based statements of one flush (`expandDeletes` plans them, `flush` runs them first of
 * all writes): the session's objects of each target are gathered once per flush, not once per
 * deleted parent.
 */
export class SetBasedDeletes {
  readonly statements: SetBasedMembers[] = [];
  readonly #held = new Map<RelationshipProperty, InstanceState[]>();

  constructor(
    private readonly conn: Connection,
    private readonly identity: IdentityMap,
  ) {}

  /**
   * The statement for the members of `parent`'s `rel`, given those it holds in memory (`queued`):
   * planned, with the members to handle one by one returned (those queued, and the session's
   * objects whose rows name the parent). Undefined when the members must be read instead.
   */
  async plan(parent: InstanceState, rel: RelationshipProperty, queued: readonly object[]): Promise<object[] | undefined> {
    const kind = setBasedPlan(rel);
    if (kind === false) return undefined;
    const parentValues = rel.localAttributes.map((attr) => storedValue(parent, attr));
    if (parentValues.some((value) => value === undefined || value === null)) return undefined;
    const held = this.#heldOf(rel);
    const members = new Set<object>(queued);
    for (const state of await this.#rowsNaming(rel, parentValues, held)) members.add(state.obj);
    const excluded: InstanceState[] = [];
    for (const obj of members) {
      const state = stateOf(obj);
      if (state?.key !== undefined && !state.deleted) excluded.push(state);
    }
    if (excluded.length > MAX_EXCLUDED) return undefined;
    this.statements.push({ rel, kind, parentValues, excluded });
    return [...members];
  }

  /** The session's objects of the target whose rows name the parent now (a SELECT of keys per 500 objects). */
  async #rowsNaming(rel: RelationshipProperty, parentValues: readonly unknown[], held: readonly InstanceState[]): Promise<InstanceState[]> {
    const target = rel.resolved.target;
    const keyColumns = target.primaryKey as readonly Column<unknown>[];
    const rows: Record<string, unknown>[] = [];
    for (let i = 0; i < held.length; i += MAX_EXCLUDED) {
      // The keys bound as one list: the same statement text for any number of them.
      const keyValues = held.slice(i, i + MAX_EXCLUDED).map((state) => target.keyAttributes.map((attr) => storedValue(state, attr)));
      const where = and(...namingParent(rel, parentValues), tupleInValues(keyColumns, keyValues));
      rows.push(...((await this.conn.execute(select(...keyColumns).from(target.table).where(where))).rows as Record<string, unknown>[]));
    }
    const members: InstanceState[] = [];
    for (const row of rows) {
      const key: Record<string, unknown> = {};
      for (const column of keyColumns) key[target.attributeFor(column)!] = row[column.key];
      const obj = this.identity.get(target, identityKeyOf(target.keyAttributes, key));
      if (obj === undefined) continue;
      const state = stateOf(obj)!;
      fillForeignKey(state, rel, parentValues);
      members.push(state);
    }
    return members;
  }

  #heldOf(rel: RelationshipProperty): InstanceState[] {
    let held = this.#held.get(rel);
    if (held === undefined) this.#held.set(rel, (held = heldOf(this.identity, rel.resolved.target)));
    return held;
  }
}

/**
 * The session's objects of `mapper` whose rows may still be there: those marked for deletion too
 * (deleted by their key after the statement, which must leave their rows to them).
 */
function heldOf(identity: IdentityMap, mapper: Mapper): InstanceState[] {
  const held: InstanceState[] = [];
  identity.forMapper(mapper).forEach((obj) => {
    const state = stateOf(obj)!;
    if (!state.deleted && state.key !== undefined) held.push(state);
  });
  return held;
}

/**
 * A member's foreign key not loaded (expired, deferred) is the parent's, as the row says: loaded
 * as the per-object path's read loads it, so that clearing it is a change the flush writes.
 */
function fillForeignKey(state: InstanceState, rel: RelationshipProperty, parentValues: readonly unknown[]): void {
  rel.attributePairs.forEach(([, fk], i) => {
    if (!state.expired?.has(fk) && !state.unloaded?.has(fk) && state.dict[fk] !== undefined) return;
    state.unexpire(fk);
    state.markLoaded(fk);
    state.dict[fk] = parentValues[i];
  });
}

/** `fk = :parent` for each column of the relationship's foreign key: the rows naming the parent. */
function namingParent(rel: RelationshipProperty, parentValues: readonly unknown[]): Expression<boolean>[] {
  return rel.resolved.pairs.map(([, fk], i) => (fk as Column<unknown>).eq(parentValues[i] as Operand<unknown>));
}

/** Runs the statements, before the flush's other writes (the parents' rows are still there). */
export async function runSetBased(conn: Connection, planned: SetBasedDeletes): Promise<void> {
  for (const { rel, kind, parentValues, excluded } of planned.statements) {
    const target = rel.resolved.target;
    const table = target.table;
    const conditions = namingParent(rel, parentValues);
    const keyColumns = target.primaryKey as readonly Column<unknown>[];
    if (excluded.length !== 0) {
      const keyValues = excluded.map((state) => target.keyAttributes.map((attr) => storedValue(state, attr)));
      if (keyColumns.length === 1) conditions.push(keyColumns[0]!.notIn(keyValues.map(([value]) => value as Operand<unknown>)));
      else for (const values of keyValues) conditions.push(not(and(...keyColumns.map((column, i) => column.eq(values[i] as Operand<unknown>)))));
    }
    const where = and(...conditions);
    if (kind === "delete") {
      await conn.execute(deleteFrom(table).where(where));
    } else {
      const cleared: Record<string, null> = {};
      for (const [, fk] of rel.resolved.pairs) cleared[columnKey(table.c, fk)] = null;
      await conn.execute(update(table).set(cleared as never).where(where));
    }
  }
}

/** The key of `column` in its table's column map (`table.c`), which `update().set()` takes. */
function columnKey(columns: Readonly<Record<string, unknown>>, column: unknown): string {
  for (const key in columns) if (columns[key] === column) return key;
  throw new Error(`internal: column not in its table`);
}
