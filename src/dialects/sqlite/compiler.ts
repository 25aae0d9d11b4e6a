/** SQLite's SQL: double-quoted identifiers, `?` placeholders, rowid primary keys. */
import { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { SqlCompiler } from "../../core/compiler/sql-compiler.js";
import type { ExprNode, ParamNode } from "../../core/ast/nodes.js";
import { jsonArrayText } from "../shared/json-array.js";
import { CompileError } from "../../core/errors.js";
import type { Column } from "../../core/schema/column.js";
import type { ForeignKey } from "../../core/schema/constraints.js";
import type { Table } from "../../core/schema/table.js";
import type { SqlType } from "../../core/types/sql-type.js";
import type { TypeModel } from "../../core/schema/schema-model.js";
import { sqliteDefault, sqliteTypeModel } from "./normalize.js";

export class SqliteCompiler extends SqlCompiler {
  quote(identifier: string): string {
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  typeName(type: SqlType): string {
    switch (type.kind) {
      case "integer":
        return "INTEGER";
      case "bigint":
        return "BIGINT";
      case "string":
        return type.length ? `VARCHAR(${type.length})` : "VARCHAR";
      case "enum":
        return `VARCHAR(${Math.max(1, ...type.values!.map((v) => v.length))})`;
      case "text":
        return "TEXT";
      case "boolean":
        return "BOOLEAN";
      case "float":
        return "REAL";
      case "numeric":
        return type.precision ? `NUMERIC(${type.precision}, ${type.scale ?? 0})` : "NUMERIC";
      case "date":
        return "DATE";
      case "datetime":
        return "DATETIME";
      case "json":
        return "JSON";
      case "uuid":
        return "CHAR(36)";
      case "binary":
        return "BLOB";
    }
  }

  protected override limitOffset(limit: ExprNode | undefined, offset: ExprNode | undefined): string {
    // SQLite has no OFFSET without LIMIT; -1 means "no limit".
    if (offset && !limit) return ` LIMIT -1 OFFSET ${this.expr(offset)}`;
    return super.limitOffset(limit, offset);
  }

  /** SQLite's `length()` counts characters; it has no `char_length()`. */
  protected override functionName(name: string): string {
    return name === "char_length" ? "length" : name;
  }

  protected override readonly upsertSelectNeedsWhere = true;

  /** A long IN list as one JSON array parameter, read back row by row with `json_each`. */
  protected override packedIn(expr: string, negated: boolean, values: readonly ParamNode[]): string {
    return `${expr} ${negated ? "NOT " : ""}IN (SELECT value FROM json_each(${this.packedParam(values, jsonArrayText)}))`;
  }

  protected override forUpdate(): string {
    return ""; // SQLite locks the whole database for writes; there is no row lock to ask for.
  }

  override literal(value: unknown): string {
    if (typeof value === "boolean") return value ? "1" : "0";
    return super.literal(value);
  }
}

export class SqliteDdlCompiler extends DdlCompiler {
  /** A lone autoincrement key must be `INTEGER PRIMARY KEY` on the column to alias the rowid. */
  protected override inlinePrimaryKey(table: Table): boolean {
    return table.primaryKey.length === 1 && table.primaryKey[0]!.autoincrement;
  }

  /** SQLite qualifies the index, not its table (`"billing"."ix" ON "accounts"`): the index lives in the table's schema. */
  protected override indexOn(name: string, table: Table): string {
    return table.schema ? `${this.q(table.schema)}.${this.q(name)} ON ${this.q(table.name)}` : super.indexOn(name, table);
  }

  /** SQLite has no ALTER TABLE for constraints; the schema runner declares every foreign key inline there. */
  override addForeignKey(fk: ForeignKey): string {
    throw new CompileError(`SQLite cannot add foreign key ${fk.name} to an existing table; declare it in CREATE TABLE.`);
  }

  override dropForeignKey(fk: ForeignKey): string {
    throw new CompileError(`SQLite cannot drop foreign key ${fk.name} from a table; drop the table instead.`);
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
    return column.primaryKey && column.autoincrement && this.inlinePrimaryKey(column.table);
  }

  override columnSpec(column: Column): string {
    if (column.primaryKey && column.autoincrement && this.inlinePrimaryKey(column.table)) {
      return `${this.q(this.columnName(column))} INTEGER NOT NULL ${this.primaryKeyPrefix(column.table)}PRIMARY KEY`;
    }
    return super.columnSpec(column);
  }
}
