/**
 * Loader criteria inside the subqueries of a statement: `IN (SELECT ...)`, EXISTS, scalar
 * subqueries, derived tables (`.subquery()` in FROM or a JOIN), CTEs and their set operations,
 * at any depth. SQLAlchemy's `with_loader_criteria` applies "as the entity appears in the SELECT
 * query as well as within any subqueries"; a tenant filter that stopped at the outermost query let
 * `select(A).where(a.id.in(select(b.aId)))` read other tenants' rows of B.
 *
 * The statement is rebuilt bottom-up, each nested SELECT handed to `filter` with the FROM items of
 * the queries around it that it may correlate to (as the compiler decides, sql-compiler.ts). FROM
 * items are referred to by identity (a column names its alias node), so a derived table or CTE
 * rebuilt is rebuilt once, and every reference to it follows.
 */
import type { AliasNode, CompoundSelectNode, CteNode, ExprNode, FromNode, LabelNode, OrderByNode, SelectNode, TableNode, WriteNode } from "../../core/ast/nodes.js";
import { isWrite } from "../../core/statements/cte.js";
import { mapExprChildren } from "../../core/ast/map-children.js";
import { sourcesOf } from "../../core/statements/join-inference.js";
import { collectSources, sameSource } from "../../core/statements/sources.js";

export type Source = TableNode | AliasNode;

/** Filters one nested SELECT, given the FROM items around it it may correlate to. */
export type NestedFilter = (select: SelectNode, outer: readonly Source[]) => SelectNode;

/** Filters the INSERT, UPDATE or DELETE of a data-modifying CTE, a statement of its own. */
export type WriteFilter = (write: WriteNode) => WriteNode;

/**
 * The sources a SELECT reads: its FROM items and those the compiler adds for its columns and
 * WHERE, minus those it correlates to `outer` (the compiler's rule: only with more than one).
 */
export function sourcesRead(node: SelectNode, outer: readonly Source[]): { listed: Source[]; implicit: Source[] } {
  const listed = node.from.flatMap(sourcesOf);
  const named = collectSources([...node.columns.map((c) => c.expr), node.where]).filter((source) => !listed.some((l) => sameSource(l, source)));
  const correlated = listed.length + named.length > 1 ? named.filter((source) => outer.some((o) => sameSource(o, source))) : [];
  return { listed, implicit: named.filter((source) => !correlated.includes(source)) };
}

/** Rebuilds statements with their nested SELECTs filtered; one walker per statement (its rebuilt aliases are shared). */
export class SubqueryWalker {
  private readonly aliases = new Map<AliasNode, AliasNode>();
  private readonly ctes = new Map<CteNode, CteNode>();
  /** The sources of the SELECTs being walked, outermost first (the compiler's `enclosing`). */
  private enclosing: Source[][] = [];

  constructor(
    private readonly filter: NestedFilter,
    private readonly filterWrite: WriteFilter,
  ) {}

  /** `node`'s subqueries filtered; `node` itself only when `nested` (its correlation from `enclosing`). */
  select(node: SelectNode, nested = false, correlate = true): SelectNode {
    const outer = correlate ? this.enclosing.flat() : [];
    const { listed, implicit } = sourcesRead(node, outer);
    this.enclosing.push([...listed, ...implicit]);
    let next: SelectNode;
    try {
      const columns = this.labels(node.columns);
      const from = same(node.from, node.from.map((f) => this.from(f)));
      const where = this.optional(node.where);
      const groupBy = this.exprs(node.groupBy);
      const having = this.optional(node.having);
      const orderBy = this.orderBy(node.orderBy);
      const distinctOn = node.distinctOn && this.exprs(node.distinctOn);
      const forUpdateOf = node.forUpdateOf && same(node.forUpdateOf, node.forUpdateOf.map((s) => this.source(s)));
      const changed =
        columns !== node.columns || from !== node.from || where !== node.where || groupBy !== node.groupBy || having !== node.having ||
        orderBy !== node.orderBy || distinctOn !== node.distinctOn || forUpdateOf !== node.forUpdateOf;
      next = changed ? { ...node, columns, from, where, groupBy, having, orderBy, distinctOn, forUpdateOf } : node;
    } finally {
      this.enclosing.pop();
    }
    return nested ? this.filter(next, outer) : next;
  }

