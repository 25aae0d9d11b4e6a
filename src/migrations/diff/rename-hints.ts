/**
 * The model's rename declarations (`.renamedFrom()` on columns, `previousNames` on tables) copied
 * into a `SchemaModel` built from the same MetaData, where the differ reads them. (The model
 * side's `tableModel` may fill them itself; this is idempotent then.)
 */
import type { MetaData } from "../../core/schema/metadata.js";
import { tableKey, type SchemaModel, type TableModel } from "../../core/schema/schema-model.js";

/**
 * `schema` with each table's `previousNames` and each column's `renamedFrom` taken from `metadata`.
 *
 * ```ts
 * const to = withRenameHints(schemaModelOf(Base.metadata, engine.dialect), Base.metadata);
 * const operations = diffSchemas(await engine.inspect().reflect(), to, { dialect: engine.dialect }); // renames, not drop + add
 * ```
 */
export function withRenameHints(schema: SchemaModel, metadata: MetaData): SchemaModel {
  const tables = new Map([...metadata.tables.values()].map((t) => [tableKey(t), t] as const));
  return {
    ...schema,
    tables: schema.tables.map((model): TableModel => {
      const table = tables.get(tableKey(model));
      if (!table) return model;
      return {
        ...model,
        ...(table.previousNames.length ? { previousNames: table.previousNames } : {}),
        columns: model.columns.map((c) => {
          const renamedFrom = table.columnByName(c.name)?.renamedFrom ?? [];
          return renamedFrom.length ? { ...c, renamedFrom } : c;
        }),
      };
    }),
  };
}
