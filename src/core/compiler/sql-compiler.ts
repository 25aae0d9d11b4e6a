/**
 * The base SQL compiler: renders a statement tree to SQL text with placeholders. Each dialect
 * subclasses it and overrides only the hooks where its SQL differs (quoting, placeholders, LIMIT,
 * ILIKE, RETURNING, ...). A compiler instance renders one statement.
 */
import type {
  AliasNode,
  CompoundSelectNode,
  CteNode,
  DeleteNode,
  ExprNode,
  FromNode,
  InsertNode,
  JoinNode,
  LabelNode,
  OnConflictNode,
  OrderByNode,
  ParamNode,
  SelectNode,
  StatementNode,
  TableNode,
  UpdateNode,
  WriteNode,
} from "../ast/nodes.js";
import { ArgumentError, CompileError, UnsupportedCompilationError, UnsupportedFeatureError } from "../errors.js";
import { ExpressionCompiler } from "./expression-compiler.js";
import { ctesOf, withClause } from "./cte-clause.js";
import { checkDistinctOn } from "./distinct-on.js";
import { isWrite } from "../statements/cte.js";
import { forUpdateClause, lockClauseTargets } from "./locking-clause.js";
import { collectSources, sameSource } from "../statements/sources.js";
import { sourcesOf } from "../statements/join-inference.js";
import type { CompiledTemplate, DialectCapabilities } from "./compiler-types.js";
export type { CompiledTemplate, DialectCapabilities, PackedSlot } from "./compiler-types.js";

type Source = TableNode | AliasNode;

/**
 * Statements: SELECT (with correlation to enclosing queries), INSERT with its upsert clause,
 * UPDATE, DELETE, FROM and joins. Expressions are `ExpressionCompiler`'s.
 */
export abstract class SqlCompiler extends ExpressionCompiler {
  /** FROM sources of the enclosing SELECTs, for correlated subqueries. */
  private readonly enclosing: Source[][] = [];
  /** Whether a WITH clause has been placed: by the statement, or (MariaDB's writes) the subquery being rendered. */
  private withPlaced = false;

  // ------------------------------------------------------------ dialect hooks

  protected limitOffset(limit: ExprNode | undefined, offset: ExprNode | undefined): string {
    let sql = "";
    if (limit) sql += ` LIMIT ${this.expr(limit)}`;
    if (offset) sql += ` OFFSET ${this.expr(offset)}`;
    return sql;
  }

  /** A boolean column is ordered by its truth (asTruth), as it compares: keyset pages over it skipped rows holding 2 or -1. */
  protected override orderByItem(item: OrderByNode): string {
    return `${this.asTruth(item.expr)} ${item.direction.toUpperCase()}${item.nulls ? ` NULLS ${item.nulls.toUpperCase()}` : ""}`;
  }

  protected insertDefaultValues(table: string): string {
    return `INSERT INTO ${table} DEFAULT VALUES`;
  }

  /** A value selected as `label` by the query of `cte`, whose column's type follows from it: PostgreSQL casts it. */
  protected typedValue(node: ParamNode, _label: LabelNode, _cte: CteNode): string {
    return this.expr(node);
  }

