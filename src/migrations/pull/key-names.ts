/**
 * Primary key names. A model cannot name its primary key; its MetaData's naming convention does
 * (`pk`). When every primary key of the schema is named by one common template (`pk_<table>`,
 * as SQLAlchemy conventions and athanor's own make them), the generated base carries that
 * convention, and the names come back without a word in the models.
 */
import { fitGeneratedName, type IdentifierLimit } from "../../core/compiler/identifier-limit.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";

/** The templates recognised, most common first. */
const TEMPLATES: readonly { readonly template: string; readonly name: (table: string, columns: readonly string[]) => string }[] = [
  { template: "pk_{table_name}", name: (t) => `pk_${t}` },
  { template: "{table_name}_pk", name: (t) => `${t}_pk` },
  { template: "pk_{table_name}_{column_0_N_name}", name: (t, c) => `pk_${t}_${c.join("_")}` },
];

/** The `pk` template that names every primary key of `schema` as the database has it, if there is one. */
export function primaryKeyTemplate(schema: SchemaModel, limit: IdentifierLimit | undefined): string | undefined {
  const keys = schema.tables.flatMap((t) => (t.primaryKey ? [{ table: t.name, ...t.primaryKey }] : []));
  if (!keys.some((k) => k.name !== undefined)) return undefined;
  return TEMPLATES.find(({ name }) => keys.every((k) => k.name === fitGeneratedName(name(k.table, k.columns), limit)))?.template;
}