  /** An expression with the subqueries in it filtered (the same node when it has none). */
  expr(node: ExprNode): ExprNode {
    switch (node.kind) {
      case "column": {
        const source = this.source(node.source);
        return source === node.source ? node : { ...node, source };
      }
      case "exists":
      case "scalarSubquery": {
        const query = this.select(node.query, true);
        return query === node.query ? node : { ...node, query };
      }
      case "in":
        if (!Array.isArray(node.values)) {
          const [expr, values] = [this.expr(node.expr), this.select(node.values as SelectNode, true)];
          return expr === node.expr && values === node.values ? node : { ...node, expr, values };
        }
    }
    // Every other kind: its operands (the shared rebuild, which knows every kind), the node itself when none changed.
    let changed = false;
    const next = mapExprChildren(node, (operand) => {
      const mapped = this.expr(operand);
      if (mapped !== operand) changed = true;
      return mapped;
    });
    return changed ? next : node;
  }

  /** A FROM item or column source: a derived table or CTE rebuilt once, a table as it is. */
  source<S extends Source>(given: S): S {
    if (given.kind === "table" || (given as AliasNode).of.kind === "table") return given;
    const node = given as AliasNode;
    const done = this.aliases.get(node);
    if (done !== undefined) return done as S;
    const of = node.of as SelectNode | CteNode;
    // A derived table correlates to nothing around it, unless LATERAL; a CTE's query to nothing at all.
    const next = of.kind === "cte" ? this.cte(of) : this.select(of, true, node.lateral === true);
    const alias = next === of ? node : { ...node, of: next };
    this.aliases.set(node, alias);
    return alias as S;
  }

  private cte(node: CteNode): CteNode {
    const done = this.ctes.get(node);
    if (done !== undefined) return done;
    const enclosing = this.enclosing;
    this.enclosing = [];
    let query: CteNode["query"];
    try {
      query = isWrite(node.query) ? this.filterWrite(node.query) : this.query(node.query);
    } finally {
      this.enclosing = enclosing;
    }
    const next = query === node.query ? node : { ...node, query };
    this.ctes.set(node, next);
    return next;
  }

  private query(node: SelectNode | CompoundSelectNode): SelectNode | CompoundSelectNode {
    if (node.kind === "select") return this.select(node, true, false);
    const selects = same(node.selects, node.selects.map((member) => this.query(member)));
    return selects === node.selects ? node : { ...node, selects };
  }

  private from(node: FromNode): FromNode {
    if (node.kind !== "join") return this.source(node);
    const [left, right, on] = [this.from(node.left), this.source(node.right), this.expr(node.on)];
    return left === node.left && right === node.right && on === node.on ? node : { ...node, left, right, on };
  }

  private exprs<E extends ExprNode>(nodes: readonly E[]): readonly E[] {
    return same(nodes, nodes.map((n) => this.expr(n) as E));
  }

  private optional(node: ExprNode | undefined): ExprNode | undefined {
    return node === undefined ? undefined : this.expr(node);
  }

  private labels(nodes: readonly LabelNode[]): readonly LabelNode[] {
    return this.exprs(nodes);
  }

  private orderBy(nodes: readonly OrderByNode[]): readonly OrderByNode[] {
    return same(nodes, nodes.map((o) => {
      const expr = this.expr(o.expr);
      return expr === o.expr ? o : { ...o, expr };
    }));
  }

  /** Walks `exprs` as if inside a SELECT reading `sources` (an UPDATE's or DELETE's table). */
  within<T>(sources: readonly Source[], walk: () => T): T {
    this.enclosing.push([...sources]);
    try {
      return walk();
    } finally {
      this.enclosing.pop();
    }
  }
}

/** `next` when an item differs from `list`'s, else `list` itself: nothing rebuilt for a statement without subqueries. */
function same<T>(list: readonly T[], next: readonly T[]): readonly T[] {
  return next.every((item, i) => item === list[i]) ? list : next;
}
