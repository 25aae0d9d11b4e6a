/**
 * The expression half of the SQL compiler: columns, parameters (one placeholder each, or one for
 * a packed IN list), operators with their parentheses, functions, CASE, casts, subqueries (through
 * `select`, which the statement half renders), and the dialect hooks they use. `SqlCompiler`
 * extends it with statements; each dialect overrides hooks of both.
 */
import type { ExprNode, FunctionNode, InValuesNode, LikeNode, OrderByNode, ParamNode, SelectNode, TableNode, WindowNode } from "../ast/nodes.js";
import { CompileError, UnsupportedCompilationError, UnsupportedFeatureError } from "../errors.js";
import type { SqlType } from "../types/sql-type.js";
import { holdsBoolean, isBooleanColumn, selectsBoolean } from "./boolean-truth.js";
import type { ArraySlot, DialectCapabilities, PackedSlot, Slot } from "./compiler-types.js";

/** IN lists shorter than this stay lists even in a statement over the parameter limit: packing them saves little. */
const PACKED_IN_MIN = 100;

const COMPARISONS: ReadonlySet<string> = new Set(["=", "<>", "<", "<=", ">", ">="]);

export abstract class ExpressionCompiler {
  protected readonly slots: Slot[] = [];
  /** Inside DDL (CHECK constraints): columns unqualified, values inline. */
  protected ddlMode = false;
  /** Inside RETURNING or SET: columns unqualified. */
  protected unqualified = false;

  constructor(
    /** What the target database supports (the DDL compiler asks it too). */
    readonly capabilities: DialectCapabilities,
    /** Index of each parameter node in the fingerprint walk. */
    protected readonly paramIndex: ReadonlyMap<ParamNode, number>,
  ) {}

  /** A SELECT, for subqueries; `correlate`: it may refer to the enclosing queries' sources. */
  /** `truth`: boolean columns selected as their truth (`(a <> 0) AS a`), to be compared or made distinct (asTruth). */
  protected abstract select(node: SelectNode, correlate: boolean, truth?: boolean): string;

  /** One ORDER BY item (of a SELECT or a window). */
  protected abstract orderByItem(item: OrderByNode): string;

  /** A table's name, schema-qualified where it has one. */
  protected abstract tableName(node: TableNode): string;

  /** The placeholder for the n-th parameter (1-based). */
  protected placeholder(_position: number): string {
    return "?";
  }

  /** Whether `placeholder` numbers its parameters (`$1`), so that one may be written twice. */
  protected readonly numberedPlaceholders: boolean = false;
  /** The position of each parameter (by fingerprint index) already placed, with numbered placeholders. */
  private readonly placed = new Map<number, number>();

  /** A type in CAST: a timestamp with every digit the database keeps (a cast to fewer would round the value compared). */
  protected castTypeName(type: SqlType): string {
    if (type.kind === "datetime") return type.timezone ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP WITHOUT TIME ZONE";
    return this.typeName(type);
  }

  protected like(node: LikeNode): string {
    const op = node.negated ? "NOT LIKE" : "LIKE";
    if (!node.caseInsensitive) return `${this.operand(node.expr)} ${op} ${this.operand(node.pattern)}${this.likeEscape(node)}`;
    return `lower(${this.expr(node.expr)}) ${op} lower(${this.expr(node.pattern)})${this.likeEscape(node)}`;
  }

  /** ` ESCAPE 'c'`, the escape character inline (a literal is what every database takes there). */
  protected likeEscape(node: LikeNode): string {
    return node.escape === undefined ? "" : ` ESCAPE ${this.escapeLiteral(node.escape)}`;
  }

  /** The escape character as a literal; a dialect whose string literals may read a backslash otherwise spells it so that they cannot. */
  protected escapeLiteral(escape: string): string {
    return this.literal(escape);
  }

