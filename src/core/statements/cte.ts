/**
 * Common table expressions: `select(...).cte("name")` names a query that the statement using it
 * reads as a table, written once at the top of that statement (`WITH name AS (...)`), however
 * deep it is used. A recursive one (`{ recursive: true }`) takes its recursive member with
 * `unionAll(...)`, which may read the CTE itself: trees and graph walks. On PostgreSQL an
 * INSERT, UPDATE or DELETE with RETURNING is one too (`deleteFrom(t).returning(...).cte("moved")`):
 * the statement reads the rows it wrote.
 */
import type { AliasNode, CompoundSelectNode, CteNode, LabelNode, SelectNode, WriteNode } from "../ast/nodes.js";
import { ArgumentError } from "../errors.js";
import type { Labeled } from "../expression/expression.js";
import type { FromSource } from "../schema/table.js";
import type { EntityClass, SelectLayout } from "./selectable.js";
import type { SetMember } from "./compound.js";
import { queryColumns } from "./query-columns.js";

/** Options of `cte()`. */
export interface CteOptions {
  /** `WITH RECURSIVE`: the CTE's `unionAll(...)` members may read the CTE itself. */
  readonly recursive?: boolean;
}

/**
 * A common table expression, made by `select(...).cte(name)`: usable in FROM and joins, in other
 * CTEs and in subqueries, its columns as `cte.c.<key>`. Recursive, every category under one:
 *
 * ```ts
 * const c = columnsOf(Category);
 * const anchor = select(c.id, literal(0, types.integer()).label("depth")).where(c.name.eq("Books")).cte("tree", { recursive: true });
 * const tree = anchor.unionAll(
 *   select(c.id, anchor.c.depth.plus(1).label("depth")).join(anchor, c.parentId.eq(anchor.c.id)).where(anchor.c.depth.lt(5)),
 * );
 * const under: Category[] = await session.scalars(select(Category).join(tree, tree.c.id.eq(c.id)).orderBy(tree.c.depth));
 * ```
 */
export class Cte<Row> implements FromSource<Row> {
  declare readonly __row?: Row;
  readonly fromNode: AliasNode;
  readonly c: FromSource<Row>["c"];
  readonly columnList: readonly Labeled<unknown, string>[];
  readonly underlyingTable = undefined;

  constructor(
    readonly node: CteNode,
    /** The name the statement reads it by: the CTE's, or an alias's (`alias()`). */
    readonly name: string = node.name,
  ) {
    this.fromNode = { kind: "alias", name, of: node };
    ({ columnList: this.columnList, c: this.c } = queryColumns<Row>(cteColumns(node.query), this.fromNode));
    Object.freeze(this);
  }

  /**
   * The same CTE under another name, to read it twice in one query (`FROM tree JOIN tree AS other`).
   *
   * ```ts
   * const spent = select(orders.c.userId, func.sum(orders.c.total).label("total")).groupBy(orders.c.userId).cte("spent");
   * const other = spent.alias("other");
   * select(spent.c.userId, other.c.userId.label("richerId")).join(other, other.c.total.gt(spent.c.total)); // ... FROM spent JOIN spent AS other ON ...
   * ```
   */
  alias(name: string): Cte<Row> {
    return new Cte<Row>(this.node, name);
  }

  /**
   * This CTE's query `UNION ALL` the members: for a recursive CTE, the recursive member, which
   * reads this CTE (`tree.c.id`). Its row type must be the CTE's (same keys, same value types:
   * label its expressions as the anchor's); a member with another number of columns is refused.
   * Returns the new CTE, of the same name, for the statement to use.
   *
   * ```ts
   * const c = columnsOf(Category);
   * const anchor = select(c.id).where(c.name.eq("Books")).cte("tree", { recursive: true });
   * const tree = anchor.unionAll(select(c.id).join(anchor, c.parentId.eq(anchor.c.id)));
   * // WITH RECURSIVE tree AS (SELECT ... WHERE name = ? UNION ALL SELECT ... JOIN tree ON ...)
   * ```
   */
  unionAll(member: SetMember<Row>, ...more: SetMember<Row>[]): Cte<Row> {
    return this.combined("unionAll", true, [member, ...more]);
  }

