/**
 * Single-table and joined-table inheritance (SQLAlchemy's `polymorphic_on` / `polymorphic_identity`):
 * a base model names its discriminator column, each subclass a value of it. Under single-table
 * inheritance every class of the hierarchy maps the one table; under joined-table inheritance each
 * subclass adds a table of its own, keyed by the base's key (`joined-tables.ts`). Every mapper of
 * a hierarchy maps every column of it (under single-table inheritance a subclass's columns are
 * nullable or defaulted, since the other classes' rows leave them out), so that all read and
 * write its rows alike; the discriminator's value picks the class of each
 * row read (loading/polymorphic.ts), and a subclass's queries are limited to its rows.
 */
import { ArgumentError, InvalidRequestError } from "../../core/errors.js";
import type { AliasNode, ExprNode, TableNode } from "../../core/ast/nodes.js";
import { Labeled, type Expression } from "../../core/expression/expression.js";
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { columnImpl, type AttributeSlot } from "../state/attributes.js";
import { ensureState, stateOf } from "../state/instance-state.js";
import type { Report } from "./configure.js";
import type { DeferredColumn, Mapper } from "./mapper.js";

/** The classes mapped to one table, and which discriminator value is which. */
export class Hierarchy {
  /** Discriminator value -> the mapper of its class. */
  readonly byIdentity = new Map<unknown, Mapper>();
  /** Every mapper of the hierarchy, the root first, in the order declared. */
  readonly members: Mapper[] = [];
  /** Set by configuration: from then on, queries have been built and no subclass may join. */
  configured = false;
  /**
   * How the subclasses store their columns, decided by the first one: in the root's table
   * ("single"), or each in a table of its own ("joined"). The two are not mixed in one hierarchy.
   */
  mode: "single" | "joined" | undefined = undefined;
  /** Every table of the hierarchy, the root's first, in the order declared. */
  readonly tables: Table[] = [];

  constructor(
    readonly root: Mapper,
    /** The attribute of the discriminator column (`polymorphicOn`). */
    readonly discriminator: string,
  ) {}
}

/** A mapper's place in its hierarchy (`Mapper.inheritance`; undefined for a model without one). */
export class Inheritance {
  /** The discriminator values of this class and of its subclasses: what a query through it selects. */
  readonly identities: unknown[] = [];
  /**
   * The tables that hold a row of this class, the root's first: the root's table, then under
   * joined-table inheritance the table of each class down to this one. Set when it joins.
   */
  tables: readonly Table[] = [];

  constructor(
    readonly hierarchy: Hierarchy,
    /** The mapper of the superclass; undefined for the root. */
    readonly parent: Mapper | undefined,
    /** This class's discriminator value; undefined for a root that is never stored itself. */
    readonly identity: unknown,
  ) {}

  /**
   * The condition on the discriminator that a query through this class adds, given the
   * discriminator column as the query names it (the table's, or an alias's); undefined for the
   * root, whose queries read every row of the table.
   */
  criterion(discriminator: Expression<unknown>): ExprNode | undefined {
    return this.parent === undefined ? undefined : discriminator.in(this.identities as never[]).node;
  }
}

/**
 * The condition limiting a query through `mapper` to its rows, on the discriminator column read
 * from `source` (its table, or an alias of it); undefined for a model without inheritance, or a root.
 */
export function criterionAt(mapper: Mapper, source: TableNode | AliasNode): ExprNode | undefined {
  const inheritance = mapper.inheritance;
  if (inheritance?.parent === undefined) return undefined;
  const { root, discriminator } = inheritance.hierarchy;
  const column = root.columns.get(discriminator)!;
  return inheritance.criterion(new Labeled(discriminator, { kind: "column", name: column.name, source }, column.type));
}

/** Whether `mapper` is `ancestor` or one of its subclasses. */
export function isSubmapper(mapper: Mapper, ancestor: Mapper): boolean {
  for (let m: Mapper | undefined = mapper; m !== undefined; m = m.inheritance?.parent) if (m === ancestor) return true;
  return false;
}