  /** `FOR UPDATE [OF ...] [NOWAIT | SKIP LOCKED]` (locking-clause.ts); SQLite, which locks the whole database, writes nothing. */
  protected forUpdate(of: readonly string[] | undefined, wait: SelectNode["forUpdateWait"]): string {
    return forUpdateClause(of, wait, this.capabilities);
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

  protected statement(node: StatementNode): string {
    switch (node.kind) {
      case "select":
        return this.select(node, false);
      case "compound":
        return this.compound(node);
      case "insert":
        return this.withCtes(node, () => this.insert(node));
      case "update":
        return this.withCtes(node, () => this.update(node));
      case "delete":
        return this.withCtes(node, () => this.delete(node));
      case "raw":
        return this.expr(node);
    }
  }

  // ------------------------------------------------------------ WITH

  /** `render()`'s SQL after the WITH clause of the CTEs under `node` (first: its placeholders come first), unless placed; a write that takes none leaves it to its subqueries. */
  private withCtes(node: StatementNode, render: () => string): string {
    const write = node.kind === "insert" || node.kind === "update" || node.kind === "delete";
    if (this.withPlaced || (write && !this.capabilities.withBeforeWrites)) return render();
    const ctes = ctesOf(node);
    this.withPlaced = true;
    try {
      return (ctes.length ? this.withClause(ctes) : "") + render();
    } finally {
      this.withPlaced = false;
    }
  }

  private withClause(ctes: readonly CteNode[]): string {
    // A CTE's query is its own: it correlates to nothing around the statement or subquery it heads.
    const enclosing = this.enclosing.splice(0);
    // Its SELECT (each of its set operation's) selects values typed (typedValue).
    const render = (cte: CteNode) => {
      const query = cte.query;
      if (isWrite(query)) return this.writeInWith(cte.name, query);
      return query.kind === "select" ? this.selectBody(query, false, false, cte) : this.compoundBody(query, false, cte);
    };
    try {
      return withClause(ctes, (name) => this.quote(name), render);
    } finally {
      this.enclosing.push(...enclosing);
    }
  }

  /** A data-modifying CTE's INSERT, UPDATE or DELETE (PostgreSQL's): run once, whether or not the statement reads all its rows. */
  private writeInWith(name: string, node: WriteNode): string {
    if (!this.capabilities.dataModifyingCtes) {
      throw new UnsupportedFeatureError(
        `${node.kind.toUpperCase()} in a WITH clause (CTE ${name})`,
        this.capabilities.displayName,
        `run the ${node.kind.toUpperCase()} ... RETURNING on its own, then the statement that uses its rows, in one transaction.`,
      );
    }
    return node.kind === "insert" ? this.insert(node) : node.kind === "update" ? this.update(node) : this.delete(node);
  }

  // ------------------------------------------------------------ statements

  protected override select(node: SelectNode, correlate: boolean, truth = false): string {
    return this.withPlaced ? this.selectBody(node, correlate, truth) : this.withCtes(node, () => this.selectBody(node, correlate, truth));
  }

  /** `cte`: the CTE whose query this is. */
  private selectBody(node: SelectNode, correlate: boolean, truth: boolean, cte?: CteNode): string {
    const froms = this.resolveFroms(node, correlate);
    const sources = froms.flatMap(sourcesOf);
    this.enclosing.push(sources);
    // A subquery in SET or RETURNING names columns of several tables: they stay qualified there.
    const unqualified = this.unqualified;
    this.unqualified = false;
    try {
      let sql = node.distinctOn?.length ? this.distinctOn(node) : node.distinct ? "SELECT DISTINCT " : "SELECT ";
      // Grouped or distinct, a boolean column is selected as its truth, as it is grouped (asTruth).
      const asTruth = truth || node.distinct || node.groupBy.length > 0;
      sql += node.columns.map((c) => this.selectColumn(c, asTruth, cte)).join(", ");
      if (froms.length) sql += ` FROM ${froms.map((f) => this.from(f)).join(", ")}`;
      if (node.where) sql += ` WHERE ${this.expr(node.where)}`;
      if (node.groupBy.length) sql += ` GROUP BY ${node.groupBy.map((g) => this.asTruth(g)).join(", ")}`;
      if (node.having) sql += ` HAVING ${this.expr(node.having)}`;
      if (node.orderBy.length) {
        sql += ` ORDER BY ${node.orderBy.map((o) => this.orderByItem(o)).join(", ")}`;
      }
      sql += this.limitOffset(node.limit, node.offset);
      if (node.forUpdate) sql += this.forUpdate(lockClauseTargets(node.forUpdateOf, froms, this.capabilities, (name) => this.quote(name), node.forUpdateOfImplied === true), node.forUpdateWait);
      return sql;
    } finally {
      this.unqualified = unqualified;
      this.enclosing.pop();
    }
  }

  /**
   * `SELECT DISTINCT ON (...)`. PostgreSQL requires the leading ORDER BY items to be the DISTINCT
   * ON expressions (in any order); checked here rather than left to the server.
   */
  private distinctOn(node: SelectNode): string {
    checkDistinctOn(node, this.capabilities);
    return `SELECT DISTINCT ON (${node.distinctOn!.map((e) => this.expr(e)).join(", ")}) `;
  }

  /**
   * `a UNION b`, `a INTERSECT ALL b`, ... A member with its own ORDER BY or LIMIT, or itself a set
   * operation, is parenthesised; SQLite takes no parentheses there, so it reads from a subquery.
   */
  protected compound(node: CompoundSelectNode, truth = false): string {
    return this.withPlaced ? this.compoundBody(node, truth) : this.withCtes(node, () => this.compoundBody(node, truth));
  }

  private compoundBody(node: CompoundSelectNode, truth: boolean, cte?: CteNode): string {
    const op = `${node.op.toUpperCase()}${node.all ? " ALL" : ""}`;
    if (node.op !== "union" && !(node.all ? this.capabilities.intersectExceptAll : this.capabilities.intersectExcept)) {
      throw new UnsupportedFeatureError(op, this.capabilities.displayName, node.all ? `use ${node.op.toUpperCase()} (without ALL), which removes duplicates.` : "use EXISTS / NOT EXISTS subqueries.");
    }
    // The rows are compared (all but UNION ALL's, unless inside another set operation): a boolean
    // column as its truth, or a row holding 2 and one holding 1, both true, were two rows.
    const compares = truth || !(node.op === "union" && node.all);
    let sql = node.selects.map((member) => this.setMember(member, compares, cte)).join(` ${op} `);
    if (node.orderBy.length) {
      const items = node.orderBy.map((o) => this.orderByItem({ expr: { kind: "raw", parts: [this.quote(o.name)] }, direction: o.direction, nulls: o.nulls }));
      sql += ` ORDER BY ${items.join(", ")}`;
    }
    return sql + this.limitOffset(node.limit, node.offset);
  }

  private setMember(member: SelectNode | CompoundSelectNode, truth: boolean, cte: CteNode | undefined): string {
    if (member.kind === "select") {
      const sql = this.selectBody(member, false, truth, cte);
      if (!member.orderBy.length && !member.limit && !member.offset) return sql;
      return this.capabilities.parenthesizedSetMembers ? `(${sql})` : `SELECT * FROM (${sql})`;
    }
    const sql = this.compoundBody(member, truth, cte);
    return this.capabilities.parenthesizedSetMembers ? `(${sql})` : `SELECT * FROM (${sql})`;
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
    const same = (a: Source) => (b: Source) => sameSource(a, b);
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

  /**
   * A result column's name, as the row will be keyed by it: a dialect refuses one the database
   * would cut (PostgreSQL), which keyed the row by another name and merged labels that share a prefix.
   */
  protected resultLabel(_name: string): void {}

  private selectColumn(label: LabelNode, asTruth: boolean, cte?: CteNode): string {
    this.resultLabel(label.name);
    const truth = asTruth && this.isTruthColumn(label.expr);
    const rendered = truth ? this.asTruth(label.expr) : cte && label.expr.kind === "param" ? this.typedValue(label.expr, label, cte) : this.expr(label.expr);
    if (!truth && label.expr.kind === "column" && label.expr.name === label.name) return rendered; // a truth needs its label
    return `${rendered} AS ${this.quote(label.name)}`;
  }

  protected insert(node: InsertNode): string {
    if (node.unwritable !== undefined) throw new ArgumentError(node.unwritable);
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
    if (node.unwritable !== undefined) throw new ArgumentError(node.unwritable);
    if (node.set.length === 0) throw new CompileError(`UPDATE ${node.table.name} has no values to set.`);
    return this.withTarget(node.table, () => {
      const set = this.withUnqualified(() => node.set.map(([name, value]) => `${this.quote(name)} = ${this.expr(value)}`));
      let sql = `UPDATE ${this.tableName(node.table)} SET ${set.join(", ")}`;
      if (node.where) sql += ` WHERE ${this.expr(node.where)}`;
      return sql + this.returning(node.returning, "updateReturning", "UPDATE");
    });
  }

  protected delete(node: DeleteNode): string {
    if (node.unwritable !== undefined) throw new ArgumentError(node.unwritable);
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
    return ` RETURNING ${this.withUnqualified(() => columns.map((c) => this.selectColumn(c, false))).join(", ")}`;
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

  protected override tableName(node: TableNode): string {
    return node.schema ? `${this.quote(node.schema)}.${this.quote(node.name)}` : this.quote(node.name);
  }

  protected from(node: FromNode): string {
    switch (node.kind) {
      case "table":
        return this.tableName(node);
      case "alias":
        if (node.of.kind === "table") return `${this.tableName(node.of)} AS ${this.quote(node.name)}`;
        if (node.of.kind === "cte") return node.of.name === node.name ? this.quote(node.name) : `${this.quote(node.of.name)} AS ${this.quote(node.name)}`;
        if (node.lateral) return this.lateral(node, node.of);
        return `(${this.select(node.of, false)}) AS ${this.quote(node.name)}`;
      case "join":
        return this.join(node);
    }
  }

  /** `LATERAL (SELECT ...) AS name`: the subquery correlates to the FROM items before it. */
  private lateral(node: AliasNode, query: SelectNode): string {
    if (!this.capabilities.lateral) {
      throw new UnsupportedFeatureError("LATERAL", this.capabilities.displayName, `join subquery ${node.name} without lateral(), or use a correlated scalar subquery.`);
    }
    return `LATERAL (${this.select(query, true)}) AS ${this.quote(node.name)}`;
  }

  protected join(node: JoinNode): string {
    if (node.type === "full" && !this.capabilities.fullJoin) {
      throw new CompileError("This database has no FULL OUTER JOIN; combine a LEFT and a RIGHT join with UNION.");
    }
    const keyword = { inner: "JOIN", left: "LEFT OUTER JOIN", right: "RIGHT OUTER JOIN", full: "FULL OUTER JOIN" }[node.type];
    return `${this.from(node.left)} ${keyword} ${this.from(node.right)} ON ${this.expr(node.on)}`;
  }
}
