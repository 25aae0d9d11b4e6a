/**
 * SQLite's DDL: the rowid alias for a lone autoincrement key, schema-qualified index names, and
 * no ALTER TABLE for constraints or column definitions (the migrations planner rebuilds the table).
 */
import type { ColumnAlteration } from "../../core/compiler/alter-ddl-compiler.js";
import { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import type { TableName } from "../../core/compiler/model-ddl-compiler.js";
import { CompileError } from "../../core/errors.js";
import type { Column } from "../../core/schema/column.js";
import type { ColumnModel, ForeignKeyModel, TableModel, TypeModel } from "../../core/schema/schema-model.js";
import { sqliteDefault, sqliteTypeModel } from "./normalize.js";

/** SQLite's DDL compiler (see the file comment). */
export class SqliteDdlCompiler extends DdlCompiler {
  /** A lone autoincrement key must be `INTEGER PRIMARY KEY` on the column to alias the rowid. */
  protected override inlinePrimaryKeyColumn(table: TableModel): string | undefined {
    const pk = table.primaryKey?.columns;
    if (pk?.length !== 1) return undefined;
    return table.columns.find((c) => c.name === pk[0])?.autoincrement ? pk[0] : undefined;
  }

  protected override inlinePrimaryKeySpec(table: TableModel, column: ColumnModel): string {
    return `${this.q(column.name)} INTEGER NOT NULL ${this.namedPrefix(table.primaryKey!.name)}PRIMARY KEY`;
  }

  /** SQLite qualifies the index, not its table (`"billing"."ix" ON "accounts"`): the index lives in the table's schema. */
  protected override indexTarget(name: string, table: TableName): string {
    return table.schema ? `${this.q(table.schema)}.${this.q(name)} ON ${this.q(table.name)}` : super.indexTarget(name, table);
  }

  /** SQLite has no statement that renames an index: it is dropped and created under its new name. */
  override renameIndex(table: TableName, from: string, to: string, model?: TableModel): string[] {
    const index = model?.indexes.find((i) => i.name === from);
    if (!index) throw new CompileError(`SQLite cannot rename index ${from}: it drops and re-creates it, and the table's model before the rename does not list it.`);
    return [...this.dropIndexModel(table, index), ...this.createIndexModel(table, { ...index, name: to })];
  }

  /** SQLite has no ALTER TABLE for constraints; the schema runner declares every foreign key inline there. */
  override addForeignKeyModel(_table: TableName, fk: ForeignKeyModel): string[] {
    throw new CompileError(`SQLite cannot add foreign key ${fk.name} to an existing table; declare it in CREATE TABLE. (Migrations rebuild the table.)`);
  }

  override dropForeignKeyModel(_table: TableName, fk: ForeignKeyModel): string[] {
    throw new CompileError(`SQLite cannot drop foreign key ${fk.name} from a table; drop the table instead. (Migrations rebuild it.)`);
  }

  override alterColumn(table: TableName, _before: ColumnModel, after: ColumnModel, _change: ColumnAlteration): string[] {
    return this.rebuildOnly(`alter column '${table.name}.${after.name}'`);
  }

  override addUnique(table: TableName): string[] {
    return this.rebuildOnly(`add a unique constraint to table '${table.name}'`);
  }

  override dropUnique(table: TableName): string[] {
    return this.rebuildOnly(`drop a unique constraint of table '${table.name}'`);
  }

  override addCheck(table: TableName): string[] {
    return this.rebuildOnly(`add a check constraint to table '${table.name}'`);
  }

  override dropCheck(table: TableName): string[] {
    return this.rebuildOnly(`drop a check constraint of table '${table.name}'`);
  }

  override addPrimaryKey(table: TableName): string[] {
    return this.rebuildOnly(`add a primary key to table '${table.name}'`);
  }

  override dropPrimaryKey(table: TableName): string[] {
    return this.rebuildOnly(`drop the primary key of table '${table.name}'`);
  }

  /** The rowid alias is declared `INTEGER` whatever its type; other types as their declared text reads back. */
  protected override modelType(column: Column): TypeModel {
    return this.isRowidAlias(column) ? { kind: "integer" } : sqliteTypeModel(this.sql.typeName(column.type));
  }

  protected override modelDefault(_column: Column, sql: string): string {
    return sqliteDefault(sql);
  }

  /**
   * Only the rowid alias is generated (SQLite ignores `autoincrement` on any other column); a
   * lone `INTEGER` key is one even when declared as a table constraint.
   */
  protected override modelAutoincrement(column: Column): boolean {
    const pk = column.table.primaryKey;
    return this.isRowidAlias(column) || (pk.length === 1 && pk[0] === column && this.sql.typeName(column.type) === "INTEGER");
  }

  private isRowidAlias(column: Column): boolean {
    const pk = column.table.primaryKey;
    return pk.length === 1 && pk[0] === column && column.autoincrement;
  }

  private rebuildOnly(what: string): never {
    throw new CompileError(`SQLite cannot ${what} with ALTER TABLE; the table has to be rebuilt (migrations plan the rebuild).`);
  }
}
