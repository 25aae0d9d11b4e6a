/**
 * What an ER diagram shows, independent of its format: the tables with their columns, and the
 * relationships between them with their cardinality. Each relationship appears once (a pair of
 * `backPopulates` sides is one link); a many-to-many is drawn between its two tables and through
 * its association table, whose foreign keys are drawn too; a table that is both mapped by a model
 * and the secondary of a many-to-many is marked as an association object.
 */
import type { Column } from "../../core/schema/column.js";
import type { ForeignKey } from "../../core/schema/constraints.js";
import type { Table } from "../../core/schema/table.js";
import type { SqlType } from "../../core/types/sql-type.js";
import type { Registry } from "../../orm/mapping/registry.js";
import type { RelationshipProperty } from "../../orm/mapping/relationship.js";
import { CliError, EXIT_PROBLEMS } from "./errors.js";

export interface DiagramColumn {
  readonly name: string;
  readonly type: string;
  readonly primaryKey: boolean;
  readonly unique: boolean;
  readonly nullable: boolean;
  /** `table.column` references, when a foreign key. */
  readonly references: readonly string[];
}

export interface DiagramTable {
  readonly name: string;
  /** The model mapped to the table, if any. */
  readonly model: string | undefined;
  readonly columns: readonly DiagramColumn[];
  /** The many-to-many relationships that use this table as their secondary. */
  readonly secondaryOf: readonly string[];
  /** Mapped by a model and used as a secondary: an association object, with its extra columns. */
  readonly associationObject: boolean;
  /** Columns other than the link columns, for an association table. */
  readonly extraColumns: readonly string[];
}

export type Cardinality = "one-to-many" | "one-to-one" | "many-to-many";

export interface DiagramLink {
  /** The "one" side (the referenced table); for many-to-many the owning side's table. */
  readonly from: string;
  /** The "many" side (the table holding the foreign key); for many-to-many the other table. */
  readonly to: string;
  readonly cardinality: Cardinality;
  /** The relationship attributes, e.g. "Parent.children / Child.parents", or the foreign key. */
  readonly label: string;
  /** Whether the "one" side is optional (a nullable foreign key). */
  readonly optional: boolean;
  /** Many-to-many: the association table. */
  readonly via: string | undefined;
  /** A foreign key that no relationship uses (e.g. of a plain association table). */
  readonly foreignKeyOnly: boolean;
}

export interface DiagramModel {
  readonly tables: readonly DiagramTable[];
  readonly links: readonly DiagramLink[];
}

export function buildDiagramModel(registries: readonly Registry[]): DiagramModel {
  const problems = registries.flatMap((r) => r.check());
  if (problems.length) {
    throw new CliError(`the models have ${problems.length === 1 ? "1 configuration problem" : `${problems.length} configuration problems`}; run 'athanor check' to see them`, EXIT_PROBLEMS);
  }
  const tables: DiagramTable[] = [];
  const links: DiagramLink[] = [];
  const coveredFks = new Set<ForeignKey>();
  const done = new Set<RelationshipProperty>();

  const relationships = registries.flatMap((r) => r.mappers.flatMap((m) => [...m.relationships.values()].filter((rel) => rel.parent === m)));
  for (const rel of relationships) {
    if (done.has(rel)) continue;
    done.add(rel);
    const back = rel.backRef && !done.has(rel.backRef) ? rel.backRef : undefined;
    if (back) done.add(back);
    const { direction, target, secondary, pairs } = rel.resolved;
    const sides = back ? [rel, back] : [rel];
    if (direction === "manyToMany") {
      links.push({
        from: rel.parent.table.name,
        to: target.table.name,
        cardinality: "many-to-many",
        label: `${sides.map(String).join(" / ")} via ${secondary!.name}`,
        optional: true,
        via: secondary!.name,
        foreignKeyOnly: false,
      });
      continue;
    }
    // The side that holds the foreign key is the "many" (or the dependent one-to-one) side.
    const [holder, referenced] = direction === "manyToOne" ? [rel.parent.table, target.table] : [target.table, rel.parent.table];
    const fkColumns = pairs.map(([a, b]) => (direction === "manyToOne" ? a : b));
    const fk = holder.foreignKeys.find((f) => f.columns.length === fkColumns.length && f.columns.every((c, i) => c === fkColumns[i]));
    if (fk) coveredFks.add(fk);
    const oneToOne = rel.kind === "oneToOne" || back?.kind === "oneToOne";
    // The "one" side first in the label: Parent.children / Child.parent.
    const ordered = direction === "manyToOne" ? [...sides].reverse() : sides;
    links.push({
      from: referenced.name,
      to: holder.name,
      cardinality: oneToOne ? "one-to-one" : "one-to-many",
      label: ordered.map(String).join(" / "),
      optional: fkColumns.some((c) => c.nullable),
      via: undefined,
      foreignKeyOnly: false,
    });
  }

  const seen = new Set<Table>();
  for (const registry of registries) {
    for (const table of registry.metadata.tables.values()) {
      if (seen.has(table)) continue;
      seen.add(table);
      const mapper = registry.mapperForTable(table);
      const secondaryOf = relationships.filter((r) => r.resolved.secondary === table).map(String);
      const linkColumns = new Set(table.foreignKeys.flatMap((fk) => fk.columns));
      tables.push({
        name: table.name,
        model: mapper?.name,
        columns: table.columnList.map((c) => describeColumn(c, table)),
        secondaryOf,
        associationObject: mapper !== undefined && secondaryOf.length > 0,
        extraColumns: secondaryOf.length ? table.columnList.filter((c) => !linkColumns.has(c)).map((c) => c.name) : [],
      });
      for (const fk of table.foreignKeys) {
        if (coveredFks.has(fk) || !fk.isResolvable) continue;
        links.push({
          from: fk.referredTable.name,
          to: table.name,
          cardinality: "one-to-many",
          label: `${table.name}(${fk.columns.map((c) => c.name).join(", ")}) -> ${fk.target}`,
          optional: fk.columns.some((c) => c.nullable),
          via: undefined,
          foreignKeyOnly: true,
        });
      }
    }
  }
  return { tables, links };
}

function describeColumn(column: Column, table: Table): DiagramColumn {
  const unique = column.unique || table.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column);
  return {
    name: column.name,
    type: typeName(column.type),
    primaryKey: column.primaryKey,
    unique,
    nullable: column.nullable,
    references: table.foreignKeys.filter((fk) => fk.columns.includes(column)).map((fk) => `${fk.targetTable}.${fk.targetColumns[fk.columns.indexOf(column)]}`),
  };
}

function typeName(type: SqlType): string {
  switch (type.kind) {
    case "string":
      return type.length === undefined ? "string" : `string(${type.length})`;
    case "numeric":
      return type.precision === undefined ? "numeric" : `numeric(${type.precision}${type.scale === undefined ? "" : `,${type.scale}`})`;
    case "datetime":
      return type.timezone ? "datetimetz" : "datetime";
    case "enum":
      return type.enumName ? `enum(${type.enumName})` : "enum";
    default:
      return type.kind;
  }
}
