/**
 * `@model("managers", ...)` on a subclass of a model: joined-table inheritance (SQLAlchemy's most
 * used form). The subclass gets a table of its own, keyed by the root's primary key: each key
 * column a foreign key to the root's (`ON DELETE CASCADE`), added for the user unless declared.
 * Its mapper maps the columns of every table of the hierarchy, as under single-table inheritance,
 * so that one row layout reads every class; what each class writes and joins is its own tables
 * (`Inheritance.tables`, and `mapping/joined-tables.ts`).
 */
import { ArgumentError } from "../../core/errors.js";
import { columnOfType, type AnyColumnBuilder } from "../../core/schema/column-builder.js";
import type { Column } from "../../core/schema/column.js";
import { Table } from "../../core/schema/table.js";
import type { TableConstraint } from "../../core/schema/constraints.js";
import { declareSubclass } from "../mapping/inheritance.js";
import type { Mapper } from "../mapping/mapper.js";
import type { Registry } from "../mapping/registry.js";
import type { ClassRef } from "../mapping/relationship-spec.js";
import { checkNewSubclass, subclassMapper, type SubclassDeclaration } from "./single-table.js";

/** The options of `@model` a joined subclass may give: its table's own. */
export interface JoinedTableOptions {
  readonly previousNames?: readonly string[];
  readonly constraints?: (c: never) => readonly TableConstraint[];
}

/** Maps the subclass onto a table of its own, `tableName`, joined to its superclasses' tables by the root's key. */
export function mapJoinedSubclass(
  registry: Registry,
  cls: ClassRef,
  parent: Mapper,
  identity: unknown,
  declaration: SubclassDeclaration,
  tableName: string,
  options: JoinedTableOptions,
): Mapper {
  const { hierarchy } = parent.inheritance!;
  const root = hierarchy.root;
  // Checked before anything is made: a refused subclass leaves the metadata and the hierarchy as they were.
  checkNewSubclass(registry, parent, identity, declaration.name);
  const keyBuilders = keyColumns(declaration, root);
  const own: Record<string, AnyColumnBuilder> = {};
  for (const [key, builder] of Object.entries(declaration.builders)) {
    if (key in keyBuilders) continue;
    if (builder.options.primaryKey) {
      throw new ArgumentError(
        `@model on ${declaration.name}: '${key}' cannot be a primary-key column: the key of '${tableName}' is ${root.name}'s (${root.keyAttributes.join(", ")}), joined-table inheritance. ` +
          `Drop .primaryKey(), or declare it on ${root.name}.`,
      );
    }
    if (parent.columns.has(key)) {
      throw new ArgumentError(`@model on ${declaration.name}: '${key}' is mapped by ${parent.name} already; a subclass cannot declare it again. Rename it, or use the inherited attribute.`);
    }
    own[key] = builder;
  }
  const table = new Table(tableName, registry.metadata, { ...keyBuilders, ...own }, options.constraints as never, {
    ...(root.table.schema !== undefined ? { schema: root.table.schema } : {}),
    ...(options.previousNames ? { previousNames: options.previousNames } : {}),
  });
  const added = new Map<string, Column>(Object.keys(own).map((key) => [key, table.c[key]!] as const));
  const mapper = subclassMapper(registry, cls, parent, declaration, table, added);
  hierarchy.mode = "joined";
  declareSubclass(mapper, parent, identity, added, declaration.deferred);
  for (const member of hierarchy.members) member.mapKeyColumns(table);
  registry.register(mapper);
  return mapper;
}

/**
 * The key columns of the subclass's table: the root's key, each column a foreign key to the
 * root's column (deleting the root's row deletes the subclass's). A key column the subclass
 * declares itself (`@column(integer().primaryKey()) accessor id`, under the root's attribute name)
 * is used as given, with the foreign key added when it names none.
 */
function keyColumns(declaration: SubclassDeclaration, root: Mapper): Record<string, AnyColumnBuilder> {
  const builders: Record<string, AnyColumnBuilder> = {};
  for (const column of root.table.primaryKey) {
    const attr = root.attributeFor(column)!;
    const target = `${root.table.fullName}.${column.name}`;
    const declared = declaration.builders[attr];
    if (declared !== undefined && !declared.options.primaryKey) {
      throw new ArgumentError(
        `@model on ${declaration.name}: '${attr}' is ${root.name}'s key; in the table of a joined subclass it must be the key too. Add .primaryKey(), or leave it out (athanor adds it).`,
      );
    }
    const builder = declared ?? columnOfType(column.type).named(column.name).primaryKey().autoincrement(false);
    builders[attr] = builder.options.references.length ? builder : builder.references(target, { onDelete: "cascade" });
  }
  return builders;
}
