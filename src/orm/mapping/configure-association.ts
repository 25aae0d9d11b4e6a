/**
 * Configuration of a many-to-many that overlaps an association object over the same table (the
 * seed's double path): whether the two can be one writer, and the view that makes them one.
 */
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { CASCADE_OPTIONS } from "./cascade.js";
import type { Report } from "./configure.js";
import type { RelationshipProperty } from "./relationship.js";
import { isColumnKey } from "../../core/schema/index-parts.js";
/**
 * A many-to-many whose association table is also mapped (the association object) is kept as one
 * writer with it: a link is one association object, whichever path wrote it. That needs one
 * association row per link (its primary key is the link columns, or a surrogate key with a unique
 * constraint over them) and its other columns fillable by default or by the `creator`.
 */
export function checkAssociationOverlap(rel: RelationshipProperty, report: Report): void {
  const { association, secondary, pairs, secondaryPairs, target } = rel.resolved;
  const fail = (message: string, fix: string) => report(rel.parent, rel.key, message, fix);
  const creator = rel.spec.options.creator;
  if (creator !== undefined && (!association || rel.viewonly)) {
    return fail(
      `creator makes association objects, but ${rel} ${rel.viewonly ? "is viewonly" : `is not a many-to-many over a mapped association table`}.`,
      rel.viewonly ? `Remove creator, or viewonly: true.` : `Remove creator, or map the association table as a model with a many-to-one to each end.`,
    );
  }
  if (!association || !secondary || rel.viewonly) return;
  const linkColumns = new Set([...pairs, ...secondaryPairs].map(([, fkCol]) => fkCol));
  const links = [...linkColumns].map((c) => c.name).join(", ");
  const pk = association.primaryKey;
  const { toOwner, toMember } = associationEnds(rel);
  if (creator !== undefined && (!toOwner || !toMember)) {
    return fail(
      `creator makes ${association.name} objects, but ${association.name} has no many-to-one to each end over (${links}) to link them by.`,
      `Add @manyToOne relationships from ${association.name} to ${rel.parent.name} and to ${target.name}, or remove creator.`,
    );
  }
  if (pk.length !== linkColumns.size || !pk.every((c) => linkColumns.has(c))) {
    const surrogate = `the secondary '${secondary.name}' is also mapped by ${association.name}, whose primary key (${pk.map((c) => c.name).join(", ")}) is not its link columns (${links})`;
    if (!toOwner || !toMember) {
      return fail(
        `${surrogate}: a link written through ${rel} must then be written as a ${association.name}, which needs a many-to-one from ${association.name} to each end.`,
        `Add @manyToOne relationships from ${association.name} to ${rel.parent.name} and to ${target.name} (over ${links}), or declare ${rel} with viewonly: true.`,
      );
    }
    if (!uniqueOver(secondary, linkColumns)) {
      return fail(
        `${surrogate}, and no unique constraint covers them, so one link could be several ${association.name} rows: a link removed through ${rel} would not name one row.`,
        `Add a unique constraint over (${links}) to '${secondary.name}' (e.g. @model("${secondary.name}", { constraints: (c) => [unique([${[...linkColumns].map((c) => `c.${association.attributeFor(c) ?? c.key}`).join(", ")}])] })), ` +
          `or declare ${rel} with viewonly: true.`,
      );
    }
    if (!toOwner.backRef?.collection && !toMember.backRef?.collection) {
      return fail(
        `${surrogate}: a link removed through ${rel} while its ${association.name} is not loaded is found by loading the ${association.name} objects of one end, which needs a one-to-many to ${association.name}.`,
        `Add @oneToMany("${association.name}", { backPopulates: "${toOwner.key}" }) to ${rel.parent.name} (and backPopulates on ${association.name}.${toOwner.key}), or declare ${rel} with viewonly: true.`,
      );
    }
  }
  if (creator !== undefined) return; // it fills the other columns
  for (const column of secondary.columnList) {
    if (linkColumns.has(column) || column.nullable || column.default !== undefined || column.serverDefault !== undefined || column.generated !== undefined || column.autoincrement) continue;
    const attribute = association.attributeFor(column) ?? column.key;
    fail(
      `a link added through ${rel} creates a ${association.name}, but ${association.name}.${attribute} is NOT NULL with no default.`,
      `Give ${association.name}.${attribute} a default (.default(...) or .serverDefault(...)) or make it nullable, pass creator: (member, owner) => new ${association.name}(...) to fill it, or declare ${rel} with viewonly: true.`,
    );
  }
}

/** Whether the table's rows are unique over (a subset of) `columns`: its key, a unique constraint or a unique index. */
function uniqueOver(table: Table, columns: ReadonlySet<Column>): boolean {
  const within = (cols: readonly Column[]) => cols.length > 0 && cols.every((c) => columns.has(c));
  return (
    within(table.primaryKey) ||
    table.columnList.some((c) => c.unique === true && columns.has(c)) ||
    table.uniques.some((u) => within(u.columns)) ||
    table.indexes.some((i) => isColumnKey(i) && within(i.columns))
  );
}

/** The association's many-to-one relationships to the owner and to the members, over the link columns. */
function associationEnds(rel: RelationshipProperty): { toOwner: RelationshipProperty | undefined; toMember: RelationshipProperty | undefined } {
  const { association, pairs, secondaryPairs } = rel.resolved;
  const over = (linkPairs: readonly (readonly [Column, Column])[]) =>
    [...association!.relationships.values()].find(
      (r) => r.isResolved && r.kind === "manyToOne" && r.resolved.pairs.length === linkPairs.length &&
        r.resolved.pairs.every(([fkCol], i) => fkCol === linkPairs[i]![1]),
    );
  return { toOwner: over(pairs), toMember: over(secondaryPairs) };
}

/**
 * Makes a many-to-many a view over its association objects when the association has a
 * many-to-one to each side over the link columns: links are then written only as association
 * objects, whichever path added them.
 */
export function linkAssociationView(rel: RelationshipProperty): void {
  const { association, pairs, secondaryPairs } = rel.resolved;
  if (!association || rel.viewonly) return;
  const { toOwner, toMember } = associationEnds(rel);
  if (!toOwner || !toMember) return;
  const through = toOwner.backRef;
  // An ordered view is read by its own ordered query: the association objects' order is not its order.
  const derivable =
    rel.order.length === 0 && through !== undefined && through.collection && !through.viewonly &&
    CASCADE_OPTIONS.every((kind) => !rel.cascades(kind) || (through.cascades(kind) && toMember.cascades(kind)));
  const linkColumns = new Set([...pairs, ...secondaryPairs].map(([, fkCol]) => fkCol));
  const keyedByLinks = association.primaryKey.length === linkColumns.size && association.primaryKey.every((c) => linkColumns.has(c));
  rel.associationView = { association, toOwner, toMember, derivedFrom: derivable ? through : undefined, keyedByLinks };
  for (const end of [toOwner, toMember]) if (!end.views.includes(rel)) end.views.push(rel);
}
