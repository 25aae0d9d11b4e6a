/** MySQL / MariaDB SQL: backquoted identifiers, CONCAT, AUTO_INCREMENT, native ENUM. */
import { SqlCompiler } from "../../core/compiler/sql-compiler.js";
import type { DeleteNode, ExprNode, InsertNode, InValuesNode, OnConflictNode, OrderByNode, ParamNode, UpdateNode } from "../../core/ast/nodes.js";
import { jsonArrayText, jsonListText } from "../shared/json-array.js";
import { matchablePack, wideDecimal } from "./json-table-values.js";
import { checkGivenName, type IdentifierLimit } from "../../core/compiler/identifier-limit.js";

/** The longest result column name MariaDB sends whole: it cuts a longer label. */
const LABEL_LIMIT: IdentifierLimit = { database: "MySQL/MariaDB", max: 255, unit: "characters" };
import { CompileError, UnsupportedCompilationError } from "../../core/errors.js";
import type { SqlType } from "../../core/types/sql-type.js";

export class MySqlCompiler extends SqlCompiler {
  /** Compiling an UPDATE or DELETE: a list bound as one parameter is read as a derived table there (`packedRows`). */
  private writing = 0;

  quote(identifier: string): string {
    return `\`${identifier.replace(/`/g, "``")}\``;
  }

  override typeName(type: SqlType): string {
    switch (type.kind) {
      case "integer":
        return "INT";
      case "string":
        return `VARCHAR(${type.length ?? 255})`;
      case "enum":
        return `ENUM(${type.values!.map((v) => this.literal(v)).join(", ")})`;
      case "text":
        return "LONGTEXT";
      case "boolean":
        return "BOOL";
      case "float":
        return "DOUBLE";
      case "numeric":
        return `DECIMAL(${type.precision ?? 38}, ${type.scale ?? (type.precision ? 0 : 10)})`;
      case "datetime":
        return `DATETIME(${type.precision ?? 3})`; // always UTC: MySQL's DATETIME has no zone, TIMESTAMP ends in 2038
      case "binary":
        return type.length ? `VARBINARY(${type.length})` : "LONGBLOB";
      default:
        return super.typeName(type);
    }
  }

  protected override castTypeName(type: SqlType): string {
    switch (type.kind) {
      case "integer":
      case "bigint":
        return "SIGNED";
      case "string":
      case "text":
      case "uuid":
      case "enum":
        return "CHAR";
      case "float":
        return "DOUBLE";
      case "boolean":
        return "UNSIGNED";
      case "binary":
        return "BINARY";
      case "datetime":
        return "DATETIME(6)";
      default:
        return this.typeName(type);
    }
  }

  /** MySQL has no NULLS FIRST / LAST: sort on `expr IS NULL` first (false before true). */
  /**
   * A value bound beside a decimal in `+`, `-`, `*` is cast to DECIMAL with its own scale. mysql2 sends numbers as
   * DOUBLE, and MySQL reads strings as DOUBLE in arithmetic: either makes the whole expression
   * floating point (123456789012345.67 * 3 gives ...037.00). As a DECIMAL it stays exact, as on
   * PostgreSQL. (`/` is left alone: its digits are each database's own.)
   */
  protected override expr(node: ExprNode): string {
    if (node.kind === "binary" && (node.op === "+" || node.op === "-" || node.op === "*")) {
      return `${this.exactOperand(node.left)} ${node.op} ${this.exactOperand(node.right)}`;
    }
    return super.expr(node);
  }

  /**
   * A decimal parameter compared with a value is cast to DECIMAL: MySQL compares a DECIMAL with a
   * number parameter (mysql2 sends a JavaScript number as a DOUBLE), and in BETWEEN with a string,
   * as two doubles, so `d = 0.1` matched 0.10000000000000001 and `d > 0.1` missed it. Cast, it
   * is compared exactly, as PostgreSQL does. The scale leaves room for the column's whole digits.
   */
  protected override compared(node: ExprNode, sql: string): string {
    if (node.kind !== "param" || node.type?.kind !== "numeric" || this.ddlMode) return sql;
    return `CAST(${sql} AS ${wideDecimal(node.type)})`;
  }

  /** Cast to the literal's own scale, which the result's type counts on (see literalDecimalType). */
  private exactOperand(node: ExprNode): string {
    if (node.kind !== "param" || node.type?.kind !== "numeric") return this.operand(node);
    return `CAST(${this.operand(node)} AS DECIMAL(65, ${Math.min(node.type.scale ?? 30, 30)}))`;
  }

  /** A label MariaDB would cut to 255 characters (the row keyed by the cut name) is refused. */
  protected override resultLabel(name: string): void {
    if (name.length > 255) checkGivenName(name, "a result column's label", LABEL_LIMIT);
  }

  protected override orderByItem(item: OrderByNode): string {
    if (!item.nulls) return super.orderByItem(item);
    return `${this.operand(item.expr)} IS NULL ${item.nulls === "first" ? "DESC" : "ASC"}, ${super.orderByItem({ ...item, nulls: undefined })}`;
  }

  /** `DIV`: MySQL's `/` between integers is exact (7 / 2 = 3.5000), where PostgreSQL and SQLite truncate (3). */
  protected override integerDivision(left: string, right: string): string {
    return `${left} DIV ${right}`;
  }

  protected override concat(left: ExprNode, right: ExprNode): string {
    return `CONCAT(${this.expr(left)}, ${this.expr(right)})`;
  }

  protected override limitOffset(limit: ExprNode | undefined, offset: ExprNode | undefined): string {
    // MySQL has no OFFSET without LIMIT; this is its documented "no limit".
    if (offset && !limit) return ` LIMIT 18446744073709551615 OFFSET ${this.expr(offset)}`;
    return super.limitOffset(limit, offset);
  }

  protected override insertDefaultValues(table: string): string {
    return `INSERT INTO ${table} () VALUES ()`;
  }

  /**
   * `ON DUPLICATE KEY UPDATE`, which fires on a conflict with any unique key. A conflict target
   * or a WHERE on the update cannot be expressed, so `onConflictDoUpdate` is refused rather than
   * widened; `onConflictDoNothing()` without a target is the no-op update `col = col`.
   */
  protected override onConflict(node: OnConflictNode, insert: InsertNode): string {
    const table = insert.table.name;
    if (node.action === "doNothing") {
      if (node.target.length) {
        throw new UnsupportedCompilationError(
          `MySQL and MariaDB cannot restrict an upsert to a conflict target, so onConflictDoNothing({ target }) on ` +
            `INSERT INTO ${table} is not supported by this dialect; call onConflictDoNothing() without a target ` +
            `(it ignores a conflict on any unique key).`,
        );
      }
      if (!insert.columns.length) throw new CompileError(`INSERT INTO ${table} with onConflictDoNothing() needs at least one column.`);
      const column = this.quote(insert.columns[0]!);
      return ` ON DUPLICATE KEY UPDATE ${column} = ${column}`;
    }
    if (node.action === "doUpdate") {
      throw new UnsupportedCompilationError(
        `ON CONFLICT ... DO UPDATE is not supported by this dialect (MySQL, MariaDB); on INSERT INTO ${table} use ` +
          `onDuplicateKeyUpdate({ set }), which applies to a conflict on any unique key and has no WHERE.`,
      );
    }
    return this.withTarget(insert.table, () => {
      const set = node.set.map(([name, value]) => `${this.quote(name)} = ${this.expr(value)}`);
      return ` ON DUPLICATE KEY UPDATE ${set.join(", ")}`;
    });
  }

  protected override update(node: UpdateNode): string {
    return this.inWrite(() => super.update(node));
  }

  protected override delete(node: DeleteNode): string {
    return this.inWrite(() => super.delete(node));
  }

  private inWrite(fn: () => string): string {
    this.writing++;
    try {
      return fn();
    } finally {
      this.writing--;
    }
  }

  /**
   * `JSON_TABLE(...) AS packed`, the rows of a list bound as one parameter; in an UPDATE or DELETE
   * a derived table that the LIMIT keeps from being merged into the statement. MariaDB 10.x ran
   * the JSON_TABLE subquery of a single-table UPDATE or DELETE again for every row of the table:
   * 20,000 rows updated by key took 83 s, and 0.1 s read once so (the key's index finds each row).
   */
  private packedRows(jsonTable: string, columns: readonly string[]): string {
    const rows = `${jsonTable} AS ${this.quote("packed")}`;
    return this.writing === 0 ? rows : `(SELECT ${columns.join(", ")} FROM ${rows} LIMIT 18446744073709551615) AS ${this.quote("listed")}`;
  }

  /** A long IN list as one JSON array parameter, read back row by row with `JSON_TABLE` (MariaDB 10.6+, MySQL 8). */
  protected override packedIn(expr: string, negated: boolean, values: readonly ParamNode[]): string {
    const type = values.find((v) => v.type)?.type;
    // As inValues' columns: a VARCHAR(n) column cut a longer value to one that matched a row it did not name.
    const columnType = this.jsonTableType(type);
    const param = this.packedParam(values, matchablePack(jsonArrayText, [type], false));
    const rows = this.packedRows(`JSON_TABLE(${param}, '$[*]' COLUMNS (${this.quote("v")} ${columnType} PATH '$'))`, [this.quote("v")]);
    return `${expr} ${negated ? "NOT " : ""}IN (SELECT ${packedValue(this.quote("v"), type)} FROM ${rows})`;
  }

  /**
   * The list as one JSON array, read back with JSON_TABLE (MariaDB 10.6+, MySQL 8.0.4+): `x IN
   * (SELECT v FROM JSON_TABLE(?, '$[*]' COLUMNS (v INT PATH '$')) AS packed)`, tuples as arrays
   * with one column per member. Measured on MariaDB 10.11 as fast as an IN list of the same
   * values (faster from a few dozen), with one statement text for every length.
   */
  protected override inValues(node: InValuesNode): string {
    const tuples = node.exprs.length > 1;
    const param = this.arrayParam(node, undefined, matchablePack(jsonListText, node.types, tuples));
    const v = (i: number) => this.quote(`v${i}`);
    const columns = node.types.map((type, i) => `${v(i)} ${this.jsonTableType(type)} PATH '$${tuples ? `[${i}]` : ""}'`);
    const selected = node.types.map((type, i) => packedValue(v(i), type));
    const left = tuples ? `(${node.exprs.map((_, i) => this.inValuesSide(node, i)).join(", ")})` : this.inValuesSide(node, 0);
    const rows = this.packedRows(`JSON_TABLE(${param}, '$[*]' COLUMNS (${columns.join(", ")}))`, node.types.map((_, i) => v(i)));
    return `${left} IN (SELECT ${selected.join(", ")} FROM ${rows})`;
  }

  /**
   * A JSON_TABLE column for values of `type`: strings one longer than the column's and decimals
   * wider, so that a longer value is not cut or rounded to one that matches (json-table-values.ts).
   */
  private jsonTableType(type: SqlType | undefined): string {
    if (!type) return "LONGTEXT";
    switch (type.kind) {
      case "enum":
      case "json":
      case "text":
        return "LONGTEXT";
      case "binary":
        return "LONGTEXT";
      case "string":
        return `VARCHAR(${(type.length ?? 255) + 1})`;
      case "uuid":
        return "VARCHAR(37)"; // CHAR(36) would cut "<uuid>x" to the uuid
      case "numeric":
        return wideDecimal(type);
      case "datetime":
        return "DATETIME(6)";
      default:
        return this.typeName(type);
    }
  }

  /** MariaDB has no row alias for the proposed row; `VALUES(col)` is its (and older MySQL's) spelling. */
  protected override excluded(name: string): string {
    return `VALUES(${this.quote(name)})`;
  }

  /**
   * A backslash as a hex literal: `'\\'` is one backslash in the default sql_mode but two under
   * NO_BACKSLASH_ESCAPES, where `ESCAPE '\\'` failed ("Incorrect arguments to ESCAPE"); X'5C'
   * is one in both.
   */
  protected override escapeLiteral(escape: string): string {
    return escape === "\\" ? "X'5C'" : super.escapeLiteral(escape);
  }

  override literal(value: unknown): string {
    if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`;
    return super.literal(value);
  }
}

/**
 * A value read back from JSON_TABLE, as the IN list compares it. Bytes travel as hex. Text is
 * made coercible, as a parameter is: a JSON_TABLE column takes the database's default collation,
 * which won over the compared column's (a binary one at a tie), so a select-in on a column whose
 * collation is not the database's matched other rows than `=` does (case-insensitive keys missed
 * in a utf8mb4_bin database, case variants matched in a _ci one).
 */
function packedValue(v: string, type: SqlType | undefined): string {
  if (type?.kind === "binary") return `UNHEX(${v})`;
  return type === undefined || textKinds.has(type.kind) ? `JSON_UNQUOTE(JSON_QUOTE(${v}))` : v;
}

const textKinds = new Set<string>(["string", "text", "enum", "uuid", "json"]);
