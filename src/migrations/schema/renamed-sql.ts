/**
 * A column rename reaches into SQL text: the databases rewrite every expression that names the
 * column (a generated column's, an index's expressions and WHERE, MariaDB's computed default, a
 * CHECK's condition), so the history's model, and the old side of a diff, do the same. Without
 * it, `migrate new` dropped and added the generated columns again and a SQLite rebuild re-created
 * an index over a column that no longer exists.
 */
import { renameColumnsInCheck } from "../../core/schema/check-columns.js";
import type { ColumnModel, IndexModel, TableModel } from "../../core/schema/schema-model.js";

/**
 * `table` with each SQL text that names a column renamed in `renames` (old → new, all at once)
 * made to name the new one: generated expressions, server defaults, index expressions and
 * conditions, and check conditions. Column names themselves are left to the caller. Each list
 * keeps its order, item for item (re-sort unnamed checks, which sort by text); the same object
 * when `renames` is empty.
 *
 * @internal
 */
export function renameColumnsInTableSql(table: TableModel, renames: ReadonlyMap<string, string>): TableModel {
  if (renames.size === 0) return table;
  const sql = (text: string) => renameColumnsInCheck(text, renames);
  const column = (c: ColumnModel): ColumnModel => ({
    ...c,
    ...(c.generated ? { generated: { ...c.generated, sql: sql(c.generated.sql) } } : {}),
    // A default names a column only on MariaDB (`DEFAULT (qty * 2)`); a literal is left alone.
    ...(c.serverDefault !== undefined ? { serverDefault: sql(c.serverDefault) } : {}),
  });
  const index = (i: IndexModel): IndexModel => ({
    ...i,
    ...(i.expressions ? { expressions: i.expressions.map(sql) } : {}),
    ...(i.where !== undefined ? { where: sql(i.where) } : {}),
  });
  return {
    ...table,
    columns: table.columns.map(column),
    indexes: table.indexes.map(index),
    checks: table.checks.map((c) => ({ ...c, sql: sql(c.sql) })),
  };
}