  /** A function call, with its aggregate FILTER where the database has one. */
  protected functionCall(node: FunctionNode): string {
    const args = node.distinct ? node.args.map((a) => this.asTruth(a)) : node.args.map((a) => this.expr(a));
    const call = `${this.functionName(node.name)}(${node.distinct ? "DISTINCT " : ""}${args.join(", ")})`;
    if (!node.filter) return call;
    if (!this.capabilities.aggregateFilter) {
      throw new UnsupportedFeatureError(
        "FILTER (WHERE ...)",
        this.capabilities.displayName,
        `write ${node.name}() over a caseWhen([[condition, value]]) instead (NULL for the rows left out).`,
      );
    }
    return `${call} FILTER (WHERE ${this.expr(node.filter)})`;
  }

  /** `fn(...) OVER (PARTITION BY ... ORDER BY ...)`. */
  protected window(node: WindowNode): string {
    const parts: string[] = [];
    if (node.partitionBy.length) parts.push(`PARTITION BY ${node.partitionBy.map((p) => this.asTruth(p)).join(", ")}`);
    if (node.orderBy.length) parts.push(`ORDER BY ${node.orderBy.map((o) => this.orderByItem(o)).join(", ")}`);
    return `${this.functionCall(node.fn)} OVER (${parts.join(" ")})`;
  }

  /** `/` between integers, the quotient truncated (see `BinaryOperator`): PostgreSQL's own `/`. */
  protected integerDivision(left: string, right: string): string {
    return `${left} / ${right}`;
  }

  protected concat(left: ExprNode, right: ExprNode): string {
    return `${this.operand(left)} || ${this.operand(right)}`;
  }

  /** A function's name in this dialect, for the portable functions of `func` that some dialect spells differently. */
  protected functionName(name: string): string {
    return name;
  }

  /** The value a row proposed for insertion has for a column, in an upsert's SET or WHERE. */
  protected excluded(name: string): string {
    return `excluded.${this.quote(name)}`;
  }

  /** Renders a value inline, for DDL where parameters are not allowed. */
  literal(value: unknown): string {
    if (value === null || value === undefined) return "NULL";
    if (typeof value === "number" || typeof value === "bigint") return String(value);
    if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
    return `'${String(value).replace(/'/g, "''")}'`;
  }

  /** Renders an expression for DDL: unqualified columns, inline values. */
  compileDdlExpression(node: ExprNode): string {
    this.ddlMode = true;
    try {
      return this.expr(node);
    } finally {
      this.ddlMode = false;
    }
  }

