/** SQLite's SQL: double-quoted identifiers, `?` placeholders, rowid primary keys. */
import { SqlCompiler } from "../../core/compiler/sql-compiler.js";
import type { ExprNode, FromNode, InValuesNode, LikeNode, ParamNode } from "../../core/ast/nodes.js";
import { jsonArrayText, jsonListText } from "../shared/json-array.js";
import type { SqlType } from "../../core/types/sql-type.js";

export class SqliteCompiler extends SqlCompiler {
  quote(identifier: string): string {
    return `"${identifier.replace(/"/g, '""')}"`;
  }

  override typeName(type: SqlType): string {
    switch (type.kind) {
      case "float":
        return "REAL";
      case "datetime":
        return "DATETIME";
      default:
        return super.typeName(type);
    }
  }

  /**
   * SQLite casts by type affinity: `CAST(x AS DATETIME)` (or DATE, JSON) has NUMERIC affinity and
   * turns '2026-01-02 03:04:05' into 2026. Timestamps, dates and JSON are text here: cast to TEXT.
   */
  protected override castTypeName(type: SqlType): string {
    if (type.kind === "datetime" || type.kind === "date" || type.kind === "json") return "TEXT";
    return super.castTypeName(type);
  }

  /**
   * Case-insensitive LIKE through `athanor_lower`, JavaScript's Unicode lower case (each connection
   * defines it): SQLite's `lower()` folds only ASCII, so `ilike("é%")` missed 'École', which
   * PostgreSQL's ILIKE and MariaDB's `lower()` match.
   */
  protected override like(node: LikeNode): string {
    if (!node.caseInsensitive) return super.like(node);
    return `athanor_lower(${this.expr(node.expr)}) ${node.negated ? "NOT LIKE" : "LIKE"} athanor_lower(${this.expr(node.pattern)})${this.likeEscape(node)}`;
  }

  /**
   * `/` not between integers divides exactly, as on PostgreSQL and MySQL: a NUMERIC column stores
   * 12.00 as the integer 12, so `quantity / unit_price` truncated (1 / 12.00 gave 0, 13.00 / 2 gave 6).
   */
  protected override expr(node: ExprNode): string {
    if (node.kind === "binary" && node.op === "/") return `${this.operand(node.left)} / CAST(${this.operand(node.right)} AS REAL)`;
    return super.expr(node);
  }

  /**
   * Truncated as a whole: better-sqlite3 binds a number as a REAL, so `quantity / ?` with 2 gave
   * 1.5 (two integer columns did truncate). CAST to INTEGER truncates toward zero, as PostgreSQL does.
   */
  protected override integerDivision(left: string, right: string): string {
    return `CAST(${left} / ${right} AS INTEGER)`;
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

  /**
   * The list as one JSON array, read back row by row with `json_each`: `x IN (SELECT value FROM
   * json_each(?))`; tuples as arrays, their members read with `->>`. Bigints keep every digit;
   * binary values travel as hex, read back with unhex().
   */
  protected override inValues(node: InValuesNode): string {
    const param = this.arrayParam(node, undefined, jsonListText);
    if (node.exprs.length === 1) return `${this.inValuesSide(node, 0)} IN (SELECT ${this.fromJson("value", node.types[0])} FROM json_each(${param}))`;
    const members = node.types.map((type, i) => this.fromJson(`value ->> ${i}`, type));
    return `(${node.exprs.map((_, i) => this.inValuesSide(node, i)).join(", ")}) IN (SELECT ${members.join(", ")} FROM json_each(${param}))`;
  }

  private fromJson(value: string, type: SqlType | undefined): string {
    return type?.kind === "binary" ? `unhex(${value})` : value;
  }

  protected override forUpdate(_froms: readonly FromNode[]): string {
    return ""; // SQLite locks the whole database for writes; there is no row lock to ask for.
  }

  override literal(value: unknown): string {
    if (typeof value === "boolean") return value ? "1" : "0";
    return super.literal(value);
  }
}
