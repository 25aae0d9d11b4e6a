/**
 * The base SQL compiler: renders a statement tree to SQL text with placeholders. Each dialect
 * subclasses it and overrides only the hooks where its SQL differs (quoting, placeholders, LIMIT,
 * ILIKE, RETURNING, ...). A compiler instance renders one statement.
 */
import type {
  AliasNode,
  DeleteNode,
  ExprNode,
  FromNode,
  InsertNode,
  JoinNode,
  LabelNode,
  LikeNode,
  OnConflictNode,
  OrderByNode,
  ParamNode,
  SelectNode,
  StatementNode,
  TableNode,
  UpdateNode,
} from "../ast/nodes.js";
import { CompileError, UnsupportedCompilationError } from "../errors.js";
import { collectSources } from "../statements/sources.js";
import { sourcesOf } from "../statements/join-inference.js";
import type { SqlType } from "../types/sql-type.js";

/** What a dialect's SQL can express, consulted by the compiler and by the layers above. */
export interface DialectCapabilities {
  readonly insertReturning: boolean;
  readonly updateReturning: boolean;
  readonly deleteReturning: boolean;
  readonly fullJoin: boolean;
  readonly ilike: boolean;
  /**
   * Whether `DEFAULT` may stand for a value in `VALUES (...)`. SQLite refuses it; there a NULL
   * in its INTEGER PRIMARY KEY generates the key instead.
   */
  readonly defaultInValues: boolean;
  /**
   * Bind parameters one statement may have: a longer multi-row INSERT is run in chunks (see
   * `statements/chunking.ts`), a longer IN list is bound as one array parameter.
   */
  readonly maxParameters: number;
}

/**
 * One placeholder that takes many parameters (in fingerprint order) as one value: a long IN list
 * bound as an array. `pack` turns their driver values into that one value.
 */
export interface PackedSlot {
  readonly params: readonly number[];
  readonly pack: (values: unknown[]) => unknown;
}

/** The text of a compiled statement and, per placeholder, which parameter (in fingerprint order) it takes. */
export interface CompiledTemplate {
  readonly sql: string;
  readonly slots: readonly (number | PackedSlot)[];
}

/** IN lists shorter than this stay lists even in a statement over the parameter limit: packing them saves little. */
const PACKED_IN_MIN = 100;

type Source = TableNode | AliasNode;

export abstract class SqlCompiler {
  private readonly slots: (number | PackedSlot)[] = [];
  /** FROM sources of the enclosing SELECTs, for correlated subqueries. */
  private readonly enclosing: Source[][] = [];
  /** Inside DDL (CHECK constraints): columns unqualified, values inline. */
  protected ddlMode = false;
  /** Inside RETURNING or SET: columns unqualified. */
  private unqualified = false;

  constructor(
    protected readonly capabilities: DialectCapabilities,
    /** Index of each parameter node in the fingerprint walk. */
    private readonly paramIndex: ReadonlyMap<ParamNode, number>,
  ) {}

  // ------------------------------------------------------------ dialect hooks

  /** Quotes an identifier. */
  abstract quote(identifier: string): string;

  /** The placeholder for the n-th parameter (1-based). */
  protected placeholder(_position: number): string {
    return "?";
  }

  /** The SQL name of a type, for DDL and CAST. */
  abstract typeName(type: SqlType): string;

  protected castTypeName(type: SqlType): string {
    return this.typeName(type);
  }

  protected limitOffset(limit: ExprNode | undefined, offset: ExprNode | undefined): string {
    let sql = "";
    if (limit) sql += ` LIMIT ${this.expr(limit)}`;
    if (offset) sql += ` OFFSET ${this.expr(offset)}`;
    return sql;
  }

  protected orderByItem(item: OrderByNode): string {
    return `${this.expr(item.expr)} ${item.direction.toUpperCase()}${item.nulls ? ` NULLS ${item.nulls.toUpperCase()}` : ""}`;
  }

  protected like(node: LikeNode): string {
    const op = node.negated ? "NOT LIKE" : "LIKE";
    if (!node.caseInsensitive) return `${this.operand(node.expr)} ${op} ${this.operand(node.pattern)}`;
    return `lower(${this.expr(node.expr)}) ${op} lower(${this.expr(node.pattern)})`;
  }

  protected concat(left: ExprNode, right: ExprNode): string {
    return `${this.operand(left)} || ${this.operand(right)}`;
  }

  /** A function's name in this dialect, for the portable functions of `func` that some dialect spells differently. */
  protected functionName(name: string): string {
    return name;
  }

  protected insertDefaultValues(table: string): string {
    return `INSERT INTO ${table} DEFAULT VALUES`;
  }

  protected forUpdate(): string {
    return " FOR UPDATE";
  }

  /** Whether `INSERT ... SELECT` needs a WHERE before `ON CONFLICT` (SQLite would read ON as a join's). */
  protected readonly upsertSelectNeedsWhere: boolean = false;

