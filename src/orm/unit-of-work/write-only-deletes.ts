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
 * Otherwise the flush reads the members as before (`deletes.ts`); so it does, under a delete
 * cascade, when the session holds an object with changes to write whose foreign key is not loaded.
 *
 * Members the session holds are handled one by one, as for any collection, so that their objects
 * follow (deleted, or their key cleared, and put back by a rollback); the statement leaves their
 * rows out. Objects of the session whose foreign key is not loaded (expired by a commit) may be
 * members: a DELETE expires them wholly after it; a cleared key changes nothing they hold.
 */
import { and, not } from "../../core/expression/operators.js";
import type { Expression, Operand } from "../../core/expression/expression.js";
import type { Column } from "../../core/schema/column.js";
import { deleteFrom } from "../../core/statements/delete.js";
import { update } from "../../core/statements/update.js";
import type { Connection } from "../../engine/connection.js";
import { identityKey, type IdentityMap } from "../identity/identity-map.js";
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
  /**
   * A DELETE's objects of the session whose foreign key is not loaded, without changes: the
   * statement may delete their rows, so they are expired after it (read again when next used:
   * a row gone raises ObjectDeletedError), as a bulk DELETE with `synchronizeSession: false` does.
   */
  readonly unknown: readonly InstanceState[];
}

/** More members held by the session than this: the statement would name too many keys; the members are read instead. */
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

/** The session's objects of one relationship's target, by the parent their rows name (as stored). */
interface HeldByParent {
  readonly byParent: Map<unknown, InstanceState[]>;
  /** Objects whose foreign key is not loaded (expired): members or not, only their rows know. */
  readonly unknown: InstanceState[];
}

/**
 * The set-based statements of one flush (`expandDeletes` plans them, `flush` runs them first of
 * all writes): the session's objects of each target are looked at once per flush, not once per
 * deleted parent.
 */
export class SetBasedDeletes {
  readonly statements: SetBasedMembers[] = [];
  readonly #held = new Map<RelationshipProperty, HeldByParent>();
  #changed: ReadonlySet<InstanceState> | undefined;

  constructor(
    private readonly identity: IdentityMap,
    /** The flush's modified objects (the delete cascade adds to them): their UPDATEs run after the statements. */
    readonly modified: readonly InstanceState[],
  ) {}

  /**
   * The statement for the members of `parent`'s `rel`, given those it holds in memory (`queued`):
   * planned, with the members to handle one by one returned (those queued, and the session's
   * objects whose rows name the parent). Undefined when the members must be read instead.
   */
  plan(parent: InstanceState, rel: RelationshipProperty, queued: readonly object[]): object[] | undefined {
    const kind = setBasedPlan(rel);
    if (kind === false) return undefined;
    const parentValues = rel.localAttributes.map((attr) => storedValue(parent, attr));
    if (parentValues.some((value) => value === undefined || value === null)) return undefined;
    const held = this.#heldOf(rel);
    // Objects whose key is not loaded may be members. A statement clearing their key changes no
    // value the session holds (it is expired already). One deleting their rows fails a change of
    // theirs the flush writes after it: with any such change the members are read instead.
    const unknown = kind === "delete" ? held.unknown : [];
    if (unknown.length !== 0) {
      this.#changed ??= new Set(this.modified);
      if (unknown.some((state) => this.#changed!.has(state) || state.deletePending)) return undefined;
    }
    const members = new Set<object>(queued);
    for (const state of held.byParent.get(identityKey(parentValues)) ?? []) members.add(state.obj);
    const excluded: InstanceState[] = [];
    for (const obj of members) {
      const state = stateOf(obj);
      if (state?.key !== undefined && !state.deleted) excluded.push(state);
    }
    if (excluded.length > MAX_EXCLUDED) return undefined;
    this.statements.push({ rel, kind, parentValues, excluded, unknown: unknown.filter((state) => !members.has(state.obj)) });
    return [...members];
  }

  #heldOf(rel: RelationshipProperty): HeldByParent {
    let held = this.#held.get(rel);
    if (held === undefined) this.#held.set(rel, (held = heldByParent(this.identity, rel)));
    return held;
  }
}

function heldByParent(identity: IdentityMap, rel: RelationshipProperty): HeldByParent {
  const fkAttrs = rel.attributePairs.map(([, fk]) => fk);
  const held: HeldByParent = { byParent: new Map(), unknown: [] };
  identity.forMapper(rel.resolved.target).forEach((obj) => {
    const state = stateOf(obj)!;
    if (state.deleted || state.gone) return;
    if (fkAttrs.some((attr) => state.expired?.has(attr) || state.unloaded?.has(attr) || state.dict[attr] === undefined)) {
      held.unknown.push(state);
      return;
    }
    const parentKey = identityKey(fkAttrs.map((attr) => storedValue(state, attr)));
    let states = held.byParent.get(parentKey);
    if (states === undefined) held.byParent.set(parentKey, (states = []));
    states.push(state);
  });
  return held;
}

/**
 * Runs the statements, before the flush's other writes (the parents' rows are still there). The
 * delete cascade is known by now: an object of unknown membership that it reached since (deleted,
 * or changed, by the flush) is left out of the statement and written by the flush.
 */
export async function runSetBased(conn: Connection, planned: SetBasedDeletes): Promise<void> {
  const changed = new Set(planned.modified);
  for (const { rel, kind, parentValues, excluded, unknown } of planned.statements) {
    const target = rel.resolved.target;
    const table = target.table;
    const reached = unknown.filter((state) => state.deletePending || changed.has(state));
    const left = [...excluded, ...reached];
    const conditions: Expression<boolean>[] = rel.resolved.pairs.map(([, fk], i) => (fk as Column<unknown>).eq(parentValues[i] as Operand<unknown>));
    const keyColumns = target.primaryKey as readonly Column<unknown>[];
    if (left.length !== 0) {
      const keyValues = left.map((state) => target.keyAttributes.map((attr) => storedValue(state, attr)));
      if (keyColumns.length === 1) conditions.push(keyColumns[0]!.notIn(keyValues.map(([value]) => value as Operand<unknown>)));
      else for (const values of keyValues) conditions.push(not(and(...keyColumns.map((column, i) => column.eq(values[i] as Operand<unknown>)))));
    }
    const where = and(...conditions);
    if (kind === "delete") {
      await conn.execute(deleteFrom(table).where(where));
      for (const state of unknown) if (!reached.includes(state)) expireWholly(state);
    } else {
      const cleared: Record<string, null> = {};
      for (const [, fk] of rel.resolved.pairs) cleared[columnKey(table.c, fk)] = null;
      await conn.execute(update(table).set(cleared as never).where(where));
    }
  }
}

/** Every column but the key, and the relationships: read again when next used (a deleted row then raises ObjectDeletedError). */
function expireWholly(state: InstanceState): void {
  state.expireAllColumns();
  state.committed = undefined;
  state.mapper.unloadRelationships(state.dict);
}

/** The key of `column` in its table's column map (`table.c`), which `update().set()` takes. */
function columnKey(columns: Readonly<Record<string, unknown>>, column: unknown): string {
  for (const key in columns) if (columns[key] === column) return key;
  throw new Error(`internal: column not in its table`);
}
