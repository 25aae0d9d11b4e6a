/**
 * One model file, written as the seed's are: the class extends the project's `Base`, registers
 * its name in `Models`, maps its table with `@model("exact_name")`, and names the other models
 * in relationships by string, importing them with `import type` only (no run-time import cycle).
 */
import type { PlannedModel, PlannedRelationship } from "./plan.js";
import { ImportSet } from "./imports.js";
import { quote } from "./names.js";
import { tableCode, type TableCodeContext } from "./table-code.js";
import type { IdentifierLimit } from "../../core/compiler/identifier-limit.js";
import type { EnumModel } from "../../core/schema/schema-model.js";

/** What rendering needs besides the plan. */
export interface RenderContext {
  /** The module specifier of athanor in the generated imports (`"athanor"` by default). */
  readonly importFrom: string;
  readonly identifierLimit: IdentifierLimit | undefined;
  /** The file of the declarative base (and the JSON type), without extension. */
  readonly baseFile: string;
  /** The first line(s) of every file: a comment saying where the code came from. */
  readonly header: string;
  /** The database's enum types, for columns of such a type. */
  readonly enumTypes: readonly EnumModel[];
  /** The `pk` naming convention of the base, when one names every primary key. */
  readonly primaryKeyTemplate: string | undefined;
}

/** A rendered model module, and whether it uses the base's JSON value type. */
export interface RenderedModel {
  readonly source: string;
  readonly usesJson: boolean;
}

/** The source of one model module. */
export function renderModel(model: PlannedModel, context: RenderContext): RenderedModel {
  const imports = new ImportSet();
  let usesJson = false;
  const jsonType = () => ((usesJson = true), imports.sibling(context.baseFile, "JsonValue", true));
  const codeContext: TableCodeContext = {
    imports,
    attributes: model.attributes,
    identifierLimit: context.identifierLimit,
    jsonType,
    givenKeys: true,
    enumTypes: context.enumTypes,
    primaryKeyTemplate: context.primaryKeyTemplate,
  };
  const code = tableCode(model.table, codeContext);
  imports.sibling(context.baseFile, "Base", false);
  imports.value("model");

  const body: string[] = [];
  for (const column of code.columns) {
    imports.value("column");
    for (const note of column.notes) body.push(`  // ${note}`);
    body.push(`  @column(${column.builder}) accessor ${column.attribute}!: ${column.tsType};`);
  }
  const relationships = [...model.relationships].sort((a, b) => ORDER[a.kind] - ORDER[b.kind]);
  for (const rel of relationships) body.push("", ...relationshipLines(rel, model, imports));

  const options: string[] = [];
  if (model.table.schema !== undefined) options.push(`schema: ${quote(model.table.schema)}`);
  if (code.constraints.length) options.push(`constraints: (c) => [\n    ${code.constraints.join(",\n    ")},\n  ]`);
  // One line for a schema alone; the constraints list one per line.
  const decorator = !options.length
    ? `@model(${quote(model.table.name)})`
    : code.constraints.length
      ? `@model(${quote(model.table.name)}, {\n${options.map((o) => `  ${o},`).join("\n")}\n})`
      : `@model(${quote(model.table.name)}, { ${options.join(", ")} })`;

  const lines = [
    context.header,
    ...imports.lines(context.importFrom),
    "",
    `declare module ${quote(context.importFrom)} {`,
    "  interface Models {",
    `    ${model.className}: ${model.className};`,
    "  }",
    "}",
    "",
    ...docLines(model, code.unmapped),
    decorator,
    `export class ${model.className} extends Base {`,
    ...body,
    "}",
    "",
  ];
  return { source: lines.join("\n"), usesJson };
}

const ORDER: Readonly<Record<PlannedRelationship["kind"], number>> = { manyToOne: 0, oneToOne: 1, oneToMany: 2, manyToMany: 3 };

/** The class's doc comment: the table it maps, its role, and what the code does not express. */
function docLines(model: PlannedModel, unmapped: readonly string[]): string[] {
  const where = model.table.schema ? `${model.table.schema}.${model.table.name}` : model.table.name;
  const lines = [`Table \`${where}\`.`];
  if (model.association) {
    lines.push("", `An association object: each row links a ${model.association.ends[0]} and a ${model.association.ends[1]}, with data of its own.`);
  }
  if (unmapped.length) lines.push("", "Not expressed by the model (kept by the database as it is):", ...unmapped.map((u) => `- ${u}`));
  if (lines.length === 1) return [`/** ${lines[0]} */`];
  return ["/**", ...lines.map((l) => (l ? ` * ${l}` : " *")), " */"];
}

function relationshipLines(rel: PlannedRelationship, model: PlannedModel, imports: ImportSet): string[] {
  const target = rel.target.className;
  if (rel.target !== model) imports.sibling(rel.target.fileName, target, true);
  imports.value(rel.kind);
  imports.type("Rel");
  const options = [
    ...(rel.secondary !== undefined ? [`secondary: ${quote(rel.secondary)}`] : []),
    ...(rel.foreignKeys ? [`foreignKeys: [${rel.foreignKeys.map(quote).join(", ")}]`] : []),
    `backPopulates: ${quote(rel.backPopulates)}`,
    ...(rel.viewonly ? ["viewonly: true"] : []),
  ];
  const held = rel.kind === "oneToMany" || rel.kind === "manyToMany" ? `${target}[]` : rel.nullable ? `${target} | null` : target;
  const lines = [];
  if (rel.note) lines.push(`  /** ${describe(rel)}: ${rel.note}${rel.viewonly ? "; read-only, since a new link could not fill the association's other columns" : ""}. */`);
  lines.push(`  @${rel.kind}(${quote(target)}, { ${options.join(", ")} })`, `  accessor ${rel.name}!: Rel<${held}, ${quote(rel.backPopulates)}>;`);
  return lines;
}

function describe(rel: PlannedRelationship): string {
  switch (rel.kind) {
    case "manyToOne":
      return "Many-to-one";
    case "oneToMany":
      return "One-to-many";
    case "oneToOne":
      return "One-to-one";
    case "manyToMany":
      return "Many-to-many";
  }
}
