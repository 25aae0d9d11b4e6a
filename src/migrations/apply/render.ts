/**
 * One operation as SQL statements for a dialect, through its DDL compiler. `before` is the schema
 * the operation applies to: MySQL restates a whole column when altering it, and an operation that
 * names a table needs that table. What a dialect cannot do in place (SQLite constraint changes)
 * throws `CompileError` here; `planSteps` turns those into table rebuilds first.
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { CompileError } from "../../core/errors.js";
import { tableKey, type ColumnModel, type SchemaModel } from "../../core/schema/schema-model.js";
import { alteredColumn } from "../operations/apply-to-model.js";
import type { Operation } from "../operations/operation.js";
import { mysqlDropColumn } from "./mysql-drop-column.js";

/** The statements of `op` on `dialect`, applied to the schema `before`. */
export function renderOperation(op: Operation, ddl: DdlCompiler, dialect: DialectName, before: SchemaModel): string[] {
  switch (op.op) {
    case "createTable":
      return [ddl.createTableModel(op.table), ...op.table.indexes.flatMap((index) => ddl.createIndexModel(op.table, index))];
    case "dropTable":
      return [ddl.dropTable(op.table)];
    case "renameTable":
      return ddl.renameTable({ schema: op.schema, name: op.from }, op.to, findTable(before, { ...(op.schema ? { schema: op.schema } : {}), name: op.from }));
    case "addColumn": {
      const { renamedFrom: _hint, ...column } = op.column;
      return ddl.addColumn(op.table, column);
    }
    case "dropColumn":
      return dialect === "mysql" ? mysqlDropColumn(ddl, op.table, op.column.name, before) : ddl.dropColumn(op.table, op.column.name);
    case "renameColumn":
      return ddl.renameColumn(op.table, op.from, op.to, findTable(before, op.table));
    case "alterColumn": {
      const current = currentColumn(before, op);
      const after: ColumnModel = alteredColumn(current, op.to);
      return ddl.alterColumn(op.table, current, after, op.to);
    }
    case "createIndex":
      return ddl.createIndexModel(op.table, op.index, { concurrently: op.concurrently ?? false });
    case "dropIndex":
      return ddl.dropIndexModel(op.table, op.index, { concurrently: op.concurrently ?? false });
    case "renameIndex":
      return ddl.renameIndex(op.table, op.from, op.to, findTable(before, op.table));
    case "renameConstraint":
      return ddl.renameConstraint(op.table, op.kind, op.from, op.to, findTable(before, op.table));
    case "addForeignKey":
      return ddl.addForeignKeyModel(op.table, op.foreignKey, { notValid: op.notValid ?? false });
    case "dropForeignKey":
      return ddl.dropForeignKeyModel(op.table, op.foreignKey);
    case "addUnique":
      return ddl.addUnique(op.table, op.unique);
    case "dropUnique":
      return ddl.dropUnique(op.table, op.unique, findTable(before, op.table));
    case "addCheck":
      return ddl.addCheck(op.table, op.check, { notValid: op.notValid ?? false });
    case "dropCheck":
      return ddl.dropCheck(op.table, op.check);
    case "addPrimaryKey":
      return ddl.addPrimaryKey(op.table, op.primaryKey);
    case "dropPrimaryKey":
      return ddl.dropPrimaryKey(op.table, op.primaryKey);
    case "validateConstraint":
      return ddl.validateConstraint(op.table, op.name);
    case "execute":
      return [executeSql(op, dialect)];
  }
}

/** The SQL of an `execute` operation on `dialect`; a per-dialect record without an entry for it is refused. */
export function executeSql(op: Extract<Operation, { op: "execute" }>, dialect: DialectName): string {
  if (typeof op.sql === "string") return op.sql;
  const sql = op.sql[dialect];
  if (sql === undefined) {
    const given = Object.keys(op.sql).join(", ") || "none";
    throw new CompileError(`An execute() step has no SQL for ${dialect} (it has: ${given}); add a '${dialect}' entry to run this migration there.`);
  }
  return sql;
}

function findTable(schema: SchemaModel, ref: { readonly schema?: string; readonly name: string }) {
  return schema.tables.find((t) => tableKey(t) === tableKey(ref));
}

/** The column an `alterColumn` changes, as it is in `schema` (or as the operation recorded it, if the table is unknown). */
function currentColumn(schema: SchemaModel, op: Extract<Operation, { op: "alterColumn" }>): ColumnModel {
  const table = schema.tables.find((t) => tableKey(t) === tableKey(op.table));
  const column = table?.columns.find((c) => c.name === op.column);
  if (column) return column;
  const { serverDefault, ...from } = op.from;
  return { name: op.column, ...from, ...(serverDefault === null ? {} : { serverDefault }), autoincrement: false };
}
