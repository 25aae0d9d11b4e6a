/**
 * The statement tree. Builders (`select`, `insert`, ...) produce these frozen, plain-data nodes;
 * one compiler per dialect walks them (see `compiler/sql-compiler.ts`). Nodes carry no behaviour,
 * so a statement can be cached, compared by shape and rendered for any dialect.
 */
import type { SqlType } from "../types/sql-type.js";
import type { TableSchema } from "./table-schema.js";

// ---------------------------------------------------------------- FROM items

export interface TableNode {
  readonly kind: "table";
  readonly name: string;
  readonly schema: string | undefined;
  /** The schema object, for foreign-key based join inference. */
  readonly table: TableSchema;
}

/** `table AS name`, `(SELECT ...) AS name`, or a common table expression named in FROM. */
export interface AliasNode {
  readonly kind: "alias";
  readonly name: string;
  readonly of: TableNode | SelectNode | CteNode;
  /** `LATERAL (SELECT ...) AS name`: the subquery may refer to FROM items before it (PostgreSQL). */
  readonly lateral?: boolean | undefined;
}

/**
 * A common table expression: `name AS (query)` in the WITH clause of the statement that names it
 * (through an alias node of the same name). In a recursive one, the query's second member refers
 * to the CTE itself: to an alias of a CTE of the same name (the anchor alone), written by name.
 */
export interface CteNode {
  readonly kind: "cte";
  readonly name: string;
  /** A query, or (PostgreSQL's data-modifying CTE) an INSERT, UPDATE or DELETE whose RETURNING rows it reads. */
  readonly query: SelectNode | CompoundSelectNode | WriteNode;
  readonly recursive: boolean;
  /** The mapped class a data-modifying CTE's write was built on (`update(Model)`): the ORM checks what it owes the class. */
  readonly entity?: abstract new (...args: any[]) => object;
}

export type JoinType = "inner" | "left" | "right" | "full";

export interface JoinNode {
  readonly kind: "join";
  readonly type: JoinType;
  readonly left: FromNode;
  readonly right: TableNode | AliasNode;
  readonly on: ExprNode;
  /**
   * A LEFT JOIN that reads more columns of some of the rows (the ORM's subclass tables under
   * joined-table inheritance), not rows of their own: a `FOR UPDATE` without `OF` leaves its table
   * out (PostgreSQL cannot lock the nullable side of an outer join, and a query through a class
   * does not ask to lock its subclasses' rows).
   */
  readonly optional?: boolean;
}

export type FromNode = TableNode | AliasNode | JoinNode;

// ---------------------------------------------------------------- expressions

export interface ColumnNode {
  readonly kind: "column";
  readonly name: string;
  /** What qualifies the column: a table, or an alias of a table or subquery. */
  readonly source: TableNode | AliasNode;
}

/** A bound parameter. Values are never rendered into SQL text. */
export interface ParamNode {
  readonly kind: "param";
  readonly value: unknown;
  /** Decides how the value is converted for the driver (booleans and dates on SQLite, JSON, ...). */
  readonly type: SqlType | undefined;
}

/** `div`: `/` between integers, the quotient truncated toward zero (PostgreSQL's and SQLite's `/`; MySQL's `DIV`, where `/` gives 3.5000 for 7 / 2). */
export type BinaryOperator = "=" | "<>" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "div" | "%" | "||";

export interface BinaryNode {
  readonly kind: "binary";
  readonly op: BinaryOperator;
  readonly left: ExprNode;
  readonly right: ExprNode;
}

export interface LikeNode {
  readonly kind: "like";
  readonly expr: ExprNode;
  readonly pattern: ExprNode;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
  /** `LIKE pattern ESCAPE 'c'`: the one character that makes the next `%`, `_` (or itself) literal. */
  readonly escape?: string | undefined;
}

export interface LogicalNode {
  readonly kind: "and" | "or";
  readonly items: readonly ExprNode[];
}

export interface NotNode {
  readonly kind: "not";
  readonly expr: ExprNode;
}

export interface IsNullNode {
  readonly kind: "isNull";
  readonly expr: ExprNode;
  readonly negated: boolean;
}

export interface InNode {
  readonly kind: "in";
  readonly expr: ExprNode;
  readonly values: readonly ExprNode[] | SelectNode;
  readonly negated: boolean;
}