  protected expr(node: ExprNode): string {
    switch (node.kind) {
      case "column": {
        const column = this.quote(node.name);
        if (this.ddlMode || this.unqualified) return column;
        const source = node.source;
        return `${source.kind === "table" ? this.tableName(source) : this.quote(source.name)}.${column}`;
      }
      case "param":
        return this.param(node);
      case "binary":
        if (node.op === "||") return this.concat(node.left, node.right);
        if (node.op === "div") return this.integerDivision(this.operand(node.left), this.operand(node.right));
        if (COMPARISONS.has(node.op)) return `${this.comparedSide(node.left, [node.right])} ${node.op} ${this.comparedSide(node.right, [node.left])}`;
        return `${this.operand(node.left)} ${node.op} ${this.operand(node.right)}`;
      case "like":
        return this.like(node);
      case "and":
      case "or":
        if (node.items.length === 0) return node.kind === "and" ? "1 = 1" : "1 = 0";
        return node.items.map((i) => this.operand(i)).join(node.kind === "and" ? " AND " : " OR ");
      case "not":
        return `NOT ${this.operand(node.expr)}`;
      case "isNull":
        return `${this.operand(node.expr)} IS ${node.negated ? "NOT " : ""}NULL`;
      case "in": {
        const not = node.negated ? "NOT " : "";
        if (!Array.isArray(node.values)) {
          // Compared as in `a = b`: each side as its truth when the other holds a boolean (comparedSide).
          const query = node.values as SelectNode;
          const left = this.comparesTruth(selectsBoolean(query)) ? `(${this.operand(node.expr)} <> 0)` : this.operand(node.expr);
          return `${left} ${not}IN (${this.select(query, true, this.comparesTruth(holdsBoolean(node.expr)))})`;
        }
        const values = node.values as readonly ExprNode[];
        // An empty IN list is false (NOT IN: true) on every database, and not valid SQL on some.
        if (values.length === 0) return node.negated ? "1 = 1" : "1 = 0";
        if (values.length >= PACKED_IN_MIN && this.paramIndex.size > this.capabilities.maxParameters && values.every((v) => v.kind === "param")) {
          return this.packedIn(this.comparedSide(node.expr, values), node.negated, values as readonly ParamNode[]);
        }
        return `${this.comparedSide(node.expr, values)} ${not}IN (${values.map((v) => this.compared(v, this.expr(v))).join(", ")})`;
      }
      case "inValues":
        return this.inValues(node);
      case "between":
        return `${this.comparedSide(node.expr, [node.low, node.high])} ${node.negated ? "NOT " : ""}BETWEEN ${this.compared(node.low, this.operand(node.low))} AND ${this.compared(node.high, this.operand(node.high))}`;
      case "function":
        return this.functionCall(node);
      case "over":
        return this.window(node);
      case "cast":
        return `CAST(${this.expr(node.expr)} AS ${this.castTypeName(node.type)})`;
      case "raw":
        return node.parts.map((p) => (typeof p === "string" ? p : this.expr(p))).join("");
      case "label":
        return this.expr(node.expr);
      case "exists":
        return `EXISTS (${this.select(node.query, true)})`;
      case "scalarSubquery":
        return `(${this.select(node.query, true)})`;
      case "case": {
        const whens = node.whens.map(([c, r]) => ` WHEN ${this.expr(c)} THEN ${this.expr(r)}`).join("");
        const otherwise = node.otherwise ? ` ELSE ${this.expr(node.otherwise)}` : "";
        return `CASE${whens}${otherwise} END`;
      }
      case "star":
        return "*";
      case "excluded":
        return this.excluded(node.name);
    }
  }

  /**
   * A value compared with another (`=`, `<`, BETWEEN, an IN list's item), rendered as `sql`: a
   * dialect may cast a parameter so that it is compared as its column's type would be.
   */
  protected compared(_node: ExprNode, sql: string): string {
    return sql;
  }

  /**
   * The side of a comparison that is compared with `others`. Where booleans are integers (SQLite,
   * MariaDB) and a boolean value is compared with it, it is compared as its truth, `(x <> 0)`:
   * that is how it reads (a row holding 2 reads true), where `x = 1` missed such a row.
   */
  protected comparedSide(node: ExprNode, others: readonly ExprNode[]): string {
    if (node.kind !== "param" && this.comparesTruth(others.some(holdsBoolean))) return `(${this.operand(node)} <> 0)`;
    return this.compared(node, this.operand(node));
  }

  /**
   * An expression that groups, orders or is made distinct (GROUP BY, PARTITION BY, ORDER BY,
   * `count(DISTINCT x)`, SELECT DISTINCT): a boolean column as its truth where booleans are
   * integers, so that the rows holding 2 go with those holding 1 (both read as true).
   */
  protected asTruth(node: ExprNode): string {
    return this.isTruthColumn(node) ? `(${this.expr(node)} <> 0)` : this.expr(node);
  }

  /** Whether `asTruth` writes `node` as its truth: a boolean column where booleans are integers. */
  protected isTruthColumn(node: ExprNode): boolean {
    return this.comparesTruth(isBooleanColumn(node));
  }

  /** `inValues`' left side (member `i`): as its truth when that member's values are booleans (see `comparedSide`). */
  protected inValuesSide(node: InValuesNode, i: number): string {
    const expr = node.exprs[i]!;
    if (this.comparesTruth(node.types[i]?.kind === "boolean")) return `(${this.operand(expr)} <> 0)`;
    return node.exprs.length > 1 ? this.expr(expr) : this.operand(expr);
  }

  /** Whether a comparison with a boolean value compares truth: integer booleans, outside DDL (whose CHECK text the differ reads back as written). */
  protected comparesTruth(withBoolean: boolean): boolean {
    return withBoolean && this.capabilities.integerBooleans && !this.ddlMode;
  }

