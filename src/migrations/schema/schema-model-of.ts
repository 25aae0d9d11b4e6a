/**
 * The model side of every migration comparison: a MetaData as the `SchemaModel` its `createAll`
 * would produce on a dialect, named, typed and defaulted as that database then reports it, so
 * that it deep-equals `Inspector.reflect()` of the created database.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { MetaData } from "../../core/schema/metadata.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import { sortTableModels } from "../../core/compiler/table-model.js";

/** The `SchemaModel` of `metadata` on `dialect`: tables sorted by schema then name, no enums (athanor's are CHECKs). */
export function schemaModelOf(metadata: MetaData, dialect: Dialect): SchemaModel {
  const ddl = dialect.createDdlCompiler();
  const tables = [...metadata.tables.values()].map((t) => ddl.tableModel(t));
  return { tables: sortTableModels(tables), enums: [] };
}
