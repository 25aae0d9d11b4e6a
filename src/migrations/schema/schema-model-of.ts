/**
 * The model side of every migration comparison: a MetaData as the `SchemaModel` its `createAll`
 * would produce on a dialect, named, typed and defaulted as that database then reports it, so
 * that it deep-equals `Inspector.reflect()` of the created database.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { MetaData } from "../../core/schema/metadata.js";
import type { SchemaModel, TableModel } from "../../core/schema/schema-model.js";

/** The `SchemaModel` of `metadata` on `dialect`: tables sorted by schema then name, no enums (athanor's are CHECKs). */
export function schemaModelOf(metadata: MetaData, dialect: Dialect): SchemaModel {
  const ddl = dialect.createDdlCompiler();
  const tables = [...metadata.tables.values()].map((t) => ddl.tableModel(t));
  return { tables: sortTables(tables), enums: [] };
}

/** Tables in the `SchemaModel` order: by schema (none first), then by name. */
export function sortTables(tables: readonly TableModel[]): TableModel[] {
  const key = (t: TableModel) => `${t.schema ?? ""}\u0000${t.name}`;
  return [...tables].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
