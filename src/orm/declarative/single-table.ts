/**
 * `@model` on a subclass of a model: the checks of every subclass, and single-table inheritance
 * (mapping/inheritance.ts), where the subclass has no table of its own: its columns join its
 * root's table, its relationships join those it inherits. A subclass with a table of its own is
 * joined-table inheritance (`joined-table.ts`). What athanor does not support yet (concrete
 * inheritance, mixing the two) is refused here, naming the class and the fix.
 */
import { ArgumentError } from "../../core/errors.js";
import type { AnyColumnBuilder } from "../../core/schema/column-builder.js";
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { declareSubclass } from "../mapping/inheritance.js";
import { Mapper, type DeferredColumn } from "../mapping/mapper.js";
import type { Registry } from "../mapping/registry.js";
import type { ClassRef, RelationshipSpec } from "../mapping/relationship-spec.js";
import type { AttributeSlot } from "../state/attributes.js";

/** What `@model` read from a subclass's own declarations. */
export interface SubclassDeclaration {
  readonly name: string;
  readonly builders: Readonly<Record<string, AnyColumnBuilder>>;
  readonly relationships: ReadonlyMap<string, RelationshipSpec>;
  readonly deferred: ReadonlyMap<string, DeferredColumn>;
  readonly slots: ReadonlyMap<string, AttributeSlot>;
  readonly definedAt: string | undefined;
}

/** The options of `@model` that a subclass may not give: they belong to the table, which is its root's. */
const TABLE_OPTIONS = ["schema", "previousNames", "constraints", "version", "polymorphicOn", "eagerDefaults"] as const;
/** Those a subclass with a table of its own may not give: its table is in the root's schema, and versioned with the root's row. */
const JOINED_TABLE_OPTIONS = ["schema", "version", "polymorphicOn", "eagerDefaults"] as const;

/**
 * Checks what a subclass declares before anything is mapped. With a table name it is a subclass of
 * joined-table inheritance (`joined-table.ts`), without one of single-table inheritance; the two
 * are not mixed in one hierarchy.
 */
export function checkSubclassOptions(name: string, parent: Mapper, tableName: string | undefined, options: Record<string, unknown>): void {
  const root = parent.inheritance?.hierarchy.root;
  if (root === undefined) {
    throw new ArgumentError(
      `@model on ${name}: it extends the model ${parent.name}, which is not the base of an inheritance hierarchy (concrete inheritance, a class mapped on its own apart from its superclass, is not supported yet). ` +
        `Give ${parent.name}'s @model a polymorphicOn (the column that says which class each row is) and ${name}'s a polymorphicIdentity ` +
        `(with a table name of its own for joined-table inheritance); or, for a separate model, extend the declarative base instead of ${parent.name}.`,
    );
  }
  const { hierarchy } = parent.inheritance!;
  const joined = tableName !== undefined;
  if (hierarchy.mode !== undefined && (hierarchy.mode === "joined") !== joined) {
    throw new ArgumentError(
      `@model on ${name}: ${root.name}'s hierarchy ${hierarchy.mode === "joined" ? "gives each subclass a table of its own (joined-table inheritance)" : `keeps its subclasses in the table '${root.table.name}' (single-table inheritance)`}, ` +
        `and mixing the two in one hierarchy is not supported yet. ${hierarchy.mode === "joined" ? `Give ${name}'s @model a table name.` : `Remove the table name ('${tableName}').`}`,
    );
  }
  for (const option of joined ? JOINED_TABLE_OPTIONS : TABLE_OPTIONS) {
    if (options[option] !== undefined) {
      throw new ArgumentError(`@model on ${name}: '${option}' belongs to the ${joined ? "hierarchy" : "table"}, which is ${root.name}'s (${joined ? "joined-table" : "single-table"} inheritance): give it on ${root.name}'s @model.`);
    }
  }
  if (options["polymorphicIdentity"] === undefined) {
    throw new ArgumentError(
      `@model on ${name}: a subclass of ${parent.name} (${joined ? "joined-table" : "single-table"} inheritance) needs a polymorphicIdentity: the value of ${root.name}.${hierarchy.discriminator} that marks its rows.`,
    );
  }
  if (hierarchy.configured) {
    throw new ArgumentError(
      `@model on ${name}: ${root.name}'s hierarchy is in use already (its registry was configured). Declare every subclass before the models are first used ` +
        `(import its module first, or registry.discover(folder)).`,
    );
  }
}