/** Makes `mapper` the root of a hierarchy whose discriminator is the column attribute `on`. */
export function declareRoot(mapper: Mapper, on: string, identity: unknown): void {
  const column = mapper.columns.get(on);
  if (column === undefined) {
    throw new ArgumentError(`@model on ${mapper.name}: polymorphicOn '${on}' is not a column attribute of ${mapper.name}. Name the column that says which class each row is.`);
  }
  if (column.primaryKey || mapper.deferred.has(on)) {
    throw new ArgumentError(`@model on ${mapper.name}: polymorphicOn '${on}' cannot be ${column.primaryKey ? "a primary-key column" : "deferred"}: every query reads it to pick each row's class.`);
  }
  const hierarchy = new Hierarchy(mapper, on);
  join(mapper, new Inheritance(hierarchy, undefined, identity));
  const slot = mapper.slots.get(on);
  if (slot !== undefined) slot.impl = discriminatorImpl(mapper, slot);
}

/**
 * Makes `mapper` (just made, mapping every column of the table) a subclass of `parent`; `added`
 * are the columns it brought, which the hierarchy's other mappers then map too.
 */
export function declareSubclass(mapper: Mapper, parent: Mapper, identity: unknown, added: ReadonlyMap<string, Column>, deferred: ReadonlyMap<string, DeferredColumn>): void {
  const { hierarchy } = parent.inheritance!;
  for (const member of hierarchy.members) member.mapAddedColumns(added, deferred);
  join(mapper, new Inheritance(hierarchy, parent, identity));
}

function join(mapper: Mapper, inheritance: Inheritance): void {
  const { hierarchy, identity } = inheritance;
  if (identity !== undefined) {
    const taken = hierarchy.byIdentity.get(identity);
    if (taken !== undefined) {
      throw new ArgumentError(`@model on ${mapper.name}: polymorphicIdentity ${JSON.stringify(identity)} is already ${taken.name}'s. Give each class of the hierarchy its own value.`);
    }
    hierarchy.byIdentity.set(identity, mapper);
    inheritance.identities.push(identity);
    for (let m = inheritance.parent; m !== undefined; m = m.inheritance!.parent) m.inheritance!.identities.push(identity);
  }
  hierarchy.members.push(mapper);
  const above = inheritance.parent?.inheritance?.tables ?? [];
  inheritance.tables = above.includes(mapper.table) ? above : [...above, mapper.table];
  if (!hierarchy.tables.includes(mapper.table)) hierarchy.tables.push(mapper.table);
  mapper.inheritance = inheritance;
}

/**
 * The discriminator's attribute: reads the class's value, even before the first flush, and
 * refuses any other (a row cannot change class through the ORM, and an object saying it is of
 * another class than it is would be read back as that class).
 */
function discriminatorImpl(root: Mapper, slot: AttributeSlot): AttributeSlot["impl"] {
  const plain = columnImpl(root, slot.key);
  return {
    get(obj) {
      const state = stateOf(obj);
      const value = plain.get(obj);
      return value === null && state?.key === undefined ? (state?.mapper.inheritance?.identity ?? null) : value;
    },
    set(obj, value) {
      const state = ensureState(obj, root);
      const own = state.mapper.inheritance?.identity;
      if (value === own) return plain.set(obj, value);
      if (own === undefined) throw noIdentity(state.mapper);
      throw new InvalidRequestError(
        `${state.mapper.name}.${slot.key} is the discriminator of single-table inheritance: it is ${JSON.stringify(own ?? null)} for every ${state.mapper.name}, ` +
          `written by the ORM, and cannot be set to ${JSON.stringify(value)}. To store another kind of row, create an object of the class whose polymorphicIdentity that is.`,
      );
    },
  };
}

/**
 * Writes the discriminator of new objects `states[start..end)` of `mapper` before the flush checks
 * and inserts them (objects read it from their class until then: `discriminatorImpl`). A class
 * without polymorphicIdentity cannot be saved.
 */
export function stampDiscriminators(mapper: Mapper, states: readonly { readonly dict: Record<string, unknown> }[], start: number, end: number): void {
  const { hierarchy, identity } = mapper.inheritance!;
  if (identity === undefined) throw noIdentity(mapper);
  const key = hierarchy.discriminator;
  for (let i = start; i < end; i++) states[i]!.dict[key] = identity;
}