  /**
   * As `unionAll`, with `UNION`: rows already found are not added again (a walk of a graph with cycles ends).
   *
   * ```ts
   * const f = follows.c;
   * const reach = select(f.followedId.label("id")).where(f.followerId.eq(1)).cte("reach", { recursive: true });
   * const all = reach.union(select(f.followedId.label("id")).join(reach, f.followerId.eq(reach.c.id))); // ends on cycles
   * ```
   */
  union(member: SetMember<Row>, ...more: SetMember<Row>[]): Cte<Row> {
    return this.combined("union", false, [member, ...more]);
  }

  private combined(method: string, all: boolean, members: readonly SetMember[]): Cte<Row> {
    const anchor = this.node.query;
    if (isWrite(anchor)) throw new ArgumentError(`${this.node.name}.${method}(): the CTE is ${anchor.kind.toUpperCase()} ... RETURNING, which takes no set operation; combine its rows in the statement that reads it.`);
    const width = firstSelect(anchor).columns.length;
    const selects = members.map((m, i) => {
      const node = m.node as SelectNode | CompoundSelectNode;
      const columns = firstSelect(node).columns.length;
      if (columns !== width) throw new ArgumentError(`${this.node.name}.${method}(): member ${i + 1} has ${columns} columns, the CTE has ${width}; select as many, in the same order.`);
      return node;
    });
    const query: CompoundSelectNode = { kind: "compound", op: "union", all, selects: [anchor, ...selects], orderBy: [], limit: undefined, offset: undefined };
    return new Cte<Row>({ ...this.node, query });
  }
}

/** A CTE of `query`, for `Select.cte()` and `CompoundSelect.cte()`. */
export function cteOf<Row>(query: CteNode["query"], name: string, options: CteOptions | undefined): Cte<Row> {
  if (name.length === 0) throw new ArgumentError("cte(name): a common table expression needs a name.");
  return new Cte<Row>({ kind: "cte", name, query, recursive: options?.recursive === true });
}

/**
 * A data-modifying CTE, for `.cte()` of an INSERT, UPDATE or DELETE: what it wrote, as its
 * RETURNING gives it. Without RETURNING there is nothing to read.
 */
export function writeCteOf<Row>(write: WriteNode, layout: SelectLayout, name: string, entity: EntityClass | undefined): Cte<Row> {
  const verb = write.kind.toUpperCase();
  if (write.returning.length === 0) throw new ArgumentError(`cte("${name}"): a ${verb} gives rows to the statement only through RETURNING; call .returning(...) before .cte().`);
  if (write.kind === "insert" && write.sortByParameterOrder === true) {
    throw new ArgumentError(`cte("${name}"): a CTE's rows have no order for sortByParameterOrder to keep; leave the option out, and order the statement that reads it.`);
  }
  const returned = layout.find((item) => item.kind === "entity");
  if (returned !== undefined) {
    throw new ArgumentError(`cte("${name}"): the ${verb}'s RETURNING names the class ${returned.entity.name}, whose objects a CTE cannot give; return its columns (columnsOf(${returned.entity.name}).id, ...) instead.`);
  }
  const cte = cteOf<Row>(write, name, undefined);
  return entity === undefined ? cte : new Cte<Row>({ ...cte.node, entity });
}

/** Whether a CTE's query writes (a data-modifying CTE). */
export function isWrite(query: CteNode["query"]): query is WriteNode {
  return query.kind === "insert" || query.kind === "update" || query.kind === "delete";
}

/** The columns a CTE's query gives: its first SELECT's, or a data-modifying CTE's RETURNING list. */
export function cteColumns(query: CteNode["query"]): readonly LabelNode[] {
  return isWrite(query) ? query.returning : firstSelect(query).columns;
}

/** The first SELECT of a query: it names the output columns. */
export function firstSelect(node: SelectNode | CompoundSelectNode): SelectNode {
  return node.kind === "select" ? node : firstSelect(node.selects[0]!);
}
