/**
 * Graphviz DOT: one HTML-like table per database table (columns with type, keys and
 * nullability), and crow's-foot edges between them: a tee for "one", a crow for "many", a circle
 * for "optional"; a many-to-many is a dashed edge labelled with its association table.
 */
import type { DiagramLink, DiagramModel, DiagramTable } from "./diagram-model.js";
import { tableTitle } from "./render-mermaid.js";

export function renderDot(model: DiagramModel): string {
  const lines = [
    "digraph athanor {",
    '  graph [rankdir=LR, fontname="Helvetica", nodesep=0.6, ranksep=1.2];',
    '  node [shape=plain, fontname="Helvetica", fontsize=11];',
    '  edge [fontname="Helvetica", fontsize=9, dir=both];',
  ];
  for (const table of model.tables) lines.push(`  ${id(table.name)} [label=<${tableLabel(table)}>];`);
  for (const link of model.links) lines.push(`  ${id(link.from)} -> ${id(link.to)} [${edgeAttributes(link)}];`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

function tableLabel(table: DiagramTable): string {
  const header = table.associationObject ? "#fde9c9" : table.secondaryOf.length ? "#eeeeee" : "#dbe8f7";
  const rows = table.columns.map((c) => {
    const keys = [c.primaryKey ? "PK" : "", c.references.length ? "FK" : "", c.unique && !c.primaryKey ? "UK" : ""].filter(Boolean).join(" ");
    const name = c.primaryKey ? `<u>${html(c.name)}</u>` : html(c.name);
    const extra = table.extraColumns.includes(c.name) ? " <i>(extra)</i>" : "";
    const refs = c.references.length ? ` → ${html(c.references.join(", "))}` : "";
    return (
      `<tr><td align="left">${name}${extra}</td><td align="left">${html(c.type)}</td>` +
      `<td align="left">${keys}</td><td align="left">${c.nullable ? "null" : "not null"}${refs}</td></tr>`
    );
  });
  return (
    `<table border="0" cellborder="1" cellspacing="0" cellpadding="4">` +
    `<tr><td colspan="4" bgcolor="${header}"><b>${html(tableTitle(table))}</b></td></tr>${rows.join("")}</table>`
  );
}

function edgeAttributes(link: DiagramLink): string {
  const one = link.optional ? "teeodot" : "teetee";
  const [tail, head] =
    link.cardinality === "many-to-many" ? ["crowodot", "crowodot"] : link.cardinality === "one-to-one" ? [one, "teeodot"] : [one, "crowodot"];
  const attrs = [`arrowtail=${tail}`, `arrowhead=${head}`, `label=${quote(`${link.label} (${link.cardinality})`)}`];
  if (link.cardinality === "many-to-many") attrs.push("style=dashed", 'color="#555555"');
  if (link.foreignKeyOnly) attrs.push('color="#888888"', 'fontcolor="#666666"');
  return attrs.join(", ");
}

function id(name: string): string {
  return quote(name);
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function html(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