/**
 * Marks the hierarchy configured. A subclass's column must be nullable or defaulted: the rows of the other classes of the
 * hierarchy leave it out. Reported by configuration, with the other problems.
 */
export function checkInheritance(mapper: Mapper, report: Report): void {
  const inheritance = mapper.inheritance;
  if (inheritance === undefined) return;
  inheritance.hierarchy.configured = true;
  if (inheritance.parent === undefined) return;
  // Joined-table inheritance: a subclass's columns are in its own table, which other classes' rows leave alone.
  if (inheritance.hierarchy.mode === "joined") return checkJoinedCascades(mapper, report);
  // A subclass's slots are its own attributes (the inherited ones are its superclass's).
  for (const attr of mapper.slots.keys()) {
    const column = mapper.columns.get(attr);
    if (column === undefined || column.nullable || column.default !== undefined || column.serverDefault !== undefined || column.generated !== undefined) continue;
    report(
      mapper,
      attr,
      `column '${column.name}' is NOT NULL without a default, but it lives in ${inheritance.hierarchy.root.name}'s table '${column.table.name}', ` +
        `where the rows of the hierarchy's other classes leave it out: they could not be inserted.`,
      `Make it nullable (drop .notNull()), or give it a .default(...) or .serverDefault(...).`,
    );
  }
}

/**
 * A foreign key of a joined subclass's own table (other than its key's, to the table above) with
 * ON DELETE CASCADE: the database would delete that table's row only, and leave the base's, a row
 * whose discriminator names the class without the rest of it (read back, a `DataError`).
 */
function checkJoinedCascades(mapper: Mapper, report: Report): void {
  const above = new Set(mapper.inheritance!.tables.slice(0, -1));
  if (!mapper.inheritance!.tables.includes(mapper.table) || above.has(mapper.table)) return;
  for (const fk of mapper.table.foreignKeys) {
    if (fk.onDelete !== "cascade" || above.has(fk.referredTable)) continue;
    const column = fk.columns[0]!;
    const attr = [...mapper.columns].find(([, c]) => c === column)?.[0] ?? column.name;
    report(
      mapper,
      attr,
      `the foreign key ${mapper.table.name}(${fk.columns.map((c) => c.name).join(", ")}) -> ${fk.referredTable.name} has ON DELETE CASCADE, but ${mapper.name}'s rows span ` +
        `${mapper.inheritance!.tables.map((t) => `'${t.name}'`).join(" and ")}: deleting a ${fk.referredTable.name} row would delete the '${mapper.table.name}' row only, ` +
        `leaving a '${mapper.inheritance!.tables[0]!.name}' row that says ${mapper.name} without the rest of it.`,
      `Use onDelete: "set null" (the column nullable), or no action, and let the ORM delete the objects (a relationship with cascade "delete", without passiveDeletes).`,
    );
  }
}

/** A class of a hierarchy without polymorphicIdentity (its root, left abstract): its objects cannot be saved. */
function noIdentity(mapper: Mapper): InvalidRequestError {
  const kinds = [...mapper.inheritance!.hierarchy.byIdentity.values()].map((m) => m.name).join(", ");
  return new InvalidRequestError(
    `${mapper.name} has no polymorphicIdentity, so its rows could not be read back as ${mapper.name}: save objects of its subclasses (${kinds || "none declared"}), ` +
      `or give @model on ${mapper.name} a polymorphicIdentity.`,
  );
}

/**
 * A bulk UPDATE setting the discriminator would change the class of rows whose objects the
 * session may hold as another class: refused, as assigning the attribute is.
 */
export function refuseClassChange(mapper: Mapper, values: ReadonlyMap<string, unknown>): void {
  const { root, discriminator, mode } = mapper.inheritance!.hierarchy;
  if (!values.has(discriminator)) return;
  throw new InvalidRequestError(
    `update(${mapper.name}) sets ${root.name}.${discriminator}, the discriminator of ${mode === "joined" ? "joined-table" : "single-table"} inheritance: a row cannot change class through the ORM. ` +
      `Delete the row and insert an object of the other class, or change it with SQL outside the session (session.connection()).`,
  );
}
