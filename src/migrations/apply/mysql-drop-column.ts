/**
 * MariaDB/MySQL do not drop a multi-column index with one of its columns, as PostgreSQL (and the
 * migration history's model, `apply-to-model.ts`) do: a unique or primary key refuses the drop
 * (error 1072, "Key column doesn't exist"), and a plain index silently shrinks to its other columns,
 * so the database would keep an index the history says is gone. The keys are dropped first instead.
 */
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { tableKey, type SchemaModel } from "../../core/schema/schema-model.js";
import type { TableRef } from "../operations/operation.js";

/** The statements dropping the multi-column keys of `table` (in `before`) that include `column`, before it goes. */
export function mysqlKeysWithColumn(ddl: DdlCompiler, table: TableRef, column: string, before: SchemaModel): string[] {
  const model = before.tables.find((t) => tableKey(t) === tableKey(table));
  if (!model) return [];
  // A key on the column alone goes with it on every database; only a longer one stays behind.
  const shared = (columns: readonly string[] | undefined) => columns !== undefined && columns.length > 1 && columns.includes(column);
  return [
    ...(shared(model.primaryKey?.columns) && model.primaryKey ? ddl.dropPrimaryKey(table, model.primaryKey) : []),
    ...model.uniques.filter((u) => shared(u.columns)).flatMap((u) => ddl.dropUnique(table, u)),
    ...model.indexes.filter((i) => shared(i.columns)).flatMap((i) => ddl.dropIndexModel(table, i)),
  ];
}
