/**
 * The two modules around the models: `base.ts` (the declarative base, the JSON value type, and
 * the tables that get no class: plain association tables and tables without a primary key) and
 * `index.ts`, which imports every model so that importing it registers them all, as the seed's does.
 */
import { ImportSet } from "./imports.js";
import { quote } from "./names.js";
import type { PlannedModel, PlannedTable } from "./plan.js";
import type { RenderContext } from "./render-model.js";
import { tableCode } from "./table-code.js";

/** The base module: `export class Base extends DeclarativeBase {}` and the plain tables. */
export function renderBase(tables: readonly PlannedTable[], needsJson: boolean, context: RenderContext, header: string): string {
  const imports = new ImportSet();
  imports.value("DeclarativeBase");
  const body: string[] = ["/** The declarative base of the pulled models: it owns their registry and MetaData. */"];
  if (context.primaryKeyTemplate === undefined) body.push("export class Base extends DeclarativeBase {}");
  else {
    const convention = `{ namingConvention: { pk: ${quote(context.primaryKeyTemplate)} } }`;
    body.push(
      "export class Base extends DeclarativeBase {",
      "  /** Primary keys are named by this convention in the database: a model cannot name its own. */",
      `  static override registry = new ${imports.value("Registry")}({ metadata: new ${imports.value("MetaData")}(${convention}) });`,
      "}",
    );
  }
  let json = needsJson;
  for (const planned of tables) {
    const code = tableCode(planned.table, {
      imports,
      attributes: planned.attributes,
      identifierLimit: context.identifierLimit,
      jsonType: () => ((json = true), "JsonValue"),
      givenKeys: false,
      enumTypes: context.enumTypes,
      primaryKeyTemplate: context.primaryKeyTemplate,
    });
    imports.value("table");
    const where = planned.table.schema ? `${planned.table.schema}.${planned.table.name}` : planned.table.name;
    const why =
      planned.reason === "association"
        ? `Association table \`${where}\`: only the keys of a many-to-many, mapped by the relationships through it (no class of its own).`
        : `Table \`${where}\`: it has no primary key, so no class can map it (the session identifies objects by their key).`;
    body.push("", "/**", ` * ${why}`);
    if (code.unmapped.length) body.push(" *", " * Not expressed here (kept by the database as it is):", ...code.unmapped.map((u) => ` * - ${u}`));
    body.push(" */", `export const ${planned.constant} = table(${quote(planned.table.name)}, Base.metadata, {`);
    for (const column of code.columns) {
      for (const note of column.notes) body.push(`  // ${note}`);
      body.push(`  ${column.attribute}: ${column.builder},`);
    }
    const extra: string[] = [];
    if (code.constraints.length || planned.table.schema !== undefined) extra.push(code.constraints.length ? `(c) => [${code.constraints.join(", ")}]` : "undefined");
    if (planned.table.schema !== undefined) extra.push(`{ schema: ${quote(planned.table.schema)} }`);
    body.push(`}${extra.map((e) => `, ${e}`).join("")});`);
  }
  if (json) {
    body.push(
      "",
      "/** A JSON document as a JSON column holds it (SQL NULL is the attribute's `null`). */",
      "export type JsonValue = string | number | boolean | (JsonValue | null)[] | { [key: string]: JsonValue | null };",
    );
  }
  return [header, ...imports.lines(context.importFrom), "", ...body, ""].join("\n");
}

/** The entry module: re-exports the base, the plain tables and every model. */
export function renderIndex(models: readonly PlannedModel[], tables: readonly PlannedTable[], baseFile: string, header: string): string {
  const lines = [
    header,
    "/** The pulled models, all imported: importing this module registers every one of them. */",
    `export { ${["Base", ...tables.map((t) => t.constant)].join(", ")} } from ${quote(`./${baseFile}.js`)};`,
    ...models.map((m) => `export { ${m.className} } from ${quote(`./${m.fileName}.js`)};`),
    "",
  ];
  return lines.join("\n");
}
