/** Narrowing a reflected schema to the tables of one schema, and those its foreign keys reach. */
import { tableKey, type SchemaModel, type TableModel } from "../../core/schema/schema-model.js";
import { referredKey } from "./shapes.js";

/**
 * The tables of `schema` (`undefined`: the connection's default one, whose tables carry no
 * schema), plus every table their foreign keys reach, directly or not, so that the models
 * generated from them resolve every key. Enums are kept as they are.
 *
 * ```ts
 * const billing = tablesOfSchema(await engine.inspect().reflect({ schemas: ["billing"] }), "billing"); // and what they reference
 * ```
 */
export function tablesOfSchema(model: SchemaModel, schema: string | undefined): SchemaModel {
  const byKey = new Map(model.tables.map((t) => [tableKey(t), t] as const));
  const lookup = (key: string) => byKey.get(key);
  const keep = new Set<string>();
  const visit = (table: TableModel) => {
    const key = tableKey(table);
    if (keep.has(key)) return;
    keep.add(key);
    for (const fk of table.foreignKeys) {
      const target = lookup(referredKey(fk, table, lookup));
      if (target) visit(target);
    }
  };
  for (const table of model.tables) if (table.schema === schema) visit(table);
  return { ...model, tables: model.tables.filter((t) => keep.has(tableKey(t))) };
}
