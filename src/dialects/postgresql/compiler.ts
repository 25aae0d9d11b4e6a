/** PostgreSQL's SQL: `$n` placeholders, ILIKE, identity columns. */
import { SqlCompiler } from "../../core/compiler/sql-compiler.js";
import type { LikeNode, ParamNode } from "../../core/ast/nodes.js";
import type { SqlType } from "../../core/types/sql-type.js";

export class PostgresCompiler extends SqlCompiler {
  quote(identifier: string): string {
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  protected override placeholder(position: number): string {
    return `$${position}`;
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
        return "DOUBLE PRECISION";
      case "numeric":
        return type.precision ? `NUMERIC(${type.precision}, ${type.scale ?? 0})` : "NUMERIC";
      case "date":
        return "DATE";
      case "datetime":
        return type.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE";
      case "json":
        return "JSONB";
      case "uuid":
        return "UUID";
      case "binary":
        return "BYTEA";
    }
  }

  protected override like(node: LikeNode): string {
    if (!node.caseInsensitive) return super.like(node);
    return `${this.operand(node.expr)} ${node.negated ? "NOT ILIKE" : "ILIKE"} ${this.operand(node.pattern)}${this.likeEscape(node)}`;
  }

  /** A long IN list as one array parameter: `= ANY($1)`, which PostgreSQL plans as it plans `IN (...)`. */
  protected override packedIn(expr: string, negated: boolean, values: readonly ParamNode[]): string {
    const type = values.find((v) => v.type)?.type;
    const param = this.packedParam(values, (driverValues) => driverValues);
    const array = type ? `CAST(${param} AS ${this.typeName(type)}[])` : param;
    return negated ? `${expr} <> ALL(${array})` : `${expr} = ANY(${array})`;
  }
}