  /**
   * The upsert clause: `ON CONFLICT (target) DO NOTHING | DO UPDATE SET ... WHERE ...` (PostgreSQL,
   * SQLite). Column references in SET and WHERE stay qualified: unqualified, they would be
   * ambiguous between the table and `excluded`.
   */
  protected onConflict(node: OnConflictNode, insert: InsertNode): string {
    if (node.action === "duplicateKey") {
      throw new UnsupportedCompilationError(
        `onDuplicateKeyUpdate() is MySQL's and MariaDB's upsert, not supported by this dialect; ` +
          `use onConflictDoUpdate({ target, set }) on INSERT INTO ${insert.table.name}.`,
      );
    }
    const target = node.target.length ? ` (${node.target.map((c) => this.quote(c)).join(", ")})` : "";
    if (node.action === "doNothing") return ` ON CONFLICT${target} DO NOTHING`;
    return this.withTarget(insert.table, () => {
      const set = node.set.map(([name, value]) => `${this.quote(name)} = ${this.expr(value)}`);
      let sql = ` ON CONFLICT${target} DO UPDATE SET ${set.join(", ")}`;
      if (node.where) sql += ` WHERE ${this.expr(node.where)}`;
      return sql;
    });
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

  // ------------------------------------------------------------ entry points

  compile(node: StatementNode): CompiledTemplate {
    const sql = this.statement(node);
    if (this.slots.length > this.capabilities.maxParameters) {
      throw new CompileError(
        `This statement has ${this.slots.length} bind parameters, more than the database allows (${this.capabilities.maxParameters}). ` +
          `Run it in parts; a multi-row INSERT run with execute() is split for you.`,
      );
    }
    return { sql, slots: this.slots };
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

  protected statement(node: StatementNode): string {
    switch (node.kind) {
      case "select":
        return this.select(node, false);
      case "insert":
        return this.insert(node);
      case "update":
        return this.update(node);
      case "delete":
        return this.delete(node);
      case "raw":
        return this.expr(node);
    }
  }

  // ------------------------------------------------------------ statements

  protected select(node: SelectNode, correlate: boolean): string {
    const froms = this.resolveFroms(node, correlate);
    const sources = froms.flatMap(sourcesOf);
    this.enclosing.push(sources);
    // A subquery in SET or RETURNING names columns of several tables: they stay qualified there.
    const unqualified = this.unqualified;
    this.unqualified = false;
    try {
      let sql = node.distinct ? "SELECT DISTINCT " : "SELECT ";
      sql += node.columns.map((c) => this.selectColumn(c)).join(", ");
      if (froms.length) sql += ` FROM ${froms.map((f) => this.from(f)).join(", ")}`;
      if (node.where) sql += ` WHERE ${this.expr(node.where)}`;
      if (node.groupBy.length) sql += ` GROUP BY ${node.groupBy.map((g) => this.expr(g)).join(", ")}`;
      if (node.having) sql += ` HAVING ${this.expr(node.having)}`;
      if (node.orderBy.length) {
        sql += ` ORDER BY ${node.orderBy.map((o) => this.orderByItem(o)).join(", ")}`;
      }
      sql += this.limitOffset(node.limit, node.offset);
      if (node.forUpdate) sql += this.forUpdate();
      return sql;
    } finally {
      this.unqualified = unqualified;
      this.enclosing.pop();
    }
  }

  /**
   * The FROM list: the explicit items, plus every table the columns and WHERE clause refer to that
   * is not already there. In a subquery, tables of the enclosing query are correlated, not added;
   * as in SQLAlchemy, only when the subquery has more than one FROM item, and never all of them
   * (`(SELECT max(t.x))` inside a query on `t` must stay `(SELECT max(t.x) FROM t)`).
   */
  private resolveFroms(node: SelectNode, correlate: boolean): FromNode[] {
    const explicit = [...node.from];
    const covered = explicit.flatMap(sourcesOf);
    const outer = correlate ? this.enclosing.flat() : [];
    const same = (a: Source) => (b: Source) => a === b || (a.kind === "table" && b.kind === "table" && a.table === b.table);
    const implicit = collectSources([...node.columns.map((c) => c.expr), node.where]).filter((source) => !covered.some(same(source)));
    const correlated = explicit.length + implicit.length > 1 ? implicit.filter((source) => outer.some(same(source))) : [];
    if (correlated.length > 0 && correlated.length === explicit.length + implicit.length) {
      throw new CompileError(
        `A subquery names only tables of the enclosing query (${correlated.map((s) => s.name).join(", ")}), so correlating ` +
          `them would leave it no FROM clause. Name the subquery's own tables with .from(...).`,
      );
    }
    return [...explicit, ...implicit.filter((source) => !correlated.includes(source))];
  }

  private selectColumn(label: LabelNode): string {
    const rendered = this.expr(label.expr);
    if (label.expr.kind === "column" && label.expr.name === label.name) return rendered;
    return `${rendered} AS ${this.quote(label.name)}`;
  }

  protected insert(node: InsertNode): string {
    const table = this.tableName(node.table);
    let sql: string;
    if (node.select) {
      let query = node.select;
      if (node.onConflict && this.upsertSelectNeedsWhere && !query.where) query = { ...query, where: { kind: "raw", parts: ["1 = 1"] } };
      sql = `INSERT INTO ${table} (${node.columns.map((c) => this.quote(c)).join(", ")}) ${this.select(query, false)}`;
    } else if (node.columns.length === 0) {
      if (node.rows.length > 1) throw new CompileError(`A multi-row INSERT into ${node.table.name} needs at least one column.`);
      sql = this.insertDefaultValues(table);
    } else {
      const rows = node.rows.map((row) => `(${row.map((v) => this.expr(v)).join(", ")})`);
      sql = `INSERT INTO ${table} (${node.columns.map((c) => this.quote(c)).join(", ")}) VALUES ${rows.join(", ")}`;
    }
    if (node.onConflict) sql += this.onConflict(node.onConflict, node);
    return sql + this.returning(node.returning, "insertReturning", "INSERT");
  }

  protected update(node: UpdateNode): string {
    if (node.set.length === 0) throw new CompileError(`UPDATE ${node.table.name} has no values to set.`);
    return this.withTarget(node.table, () => {
      const set = this.withUnqualified(() => node.set.map(([name, value]) => `${this.quote(name)} = ${this.expr(value)}`));
      let sql = `UPDATE ${this.tableName(node.table)} SET ${set.join(", ")}`;
      if (node.where) sql += ` WHERE ${this.expr(node.where)}`;
      return sql + this.returning(node.returning, "updateReturning", "UPDATE");
    });
  }

  protected delete(node: DeleteNode): string {
    return this.withTarget(node.table, () => {
      let sql = `DELETE FROM ${this.tableName(node.table)}`;
      if (node.where) sql += ` WHERE ${this.expr(node.where)}`;
      return sql + this.returning(node.returning, "deleteReturning", "DELETE");
    });
  }

  /**
   * Subqueries in an UPDATE or DELETE correlate to its table, as in SQLAlchemy: `WHERE EXISTS
   * (SELECT ... FROM orders WHERE orders.user_id = users.id)` tests each row being changed, where
   * adding `users` to the subquery's FROM would test any row at all.
   */
  protected withTarget<T>(table: TableNode, fn: () => T): T {
    this.enclosing.push([table]);
    try {
      return fn();
    } finally {
      this.enclosing.pop();
    }
  }

  private returning(columns: readonly LabelNode[], capability: keyof DialectCapabilities, verb: string): string {
    if (columns.length === 0) return "";
    if (!this.capabilities[capability]) {
      throw new CompileError(`This database does not support ${verb} ... RETURNING; run a SELECT after the ${verb} instead.`);
    }
    return ` RETURNING ${this.withUnqualified(() => columns.map((c) => this.selectColumn(c))).join(", ")}`;
  }

  private withUnqualified<T>(fn: () => T): T {
    const previous = this.unqualified;
    this.unqualified = true;
    try {
      return fn();
    } finally {
      this.unqualified = previous;
    }
  }

  // ------------------------------------------------------------ FROM

  protected tableName(node: TableNode): string {
    return node.schema ? `${this.quote(node.schema)}.${this.quote(node.name)}` : this.quote(node.name);
  }

  protected from(node: FromNode): string {
    switch (node.kind) {
      case "table":
        return this.tableName(node);
      case "alias":
        return node.of.kind === "table"
          ? `${this.tableName(node.of)} AS ${this.quote(node.name)}`
          : `(${this.select(node.of, false)}) AS ${this.quote(node.name)}`;
      case "join":
        return this.join(node);
    }
  }

  protected join(node: JoinNode): string {
    if (node.type === "full" && !this.capabilities.fullJoin) {
      throw new CompileError("This database has no FULL OUTER JOIN; combine a LEFT and a RIGHT join with UNION.");
    }
    const keyword = { inner: "JOIN", left: "LEFT OUTER JOIN", right: "RIGHT OUTER JOIN", full: "FULL OUTER JOIN" }[node.type];
    return `${this.from(node.left)} ${keyword} ${this.from(node.right)} ON ${this.expr(node.on)}`;
  }

  // ------------------------------------------------------------ expressions

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
          return `${this.operand(node.expr)} ${not}IN (${this.select(node.values as SelectNode, true)})`;
        }
        const values = node.values as readonly ExprNode[];
        // An empty IN list is false (NOT IN: true) on every database, and not valid SQL on some.
        if (values.length === 0) return node.negated ? "1 = 1" : "1 = 0";
        if (values.length >= PACKED_IN_MIN && this.paramIndex.size > this.capabilities.maxParameters && values.every((v) => v.kind === "param")) {
          return this.packedIn(this.operand(node.expr), node.negated, values as readonly ParamNode[]);
        }
        return `${this.operand(node.expr)} ${not}IN (${values.map((v) => this.expr(v)).join(", ")})`;
      }
      case "between":
        return `${this.operand(node.expr)} ${node.negated ? "NOT " : ""}BETWEEN ${this.operand(node.low)} AND ${this.operand(node.high)}`;
      case "function":
        return `${this.functionName(node.name)}(${node.distinct ? "DISTINCT " : ""}${node.args.map((a) => this.expr(a)).join(", ")})`;
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
    this.slots.push(index);
    return this.placeholder(this.slots.length);
  }
}
