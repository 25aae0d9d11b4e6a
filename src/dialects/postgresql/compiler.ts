/** PostgreSQL's SQL: `$n` placeholders, ILIKE, identity columns. */
import { SqlCompiler } from "../../core/compiler/sql-compiler.js";
import type { CteNode, InValuesNode, LabelNode, LikeNode, ParamNode } from "../../core/ast/nodes.js";
import { CompileError } from "../../core/errors.js";
import type { SqlType } from "../../core/types/sql-type.js";
import { checkGivenName, type IdentifierLimit } from "../../core/compiler/identifier-limit.js";

/** NAMEDATALEN - 1: longer names are cut silently by the server. */
export const POSTGRES_IDENTIFIER_LIMIT: IdentifierLimit = { database: "PostgreSQL", max: 63, unit: "bytes" };

export class PostgresCompiler extends SqlCompiler {
  quote(identifier: string): string {
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  /**
   * A label longer than 63 bytes is refused: PostgreSQL cut it, so the row came back keyed by the
   * cut name (the label's value missing), and two labels sharing their first 63 bytes were one key.
   */
  protected override resultLabel(name: string): void {
    // A UTF-16 unit is at most 3 bytes of UTF-8: 21 units or fewer always fit in 63 bytes.
    if (name.length > 21) checkGivenName(name, "a result column's label", POSTGRES_IDENTIFIER_LIMIT);
  }

  protected override placeholder(position: number): string {
    return `$${position}`;
  }

  protected override readonly numberedPlaceholders = true;

  /**
   * Cast: PostgreSQL reads a bare `$1` there as text, and `depth + 1` in the recursive member
   * failed (text + unknown). A value of no known type in a recursive CTE is refused.
   */
  protected override typedValue(node: ParamNode, label: LabelNode, cte: CteNode): string {
    if (node.type) return `CAST(${this.expr(node)} AS ${this.castTypeName(node.type)})`;
    if (cte.recursive) {
      throw new CompileError(`Column ${label.name} of recursive CTE ${cte.name} selects a value of no known type, which PostgreSQL reads as text. Give it one: literal(0, types.integer()).`);
    }
    return this.expr(node);
  }

  override typeName(type: SqlType): string {
    switch (type.kind) {
      case "json":
        return "JSONB";
      case "uuid":
        return "UUID";
      case "binary":
        return "BYTEA";
      default:
        return super.typeName(type);
    }
  }

  protected override like(node: LikeNode): string {
    if (!node.caseInsensitive) return super.like(node);
    return `${this.operand(node.expr)} ${node.negated ? "NOT ILIKE" : "ILIKE"} ${this.operand(node.pattern)}${this.likeEscape(node)}`;
  }

  /** A backslash as `E'\\'`, one backslash whatever `standard_conforming_strings` says (`'\'` is one only while it is on). */
  protected override escapeLiteral(escape: string): string {
    return escape === "\\" ? "E'\\\\'" : super.escapeLiteral(escape);
  }

  /** A long IN list as one array parameter: `= ANY($1)`, which PostgreSQL plans as it plans `IN (...)`. */
  protected override packedIn(expr: string, negated: boolean, values: readonly ParamNode[]): string {
    const type = values.find((v) => v.type)?.type;
    const param = this.packedParam(values, (driverValues) => driverValues);
    const array = type ? `CAST(${param} AS ${this.elementType(type)}[])` : param;
    return negated ? `${expr} <> ALL(${array})` : `${expr} = ANY(${array})`;
  }

  /**
   * One array parameter per member: `x = ANY($1)`, `(a, b) IN (SELECT * FROM unnest($1, $2))`
   * (arrays of equal length, zipped), each cast to its member's type so that it is compared as a
   * column of that type would be, e.g. with the column's index.
   */
  protected override inValues(node: InValuesNode): string {
    const tuples = node.exprs.length > 1;
    const arrays = node.types.map((type, i) => {
      const param = this.arrayParam(node, tuples ? i : undefined, (values) => values);
      return type ? `CAST(${param} AS ${this.elementType(type)}[])` : param;
    });
    if (!tuples) return `${this.operand(node.exprs[0]!)} = ANY(${arrays[0]})`;
    return `(${node.exprs.map((e) => this.expr(e)).join(", ")}) IN (SELECT * FROM unnest(${arrays.join(", ")}))`;
  }

  /** The type of an array's elements: strings and decimals unbounded, as a cast to VARCHAR(n) or NUMERIC(p, s) would cut a longer value to one that matches. */
  private elementType(type: SqlType): string {
    switch (type.kind) {
      case "string":
      case "enum":
      case "text":
        return "TEXT";
      case "numeric":
        return "NUMERIC";
      default:
        return this.castTypeName(type);
    }
  }
}
