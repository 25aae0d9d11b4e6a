/**
 * Mermaid `erDiagram` text. Cardinality in crow's-foot notation: `||--o{` one-to-many,
 * `||--o|` one-to-one, `|o--` when the foreign key is nullable (the "one" side is optional), and
 * `}o..o{` (dotted: no direct foreign key) for a many-to-many, labelled with its association table.
 */
import type { DiagramLink, DiagramModel, DiagramTable } from "./diagram-model.js";

export function renderMermaid(model: DiagramModel): string {
  const lines = ["erDiagram"];
  for (const table of model.tables) {
    lines.push(`  %% ${tableNote(table)}`);
    lines.push(`  ${entity(table.name)}["${escape(tableTitle(table))}"] {`);
    for (const c of table.columns) {
      const keys = [c.primaryKey ? "PK" : "", c.references.length ? "FK" : "", c.unique && !c.primaryKey ? "UK" : ""].filter(Boolean).join(", ");
      const notes = [c.nullable ? "nullable" : "not null", ...c.references.map((r) => `-> ${r}`)];
      if (table.extraColumns.includes(c.name)) notes.push("extra data");
      lines.push(`    ${word(c.type)} ${word(c.name)}${keys ? ` ${keys}` : ""} "${escape(notes.join(", "))}"`);
    }
    lines.push("  }");
  }
  for (const link of model.links) lines.push(`  ${entity(link.from)} ${cardinality(link)} ${entity(link.to)} : "${escape(link.label)}"`);
  return lines.join("\n") + "\n";
}

export function cardinality(link: DiagramLink): string {
  switch (link.cardinality) {
    case "many-to-many":
      return "}o..o{";
    case "one-to-one":
      return link.optional ? "|o--o|" : "||--o|";
    case "one-to-many":
      return link.optional ? "|o--o{" : "||--o{";
  }
}

/** "association_table (Association, association object)". */
export function tableTitle(table: DiagramTable): string {
  if (table.associationObject) return `${table.name} (association object ${table.model})`;
  if (table.secondaryOf.length) return `${table.name} (association table)`;
  return table.model ? `${table.name} (${table.model})` : table.name;
}

function tableNote(table: DiagramTable): string {
  const parts = [`table ${table.name}`];
  if (table.model) parts.push(`mapped by ${table.model}`);
  if (table.secondaryOf.length) parts.push(`secondary of ${table.secondaryOf.join(", ")}`);
  if (table.extraColumns.length) parts.push(`extra columns: ${table.extraColumns.join(", ")}`);
  return parts.join("; ");
}

/** An entity name Mermaid accepts unquoted. */
function entity(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_");
}

function word(text: string): string {
  return text.replace(/[^A-Za-z0-9_()[\]-]/g, "_");
}

function escape(text: string): string {
  return text.replace(/"/g, "'");
}
