/**
 * Write-only collections (SQLAlchemy 2.0's `WriteOnlyMapped`, `lazy="write_only"`): a one-to-many
 * or many-to-many too large to load. Its attribute is a `WriteOnlyCollection`, never a list:
 * `add`/`remove` queue changes that the next flush writes, and `select()` is the statement that
 * reads the members.
 *
 * The queued changes live in the attribute's place in the object's dict as an `InstrumentedList`
 * marked partial (partial-lists.ts): its members are the objects added (and, once flushed, those
 * added before), never the whole collection. Everything the flush, the cascades, the journal and
 * the savepoints already do with a partial list applies unchanged: a member added is a member
 * gained, a member removed is one the list had committed, and nothing reads it as complete.
 */
import { and } from "../../core/expression/operators.js";
import { Expression, OrderBy, type Operand } from "../../core/expression/expression.js";
import type { ExprNode } from "../../core/ast/nodes.js";
import type { ColumnMap } from "../../core/schema/table.js";
import type { Column } from "../../core/schema/column.js";
import { deleteFrom, type Delete } from "../../core/statements/delete.js";
import { Insert, insert } from "../../core/statements/insert.js";
import { select, type Select } from "../../core/statements/select.js";
import { update, type EntityValues, type Update } from "../../core/statements/update.js";
import { WriteOnlyCollectionError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstrumentedList } from "./collection.js";
import { ensureState, type InstanceState } from "./instance-state.js";
import { newCollection } from "./loaded-lists.js";
import { markPartial } from "./partial-lists.js";
import { assertNotDeleted, assertNotViewonly, assertTargetOf } from "./target-check.js";
import type { AttributeImpl } from "./attributes.js";
import type { WRITE_ONLY } from "../typing/checks.js";

/**
 * The attribute of a write-only relationship (`lazy: "writeOnly"`): changes queued for the next
 * flush, and the statements that read or change the members in the database. It is never loaded:
 * reading it as a list throws `WriteOnlyCollectionError`, which names `.select()`.
 *
 * ```ts
 * declare module "athanor" {
 *   interface Models { Device: Device; Sample: Sample }
 * }
 * @model("devices")
 * export class Device extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @oneToMany("Sample", { backPopulates: "device", lazy: "writeOnly", passiveDeletes: true })
 *   accessor samples!: Rel<WriteOnlyCollection<Sample>, "device">;
 * }
 * @model("samples")
 * export class Sample extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(integer().notNull()) accessor value!: number;
 *   @column(integer().named("device_id").notNull().references("devices.id", { onDelete: "cascade" })) accessor deviceId!: number;
 *   @manyToOne("Device", { backPopulates: "samples" }) accessor device!: Rel<Device, "samples">;
 * }
 *
 * const device = (await session.get(Device, 1))!;
 * device.samples.add(Object.assign(new Sample(), { value: 42 })); // written by the next flush, nothing read
 * const latest = await session.scalars(device.samples.select().orderBy(columnsOf(Sample).id.desc()).limit(10));
 * ```
 */
export class WriteOnlyCollection<T extends object> {
  /** The element type, for the compiler only (the mapping checks read it). */
  declare readonly [WRITE_ONLY]: T;
  readonly #owner: object;
  readonly #rel: RelationshipProperty;

  /** @internal Made by the attribute on each read. */
  constructor(owner: object, rel: RelationshipProperty) {
    this.#owner = owner;
    this.#rel = rel;
  }

  /**
   * Queues `item` as a member: the next flush sets its foreign key (or inserts the link row);
   * nothing is read.
   *
   * ```ts
   * declare const readings: WriteOnlyCollection<Post>; // a user's posts, declared lazy: "writeOnly"
   * readings.add(Object.assign(new Post(), { title: "hello" }));
   * await session.flush(); // INSERT INTO posts (author_id, title, ...) VALUES (<the user's id>, 'hello', ...)
   * ```
   */
  add(item: T): void {
    this.addAll([item]);
  }

