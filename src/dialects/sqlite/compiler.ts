/** SQLite's SQL: double-quoted identifiers, `?` placeholders, rowid primary keys. */
import { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { SqlCompiler } from "../../core/compiler/sql-compiler.js";
import type { ExprNode } from "../../core/ast/nodes.js";
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import type { SqlType } from "../../core/types/sql-type.js";

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

  override columnSpec(column: Column): string {
    if (column.primaryKey && column.autoincrement && this.inlinePrimaryKey(column.table)) {
      return `${this.q(this.columnName(column))} INTEGER NOT NULL PRIMARY KEY`;
    }
    return super.columnSpec(column);
  }
}