  /** An operand of an operator: parenthesised when it is itself an operator expression. */
  protected operand(node: ExprNode): string {
    const sql = this.expr(node);
    switch (node.kind) {
      case "binary":
      case "like":
      case "and":
      case "or":
      case "not":
      case "isNull":
      case "in":
      case "inValues":
      case "between":
        return `(${sql})`;
      default:
        return sql;
    }
  }

  /**
   * `expr IN (...)` for a list of values too long to bind one by one in this statement: bound as
   * one array parameter (see `packedParam`). Dialects that can do so override this.
   */
  protected packedIn(_expr: string, _negated: boolean, values: readonly ParamNode[]): string {
    throw new UnsupportedCompilationError(
      `An IN list of ${values.length} values takes the statement over the database's ${this.capabilities.maxParameters} ` +
        `bind parameters, and binding it as one array is not supported by this dialect. Split the list.`,
    );
  }

  /**
   * `expr IN` / `(a, b) IN` a list bound whole (see `InValuesNode`); each dialect renders its own
   * (an array, a JSON document), the SQL independent of the list's length.
   */
  protected inValues(_node: InValuesNode): string {
    throw new UnsupportedCompilationError(`inValues() is not supported on ${this.capabilities.displayName}: use in() with a list.`);
  }

  /**
   * The placeholder of an `inValues` list, or of one `member` of its tuples (undefined: whole
   * tuples): its driver values, items with a NULL left out, are bound as `pack` of them.
   */
  protected arrayParam(node: InValuesNode, member: number | undefined, pack: ArraySlot["pack"]): string {
    const list = this.paramIndex.get(node.values);
    if (list === undefined) throw new CompileError("Internal error: a parameter was not fingerprinted.");
    this.slots.push({ list, tuples: node.exprs.length > 1, member, types: node.types, pack });
    return this.placeholder(this.slots.length);
  }

  /** One placeholder for all of `values`, bound as `pack` of their driver values. */
  protected packedParam(values: readonly ParamNode[], pack: PackedSlot["pack"]): string {
    const params = values.map((value) => {
      const index = this.paramIndex.get(value);
      if (index === undefined) throw new CompileError("Internal error: a parameter was not fingerprinted.");
      return index;
    });
    this.slots.push({ params, pack });
    return this.placeholder(this.slots.length);
  }

  protected param(node: ParamNode): string {
    if (this.ddlMode) return this.literal(node.value);
    const index = this.paramIndex.get(node);
    if (index === undefined) throw new CompileError("Internal error: a parameter was not fingerprinted.");
    // Numbered placeholders: one typed node at several places is one `$n`, so that PostgreSQL
    // sees the same expression in the select list and in GROUP BY (`first || $1`), not two. An
    // untyped one (raw SQL) may be read as another type at each place: one `$n` would be refused.
    const reuse = this.numberedPlaceholders && node.type !== undefined;
    const placed = reuse ? this.placed.get(index) : undefined;
    if (placed !== undefined) return this.placeholder(placed);
    this.slots.push(index);
    if (reuse) this.placed.set(index, this.slots.length);
    return this.placeholder(this.slots.length);
  }

  /** Quotes an identifier. */
  abstract quote(identifier: string): string;

  /**
   * The SQL name of a type, for DDL and CAST: the standard's names here; a dialect overrides the
   * kinds it names otherwise and hands the rest back to this one.
   */
  typeName(type: SqlType): string {
    switch (type.kind) {
      case "integer":
        return "INTEGER";
      case "bigint":
        return "BIGINT";
      case "string":
        return type.length ? `VARCHAR(${type.length})` : "VARCHAR";
      case "enum":
        // A CHECK constraint holds the values (table-model.ts): the column needs room for the longest.
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
        // Milliseconds unless told: what a Date holds, so every value read back is the one written.
        return `TIMESTAMP(${type.precision ?? 3}) ${type.timezone ? "WITH" : "WITHOUT"} TIME ZONE`;
      case "json":
        return "JSON";
      case "uuid":
        return "CHAR(36)";
      case "binary":
        return "BLOB";
    }
  }
}
