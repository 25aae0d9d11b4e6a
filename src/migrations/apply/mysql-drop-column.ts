/**
 * MariaDB/MySQL do not drop a multi-column index with one of its columns, as PostgreSQL (and the
 * migration history's model, `apply-to-model.ts`) do: a unique or primary key refuses the drop
 * (error 1072, "Key column doesn't exist"), and a plain index silently shrinks to its other columns,
 * so the database would keep an index the history says is gone. The keys are dropped in the same
 * ALTER TABLE: one statement, so the step stays one (its rerun guard and refusals apply, and an
 * interruption cannot leave the keys gone and the column there).
 */
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { CompileError } from "../../core/errors.js";
import { tableKey, type SchemaModel } from "../../core/schema/schema-model.js";
import type { TableRef } from "../operations/operation.js";

/** `ALTER TABLE ... DROP COLUMN` of `column`, dropping first the multi-column keys of `table` (in `before`) that include it. */
export function mysqlDropColumn(ddl: DdlCompiler, table: TableRef, column: string, before: SchemaModel): string[] {
  const model = before.tables.find((t) => tableKey(t) === tableKey(table));
  // A key on the column alone goes with it on every database; only a longer one stays behind.
  const shared = (columns: readonly string[] | undefined) => columns !== undefined && columns.length > 1 && columns.includes(column);
  const prefix = `ALTER TABLE ${ddl.tableName(table)} `;
  const clause = (statements: readonly string[]) =>
    statements.map((sql) => {
      if (!sql.startsWith(prefix)) throw new CompileError(`Cannot combine '${sql}' into one ALTER TABLE of '${tableKey(table)}'.`);
      return sql.slice(prefix.length);
    });
  const clauses = [
    ...(model?.primaryKey && shared(model.primaryKey.columns) ? clause(ddl.dropPrimaryKey(table, model.primaryKey)) : []),
    // On MySQL an index and a unique constraint are both dropped as `DROP INDEX name`.
    ...(model?.uniques ?? []).filter((u) => shared(u.columns)).flatMap((u) => clause(ddl.dropUnique(table, u, model))),
    ...(model?.indexes ?? []).filter((i) => shared(i.columns)).flatMap((i) => clause(ddl.dropUnique(table, { name: i.name, columns: i.columns }, model))),
    ...clause(ddl.dropColumn(table, column)),
  ];
  return [prefix + clauses.join(", ")];
}