/** What the registry and the hierarchy must not have already: checked before a subclass changes anything. */
export function checkNewSubclass(registry: Registry, parent: Mapper, identity: unknown, name: string): void {
  const taken = registry.mapperByName(name);
  if (taken !== undefined) {
    throw new ArgumentError(`Model name '${name}' is already used by ${taken.definedAt ?? "another class"}; model names must be unique in a registry (rename one, or give @model a { name }).`);
  }
  const owner = parent.inheritance!.hierarchy.byIdentity.get(identity);
  if (owner !== undefined) {
    throw new ArgumentError(`@model on ${name}: polymorphicIdentity ${JSON.stringify(identity)} is already ${owner.name}'s. Give each class of the hierarchy its own value.`);
  }
}

/**
 * The subclass's own fields: those not declared by a class above it (its decorator metadata lists
 * those too). A subclass with a table of its own (`joined`) may declare the root's key attributes
 * again: they name its table's key columns.
 */
export function ownDeclarations<F extends { readonly slot: AttributeSlot }>(name: string, parent: Mapper, fields: readonly F[], joined = false): F[] {
  const inherited = new Map<AttributeSlot, Mapper>();
  for (let m: Mapper | undefined = parent; m !== undefined; m = m.inheritance?.parent) for (const slot of m.slots.values()) inherited.set(slot, m);
  const own = fields.filter((f) => !inherited.has(f.slot));
  for (const { slot } of own) {
    const owner = [...inherited].find(([s]) => s.key === slot.key)?.[1];
    if (owner !== undefined && !(joined && owner.inheritance?.parent === undefined && owner.keyAttributes.includes(slot.key))) {
      throw new ArgumentError(`@model on ${name}: '${slot.key}' is mapped by ${owner.name} already; a subclass cannot declare it again. Rename it, or use the inherited attribute.`);
    }
  }
  return own;
}

/** Maps the subclass: its columns added to the root's table, every mapper of the hierarchy mapping them. */
export function mapSubclass(registry: Registry, cls: ClassRef, parent: Mapper, identity: unknown, declaration: SubclassDeclaration): Mapper {
  const table = parent.table;
  // Checked before the table and the hierarchy change: a refused subclass leaves them as they were.
  checkNewSubclass(registry, parent, identity, declaration.name);
  const added = new Map<string, Column>();
  for (const [key, builder] of Object.entries(declaration.builders)) {
    if (builder.options.primaryKey) {
      throw new ArgumentError(`@model on ${declaration.name}: '${key}' cannot be a primary-key column: a subclass shares ${parent.name}'s table and its key.`);
    }
    if (parent.columns.has(key) || table.columnByName(builder.options.name ?? key) !== undefined) {
      throw new ArgumentError(
        `@model on ${declaration.name}: column '${builder.options.name ?? key}' (${key}) is in table '${table.name}' already, mapped by another class of the hierarchy. ` +
          `Give it another name, or declare it once on a common superclass.`,
      );
    }
  }
  for (const [key, builder] of Object.entries(declaration.builders)) added.set(key, table.appendColumn(key, builder));
  const mapper = subclassMapper(registry, cls, parent, declaration, table, added);
  declareSubclass(mapper, parent, identity, added, declaration.deferred);
  parent.inheritance!.hierarchy.mode = "single";
  registry.register(mapper);
  return mapper;
}

/** The mapper of a subclass on `table`: its superclass's columns and `added`, its own relationships, the superclass's version. */
export function subclassMapper(registry: Registry, cls: ClassRef, parent: Mapper, declaration: SubclassDeclaration, table: Table, added: ReadonlyMap<string, Column>): Mapper {
  const mapper = new Mapper(
    registry,
    cls,
    declaration.name,
    table,
    new Map([...parent.columns, ...added]),
    declaration.relationships,
    declaration.slots,
    declaration.definedAt,
    parent.versionAttribute,
    false,
    new Map([...parent.deferred, ...declaration.deferred]),
    parent,
  );
  mapper.eagerDefaults = parent.eagerDefaults;
  return mapper;
}