/**
 * `expr IN` a list of values, or `(a, b) IN` a list of tuples, bound as one array parameter (one
 * per tuple member where the dialect takes arrays): the SQL is the same whatever the number of
 * values. `values.value` is the list (of values, or of tuples when `exprs` has several); NULLs in
 * it (and tuples with a NULL member) are left out, matching nothing as `=` would.
 */
export interface InValuesNode {
  readonly kind: "inValues";
  readonly exprs: readonly ExprNode[];
  readonly values: ParamNode;
  /** The SQL type of each member, which decides how it is bound (from `exprs`). */
  readonly types: readonly (SqlType | undefined)[];
}

export interface BetweenNode {
  readonly kind: "between";
  readonly expr: ExprNode;
  readonly low: ExprNode;
  readonly high: ExprNode;
  readonly negated: boolean;
}

export interface FunctionNode {
  readonly kind: "function";
  readonly name: string;
  readonly args: readonly ExprNode[];
  readonly distinct: boolean;
  /** `agg(...) FILTER (WHERE condition)`: the rows an aggregate takes (PostgreSQL, SQLite). */
  readonly filter?: ExprNode | undefined;
}

/** `fn(...) OVER (PARTITION BY ... ORDER BY ...)`: a window function call. */
export interface WindowNode {
  readonly kind: "over";
  readonly fn: FunctionNode;
  readonly partitionBy: readonly ExprNode[];
  readonly orderBy: readonly OrderByNode[];
}

export interface CastNode {
  readonly kind: "cast";
  readonly expr: ExprNode;
  readonly type: SqlType;
}

/** Raw SQL from the `sql` template tag: text fragments with embedded expressions and parameters. */
export interface RawNode {
  readonly kind: "raw";
  readonly parts: readonly (string | ExprNode)[];
}

export interface LabelNode {
  readonly kind: "label";
  readonly expr: ExprNode;
  readonly name: string;
  /** The SQL type of the value, when known: decides how result values are converted. */
  readonly type?: SqlType | undefined;
}

export interface ExistsNode {
  readonly kind: "exists";
  readonly query: SelectNode;
}

export interface ScalarSubqueryNode {
  readonly kind: "scalarSubquery";
  readonly query: SelectNode;
}

export interface CaseNode {
  readonly kind: "case";
  readonly whens: readonly (readonly [ExprNode, ExprNode])[];
  readonly otherwise: ExprNode | undefined;
}

/** `*` or `source.*`. */
export interface StarNode {
  readonly kind: "star";
}

/**
 * In an upsert's SET or WHERE, the value the row proposed for insertion has for a column:
 * `excluded.col` (PostgreSQL, SQLite), `VALUES(col)` (MySQL, MariaDB).
 */
export interface ExcludedNode {
  readonly kind: "excluded";
  /** The column's database name. */
  readonly name: string;
}

export type ExprNode =
  | ColumnNode
  | ParamNode
  | BinaryNode
  | LikeNode
  | LogicalNode
  | NotNode
  | IsNullNode
  | InNode
  | InValuesNode
  | BetweenNode
  | FunctionNode
  | WindowNode
  | CastNode
  | RawNode
  | LabelNode
  | ExistsNode
  | ScalarSubqueryNode
  | CaseNode
  | StarNode
  | ExcludedNode;

export interface OrderByNode {
  readonly expr: ExprNode;
  readonly direction: "asc" | "desc";
  readonly nulls: "first" | "last" | undefined;
}

// ---------------------------------------------------------------- statements

export interface SelectNode {
  readonly kind: "select";
  /** Output columns; each is labelled with the key it has in result rows. */
  readonly columns: readonly LabelNode[];
  readonly from: readonly FromNode[];
  readonly where: ExprNode | undefined;
  readonly groupBy: readonly ExprNode[];
  readonly having: ExprNode | undefined;
  readonly orderBy: readonly OrderByNode[];
  readonly limit: ExprNode | undefined;
  readonly offset: ExprNode | undefined;
  readonly distinct: boolean;
  /** `SELECT DISTINCT ON (exprs)` (PostgreSQL): one row per distinct value of these. */
  readonly distinctOn?: readonly ExprNode[] | undefined;
  readonly forUpdate: boolean;
  /**
   * `FOR UPDATE OF <these>`: lock only the rows of these FROM items (undefined: of every one).
   * Where the database has no OF (MariaDB), every table read is locked.
   */
  readonly forUpdateOf?: readonly (TableNode | AliasNode)[] | undefined;
  /** `forUpdateOf` was set for the query (by the ORM, for its joined loads), not named by the application: what an error about it says. */
  readonly forUpdateOfImplied?: boolean | undefined;
  /** `FOR UPDATE ... NOWAIT` / `SKIP LOCKED`: what a locking read does with a row another transaction holds (undefined: waits). */
  readonly forUpdateWait?: "nowait" | "skipLocked" | undefined;
}