  /**
   * Queues each of `items` as a member (see `add`).
   *
   * ```ts
   * declare const readings: WriteOnlyCollection<Post>;
   * readings.addAll(["a", "b"].map((title) => Object.assign(new Post(), { title })));
   * ```
   */
  addAll(items: Iterable<T>): void {
    const rel = this.#rel;
    assertNotViewonly(rel);
    const all = [...items];
    for (const item of all) {
      assertTargetOf(rel, item, false);
      assertNotDeleted(rel, item);
    }
    const list = queued(this.#owner, rel);
    for (const item of all) if (list.occurrences(item) === 0) list.push(item);
  }

  /**
   * Queues the removal of `item`: the next flush clears its foreign key (deletes it, with
   * delete-orphan) or deletes the link row. A member whose row names another parent is left alone.
   *
   * ```ts
   * declare const readings: WriteOnlyCollection<Post>;
   * const [first] = await session.scalars(readings.select().limit(1));
   * if (first) readings.remove(first); // the flush: UPDATE posts SET author_id = NULL WHERE id = ?
   * ```
   */
  remove(item: T): void {
    const rel = this.#rel;
    assertNotViewonly(rel);
    assertTargetOf(rel, item, false);
    const list = queued(this.#owner, rel);
    if (list.occurrences(item) === 0) {
      // Not added in memory: a member in the database, if anything. As a list filled by a query
      // would hold it, it becomes one the list had, so that its removal is what the flush writes.
      if (ensureState(this.#owner, rel.parent).key === undefined || !knownBack(this.#owner, rel, item)) return;
      const committed = list.committed ?? [];
      list.appendQuietly(item);
      list.restoreCommitted([...committed, item]);
    }
    list.splice(list.indexOf(item), 1);
  }

  /**
   * The members, as a statement: `select(Target)` filtered to this parent (through the association
   * table for a many-to-many), in the relationship's `orderBy`. Add `.where`, `.orderBy`,
   * `.limit`, and run it with `session.scalars` or `session.stream`. The parent needs its key:
   * flush a new one first.
   *
   * ```ts
   * declare const readings: WriteOnlyCollection<Post>;
   * const latest = await session.scalars(readings.select().orderBy(columnsOf(Post).id.desc()).limit(10));
   * // SELECT ... FROM posts WHERE posts.author_id = ? ORDER BY posts.id DESC LIMIT 10
   * ```
   */
  select(): Select<{}, T, [T]> {
    const rel = this.#rel;
    const { target, direction, secondary, secondaryPairs } = rel.resolved;
    let statement = select(target.class_) as unknown as Select<{}, T, [T]>;
    if (direction === "manyToMany") {
      const on = secondaryPairs.map(([targetKey, fk]) => condition(targetKey.node, fk.node));
      statement = statement.join(secondary!, and(...on));
    }
    statement = statement.where(this.#criterion());
    if (rel.order.length) statement = statement.orderBy(...rel.order.map(({ column, direction, nulls }) => new OrderBy({ expr: column.node, direction, nulls })));
    return statement;
  }

  /**
   * A bulk INSERT of new members (one-to-many only): `insert(Target)` whose rows get this parent's
   * key, e.g. `session.execute(user.events.insert(), [{ kind: "a" }, { kind: "b" }])`. For a
   * many-to-many, insert the targets, then `addAll` them.
   *
   * ```ts
   * declare const readings: WriteOnlyCollection<Post>;
   * await session.execute(readings.insert(), [{ title: "a" }, { title: "b" }]); // author_id: the parent's
   * ```
   */
  insert(): Insert<ColumnMap, {}, T> {
    const rel = this.#rel;
    if (rel.resolved.direction !== "oneToMany") {
      throw this.#error(`insert() is for a one-to-many write-only collection; for a many-to-many, insert the ${rel.resolved.target.name} rows, then add them with ${rel.key}.addAll(objects)`);
    }
    const preset: Record<string, unknown> = {};
    const values = this.#parentKey();
    rel.attributePairs.forEach(([, fkAttr], i) => (preset[fkAttr] = values[i]));
    const plain = insert(rel.resolved.target.class_ as abstract new (...args: any[]) => T);
    return new Insert<ColumnMap, {}, T>(plain.table, plain.node, plain.entity, plain.returningLayout, preset);
  }

  /**
   * A bulk UPDATE of the members: `update(Target)` filtered to this parent; give `.values(...)`.
   *
   * ```ts
   * declare const readings: WriteOnlyCollection<Post>;
   * await session.execute(readings.update().values({ title: "archived" }).where(columnsOf(Post).id.lt(100)));
   * ```
   */
  update(): Update<ColumnMap, {}, EntityValues<T>> {
    return update(this.#rel.resolved.target.class_ as abstract new (...args: any[]) => T).where(this.#membersCriterion());
  }

  /**
   * A bulk DELETE of the members: `deleteFrom(Target)` filtered to this parent.
   *
   * ```ts
   * declare const readings: WriteOnlyCollection<Post>;
   * await session.execute(readings.delete().where(columnsOf(Post).title.eq("draft")));
   * ```
   */
  delete(): Delete<ColumnMap> {
    return deleteFrom(this.#rel.resolved.target.class_).where(this.#membersCriterion());
  }

  /** @internal The error for using it as a list (`how`: "iterated", "read as a list"...). */
  listUseError(how: string): WriteOnlyCollectionError {
    return this.#listUse(how);
  }

  #listUse(how: string): WriteOnlyCollectionError {
    return this.#error(
      `it cannot be ${how}: a write-only collection is never loaded. ` +
        `Read its members with \`await session.scalars(obj.${this.#rel.key}.select())\` (add .where, .orderBy, .limit), and change them with add() and remove()`,
    );
  }

  #error(message: string): WriteOnlyCollectionError {
    return new WriteOnlyCollectionError(`${String(this.#rel)} is write-only: ${message}.`, this.#rel.parent.name, this.#rel.key);
  }

  /** The parent's values of the relationship's local columns; refused while it has none (new, not flushed). */
  #parentKey(): unknown[] {
    const owner = this.#owner as Record<string, unknown>;
    const values = this.#rel.localAttributes.map((attr) => owner[attr]);
    if (values.some((value) => value === undefined || value === null)) {
      const state = ensureState(this.#owner, this.#rel.parent);
      const fix = state.key === undefined ? "flush it first (await session.flush())" : `give it its ${this.#rel.localAttributes.join(", ")}`;
      throw this.#error(`the ${this.#rel.parent.name} has no ${this.#rel.localAttributes.join(", ")} yet, so no statement can name its members; ${fix}`);
    }
    return values;
  }

  /** The rows of the target's table (or the association table's) that name this parent. */
  #criterion(): Expression<boolean> {
    const values = this.#parentKey();
    return and(...this.#rel.resolved.pairs.map(([, fk], i) => (fk as Column<unknown>).eq(values[i] as Operand<unknown>)));
  }

  /** The criterion on the target's own rows: for a many-to-many, their keys among the association rows naming this parent. */
  #membersCriterion(): Expression<boolean> {
    const { direction, secondary, secondaryPairs, target } = this.#rel.resolved;
    if (direction !== "manyToMany") return this.#criterion();
    const targetKeys = secondaryPairs.map(([targetKey]) => targetKey);
    if (targetKeys.length !== 1) throw this.#error("update() and delete() of a many-to-many need a single-column key on " + target.name);
    return targetKeys[0]!.in(select(secondaryPairs[0]![1]).from(secondary!).where(this.#criterion()));
  }
}

// Iterated or read as a list (past the compiler, which knows no such members, or from
// JavaScript): refused with the fix, rather than `undefined` for `length` or "not a function".
Object.defineProperty(WriteOnlyCollection.prototype, Symbol.iterator, {
  value(this: WriteOnlyCollection<object>): never {
    throw this.listUseError("iterated");
  },
});
for (const name of ["length", "map", "filter", "forEach", "find", "some", "every", "reduce", "includes", "indexOf", "slice", "at", "push", "splice", "pop", "shift", "unshift", "entries", "values", "keys"]) {
  Object.defineProperty(WriteOnlyCollection.prototype, name, {
    get(this: WriteOnlyCollection<object>) {
      throw this.listUseError(name === "push" ? "changed with push() (use add())" : `read as a list (.${name})`);
    },
  });
}

/** The error for loading a write-only collection (`how`: `lazy(obj).events`, a loader option...). */
export function writeOnlyLoadError(rel: RelationshipProperty, how: string): WriteOnlyCollectionError {
  return new WriteOnlyCollectionError(
    `${String(rel)} is write-only: ${how} cannot load it, since a write-only collection is never loaded. ` +
      `Read its members with \`await session.scalars(obj.${rel.key}.select())\` (add .where, .orderBy, .limit).`,
    rel.parent.name,
    rel.key,
  );
}

/** The attribute of a write-only relationship: a `WriteOnlyCollection` on every read, never assigned. */
export function writeOnlyImpl(mapper: Mapper, key: string): AttributeImpl {
  let resolved: RelationshipProperty | undefined;
  const property = (): RelationshipProperty => {
    if (resolved === undefined) {
      mapper.registry.configure();
      resolved = mapper.relationships.get(key)!;
    }
    return resolved;
  };
  return {
    get(obj) {
      ensureState(obj, mapper);
      return new WriteOnlyCollection(obj, property());
    },
    set() {
      const rel = property();
      throw new WriteOnlyCollectionError(
        `${String(rel)} is write-only: it cannot be assigned (a write-only collection is never loaded, so there is no list to replace). ` +
          `Add members with obj.${key}.add(x) / addAll([...]) and remove them with obj.${key}.remove(x). Nothing was changed.`,
        rel.parent.name,
        key,
      );
    },
  };
}

/**
 * The list of changes queued on `owner`'s write-only `rel`, made when first needed. A new owner's
 * is a list never committed; a persistent owner's starts committed and empty: nothing is known of
 * the members the database holds, and nothing will be read.
 */
export function queued(owner: object, rel: RelationshipProperty): InstrumentedList<object> {
  const state = ensureState(owner, rel.parent);
  let list = state.dict[rel.key] as InstrumentedList<object> | undefined;
  if (list === undefined) list = state.dict[rel.key] = newCollection(owner, rel, [], state.key !== undefined);
  // A new owner's back-references may have made the list (loaded-lists.ts): partial all the same.
  markPartial(list);
  return list;
}

/** The members queued on a write-only relationship of `state` (none when nothing was queued). */
export function queuedMembers(state: InstanceState, rel: RelationshipProperty): object[] {
  const list = state.dict[rel.key] as InstrumentedList<object> | undefined;
  return list === undefined ? [] : Array.from(list);
}

/**
 * A one-to-many member whose many-to-one back is not loaded gets it, where its foreign key names
 * the owner (as a loaded list's members do, loaded-lists.ts), so that its removal clears it and
 * delete-orphan finds it without a parent. False when its row names another parent: not a member.
 */
function knownBack(owner: object, rel: RelationshipProperty, item: object): boolean {
  const back = rel.backRef;
  if (rel.resolved.direction !== "oneToMany" || back === undefined || back.collection) return true;
  const dict = ensureState(item, rel.resolved.target).dict;
  if (dict[back.key] !== undefined) return true;
  const ownerDict = ensureState(owner, rel.parent).dict;
  const pairs = rel.attributePairs;
  // Its key not loaded (expired): the flush reads what it can, as for a list's member.
  if (pairs.some(([, fk]) => dict[fk] === undefined)) return true;
  if (!pairs.every(([local, fk]) => dict[fk] === ownerDict[local])) return false;
  dict[back.key] = owner;
  return true;
}

function condition(left: ExprNode, right: ExprNode): Expression<boolean> {
  return new Expression<boolean>({ kind: "binary", op: "=", left, right }, undefined);
}
