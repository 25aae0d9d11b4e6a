/**
 * `@model` on a subclass of a model: single-table inheritance (mapping/inheritance.ts). The
 * subclass has no table of its own; its columns join its root's table, its relationships join
 * those it inherits. What athanor does not support yet (a table per subclass) is refused here,
 * naming the class and the fix, rather than mapped as something else.
 */
import { ArgumentError } from "../../core/errors.js";
import type { AnyColumnBuilder } from "../../core/schema/column-builder.js";
import type { Column } from "../../core/schema/column.js";
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
const TABLE_OPTIONS = ["schema", "previousNames", "constraints", "version", "polymorphicOn"] as const;

/**
 * Checks what a subclass declares before anything is mapped: the table is the root's, and
 * joined-table or concrete inheritance (a table of its own) is not supported yet.
 */
export function checkSubclassOptions(name: string, parent: Mapper, tableName: string | undefined, options: Record<string, unknown>): void {
  const root = parent.inheritance?.hierarchy.root;
  if (root === undefined) {
    throw new ArgumentError(
      `@model on ${name}: it extends the model ${parent.name}, and athanor maps a subclass of a model by single-table inheritance only ` +
        `(joined-table and concrete inheritance, a table per subclass, are not supported yet). ` +
        `Give ${parent.name}'s @model a polymorphicOn (the column that says which class each row is) and ${name}'s a polymorphicIdentity; ` +
        `or, for a separate model, extend the declarative base instead of ${parent.name}.`,
    );
  }
  if (tableName !== undefined) {
    throw new ArgumentError(
      `@model on ${name}: a subclass of ${parent.name} shares its table '${root.table.name}' (single-table inheritance), so it takes no table name ('${tableName}'). ` +
        `Remove it: joined-table and concrete inheritance (a table per subclass) are not supported yet.`,
    );
  }
  for (const option of TABLE_OPTIONS) {
    if (options[option] !== undefined) {
      throw new ArgumentError(`@model on ${name}: '${option}' belongs to the table, which is ${root.name}'s (single-table inheritance): give it on ${root.name}'s @model.`);
    }
  }
  if (options["polymorphicIdentity"] === undefined) {
    throw new ArgumentError(
      `@model on ${name}: a subclass of ${parent.name} (single-table inheritance) needs a polymorphicIdentity: the value of ${root.name}.${parent.inheritance!.hierarchy.discriminator} that marks its rows.`,
    );
  }
  if (parent.inheritance!.hierarchy.configured) {
    throw new ArgumentError(
      `@model on ${name}: ${root.name}'s hierarchy is in use already (its registry was configured). Declare every subclass before the models are first used ` +
        `(import its module first, or registry.discover(folder)).`,
    );
  }
}

/** The subclass's own fields: those not declared by a class above it (its decorator metadata lists those too). */
export function ownDeclarations<F extends { readonly slot: AttributeSlot }>(name: string, parent: Mapper, fields: readonly F[]): F[] {
  const inherited = new Map<AttributeSlot, Mapper>();
  for (let m: Mapper | undefined = parent; m !== undefined; m = m.inheritance?.parent) for (const slot of m.slots.values()) inherited.set(slot, m);
  const own = fields.filter((f) => !inherited.has(f.slot));
  for (const { slot } of own) {
    const owner = [...inherited].find(([s]) => s.key === slot.key)?.[1];
    if (owner !== undefined) {
      throw new ArgumentError(`@model on ${name}: '${slot.key}' is mapped by ${owner.name} already; a subclass cannot declare it again. Rename it, or use the inherited attribute.`);
    }
  }
  return own;
}

/** Maps the subclass: its columns added to the root's table, every mapper of the hierarchy mapping them. */
export function mapSubclass(registry: Registry, cls: ClassRef, parent: Mapper, identity: unknown, declaration: SubclassDeclaration): Mapper {
  const table = parent.table;
  // Checked before the table and the hierarchy change: a refused subclass leaves them as they were.
  const taken = registry.mapperByName(declaration.name);
  if (taken !== undefined) {
    throw new ArgumentError(`Model name '${declaration.name}' is already used by ${taken.definedAt ?? "another class"}; model names must be unique in a registry (rename one, or give @model a { name }).`);
  }
  if (parent.inheritance!.hierarchy.byIdentity.has(identity)) {
    throw new ArgumentError(`@model on ${declaration.name}: polymorphicIdentity ${JSON.stringify(identity)} is already ${parent.inheritance!.hierarchy.byIdentity.get(identity)!.name}'s. Give each class of the hierarchy its own value.`);
  }
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
  declareSubclass(mapper, parent, identity, added, declaration.deferred);
  registry.register(mapper);
  return mapper;
}