/** A set operation's ORDER BY item: an output column of the first SELECT, by its label. */
export interface CompoundOrderByNode {
  readonly name: string;
  readonly direction: "asc" | "desc";
  readonly nulls: "first" | "last" | undefined;
}

/** `SELECT ... UNION | INTERSECT | EXCEPT [ALL] SELECT ...`, with the whole result's ORDER BY and LIMIT. */
export interface CompoundSelectNode {
  readonly kind: "compound";
  readonly op: "union" | "intersect" | "except";
  readonly all: boolean;
  /** Two or more queries with the same number of columns; the first one names the output columns. */
  readonly selects: readonly (SelectNode | CompoundSelectNode)[];
  readonly orderBy: readonly CompoundOrderByNode[];
  readonly limit: ExprNode | undefined;
  readonly offset: ExprNode | undefined;
}

export interface InsertNode {
  readonly kind: "insert";
  readonly table: TableNode;
  readonly columns: readonly string[];
  /** One list of values per row, in `columns` order. Empty with `select` set. */
  readonly rows: readonly (readonly ExprNode[])[];
  readonly select: SelectNode | undefined;
  /** What to do with a row that conflicts with an existing one; undefined for a plain INSERT. */
  readonly onConflict: OnConflictNode | undefined;
  readonly returning: readonly LabelNode[];
  /** As `UpdateNode.unwritable`: the ORM session inserts such rows one table at a time. */
  readonly unwritable?: string;
  /**
   * RETURNING's rows in the order of `rows` (`returning(..., { sortByParameterOrder: true })`):
   * how the statement runs, not its SQL (engine/insert-parameter-order.ts).
   */
  readonly sortByParameterOrder?: boolean;
  /**
   * Every value of `rows` is a parameter made for its place from a plain value (`values()` given no
   * expression): none is shared with another place, so the statement cache need not look.
   */
  readonly freshValues?: boolean;
}

/**
 * The upsert clause. `doNothing` and `doUpdate` are PostgreSQL's and SQLite's
 * `ON CONFLICT (target) DO ...`; `duplicateKey` is MySQL's `ON DUPLICATE KEY UPDATE`, which
 * applies to a conflict on any unique key and has neither target nor WHERE.
 */
export interface OnConflictNode {
  readonly kind: "onConflict";
  readonly action: "doNothing" | "doUpdate" | "duplicateKey";
  /** Database names of the conflict target's columns; empty for none. */
  readonly target: readonly string[];
  readonly set: readonly SetPair[];
  readonly where: ExprNode | undefined;
}

/**
 * One `column = value` of an UPDATE's SET: the column's database name, the value, and for
 * `update(Model).set({ attr })` the attribute it was given as. The ORM finds the column by the
 * attribute: two tables of a joined-table hierarchy may have columns of one name.
 */
export type SetPair = readonly [column: string, value: ExprNode, attribute?: string];

export interface UpdateNode {
  readonly kind: "update";
  readonly table: TableNode;
  readonly set: readonly SetPair[];
  readonly where: ExprNode | undefined;
  readonly returning: readonly LabelNode[];
  /** Why compiling refuses it: its target's rows span several tables (`FromSource.notWritable`), which the ORM session writes one statement each. */
  readonly unwritable?: string;
}

export interface DeleteNode {
  readonly kind: "delete";
  readonly table: TableNode;
  readonly where: ExprNode | undefined;
  readonly returning: readonly LabelNode[];
  /** As `UpdateNode.unwritable`. */
  readonly unwritable?: string;
}

/** A statement that changes rows. */
export type WriteNode = InsertNode | UpdateNode | DeleteNode;

export type StatementNode = SelectNode | CompoundSelectNode | InsertNode | UpdateNode | DeleteNode | RawNode;

export type Node = ExprNode | FromNode | StatementNode;
