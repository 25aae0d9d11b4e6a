/**
 * MySQL / MariaDB DDL: AUTO_INCREMENT, native ENUM (no implied check), `MODIFY COLUMN` with the
 * full column definition, and the DROP forms MySQL has for foreign keys, unique keys and the
 * primary key.
 */
import type { ColumnAlteration } from "../../core/compiler/alter-ddl-compiler.js";
import { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import type { TableName } from "../../core/compiler/model-ddl-compiler.js";
import type { ReferentialAction } from "../../core/schema/column-builder.js";
import type { Column } from "../../core/schema/column.js";
import type { ColumnModel, ForeignKeyModel, IndexModel, TableModel, TypeModel, UniqueModel } from "../../core/schema/schema-model.js";
import { CompileError } from "../../core/errors.js";
import { mysqlDatabaseName, mysqlDefault, mysqlTypeModel } from "./normalize.js";

/** MySQL / MariaDB's DDL compiler (see the file comment). */
export class MySqlDdlCompiler extends DdlCompiler {
  override readonly makesTablesWhole = true;

  /** AUTO_INCREMENT must come after NOT NULL (and DEFAULT) in MySQL's grammar. */
  override columnModelSpec(column: ColumnModel): string {
    const base = super.columnModelSpec(column);
    return column.autoincrement ? `${base} AUTO_INCREMENT` : base;
  }

  /** MariaDB refuses NOT NULL on a generated column (and reports every one nullable). */
  protected override readonly generatedNotNull = false;

  /** Native ENUM already restricts the values. */
  protected override enumCheck(): undefined {
    return undefined;
  }

  /** MySQL would move a table renamed without its database into the current one: the new name keeps the schema. */
  override renameTable(table: TableName, to: string): string[] {
    return [`ALTER TABLE ${this.tableName(table)} RENAME TO ${this.tableName({ schema: table.schema, name: to })}`];
  }

  /**
   * An unnamed unique key is named after its first column, and MySQL/MariaDB keep that name when
   * the column is renamed: renamed along in the same statement (where both names can be known),
   * so that a later drop finds it by the name the model gives it and the table compares equal.
   */
  override renameColumn(table: TableName, from: string, to: string, model?: TableModel): string[] {
    const [statement] = super.renameColumn(table, from, to);
    if (model === undefined) return [statement!];
    const rename = (columns: readonly string[]) => columns.map((c) => (c === from ? to : c));
    const after: TableModel = { ...model, uniques: model.uniques.map((u) => ({ ...u, columns: rename(u.columns) })), indexes: model.indexes.map((i) => ({ ...i, columns: rename(i.columns) })) };
    const keys: string[] = [];
    model.uniques.forEach((u, i) => {
      if (u.name !== undefined || u.columns[0] !== from) return;
      const old = this.unnamedUniqueName(table, u, model);
      const now = this.unnamedUniqueName(table, after.uniques[i]!, after);
      if (old !== undefined && now !== undefined && old !== now) keys.push(`RENAME INDEX ${this.q(old)} TO ${this.q(now)}`);
    });
    return [[statement!, ...keys].join(", ")];
  }

  /** Type or nullability: `MODIFY COLUMN` restating the whole column; the default alone: `ALTER COLUMN ... SET/DROP DEFAULT`. */
  override alterColumn(table: TableName, before: ColumnModel, after: ColumnModel, change: ColumnAlteration): string[] {
    if (change.type === undefined && change.nullable === undefined) return super.alterColumn(table, before, after, change);
    return [`ALTER TABLE ${this.tableName(table)} MODIFY COLUMN ${this.columnModelSpec({ ...after, type: this.keptType(before, after) })}`];
  }

  /** MySQL 8 takes an expression key part only in its own parentheses, a function call too. */
  protected override expressionKey(sql: string): string {
    return `(${sql})`;
  }

  override dropIndexModel(table: TableName, index: IndexModel): string[] {
    return [`DROP INDEX ${this.q(index.name)} ON ${this.tableName(table)}`];
  }

  override renameIndex(table: TableName, from: string, to: string): string[] {
    return [`ALTER TABLE ${this.tableName(table)} RENAME INDEX ${this.q(from)} TO ${this.q(this.given(to, "index"))}`];
  }

  /** A unique constraint is an index on MySQL; a foreign key or a check cannot be renamed, only dropped and added again. */
  override renameConstraint(table: TableName, kind: "unique" | "foreignKey" | "check", from: string, to: string, model?: TableModel): string[] {
    if (kind === "unique") return this.renameIndex(table, from, to);
    const unknown = (): never => {
      throw new CompileError(`MySQL cannot rename ${kind === "foreignKey" ? "foreign key" : "check"} ${from}: it drops and adds it, and the table's model before the rename does not list it.`);
    };
    if (kind === "foreignKey") {
      const fk = model?.foreignKeys.find((c) => c.name === from) ?? unknown();
      return [...this.dropForeignKeyModel(table, fk), ...this.addForeignKeyModel(table, { ...fk, name: to })];
    }
    const check = model?.checks.find((c) => c.name === from) ?? unknown();
    return [...this.dropCheck(table, check), ...this.addCheck(table, { ...check, name: to })];
  }

  override dropForeignKeyModel(table: TableName, fk: ForeignKeyModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} DROP FOREIGN KEY ${this.q(fk.name)}`];
  }

  /** A unique constraint is an index on MySQL. */
  override dropUnique(table: TableName, unique: UniqueModel, model?: TableModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} DROP INDEX ${this.q(this.uniqueName(table, unique, model))}`];
  }

  /**
   * An unnamed unique key is named after its first column (`code`), or `code_2`... when that name
   * is taken, in the order the keys were made, which no model records: known only when no other
   * key of `model` may hold one of those names (else DROP INDEX could drop the wrong key).
   */
  protected override unnamedUniqueName(_table: TableName, unique: UniqueModel, model: TableModel | undefined): string | undefined {
    const first = unique.columns[0];
    if (first === undefined || model === undefined) return undefined;
    const mayHold = (name: string | undefined, columns: readonly string[]) =>
      name === undefined ? columns[0] === first : name === first || (name.startsWith(`${first}_`) && /^\d+$/.test(name.slice(first.length + 1)));
    const same = (columns: readonly string[]) => columns.length === unique.columns.length && columns.every((c, i) => c === unique.columns[i]);
    const others = [...model.uniques.filter((u) => !(u.name === undefined && same(u.columns))), ...model.indexes];
    return others.some((key) => mayHold(key.name, key.columns)) ? undefined : first;
  }

  override dropPrimaryKey(table: TableName): string[] {
    return [`ALTER TABLE ${this.tableName(table)} DROP PRIMARY KEY`];
  }

  protected override modelType(column: Column): TypeModel {
    return mysqlTypeModel(this.sql.typeName(column.type));
  }

  protected override modelDefault(column: Column, sql: string): string {
    return mysqlDefault(sql, this.modelType(column));
  }

  protected override isDatabaseName(kind: "pk" | "uq" | "ck", table: string, name: string, columns: readonly string[]): boolean {
    return mysqlDatabaseName(kind, table, name, columns);
  }

  /** MySQL's RESTRICT is its NO ACTION (both check at once), and MariaDB reports either as RESTRICT. */
  protected override modelAction(action: ReferentialAction | undefined): ReferentialAction | undefined {
    return action === "no action" || action === "restrict" ? undefined : action;
  }

  /** MySQL lists a unique index as a UNIQUE constraint: the model says the same. */
  protected override readonly uniqueIndexesAreConstraints = true;
}
