/**
 * The key parts of an index beyond plain columns: expressions (`func.lower(c.email)`), descending
 * parts (`c.at.desc()`), and the rules that keep an index on its own table. Also the reading of
 * an `IndexModel`'s parts, which the DDL compilers and `athanor pull` share.
 */
import type { ExprNode, OrderByNode } from "../ast/nodes.js";
import { forEachChild, type TreeNode } from "../ast/children.js";
import { ArgumentError } from "../errors.js";
import { Expression, OrderBy } from "../expression/expression.js";
import { Column } from "./column.js";
import type { Index, IndexDeclaration } from "./constraints.js";
import type { IndexModel } from "./schema-model.js";

/** What `index([...])` takes: a column, an expression (`func.lower(c.email)`, `sql\`...\``), or either sorted (`c.at.desc()`). */
export type IndexPart = Column | Expression<unknown> | OrderBy;

/** One key part of an `Index`: its expression (a column's node for a plain column) and its order. */
export interface IndexKeyPart {
  readonly node: ExprNode;
  /** The column, when the part is a plain column of the table. */
  readonly column: Column | undefined;
  readonly descending: boolean;
}

/**
 * The `Index` that `index(parts, options)` declares on `table`. Throws `ArgumentError`, naming the
 * table, the index and the fix, for what an index cannot hold: a column of another table (or of an
 * alias) in a part or the WHERE, a value that is not an expression, `NULLS FIRST/LAST`, or an
 * expression part without a name (no naming convention names an expression).
 *
 * @internal
 */
export function indexOf(table: { readonly name: string }, declaration: IndexDeclaration): Index {
  const { parts, options } = declaration;
  const what = `Index ${options.name === undefined ? "" : `'${options.name}' `}of table '${table.name}'`;
  const keyParts = parts.map((part, i) => keyPart(part, `${what}, part ${i + 1},`));
  const columns = keyParts.flatMap((p) => (p.column ? [p.column] : []));
  for (const [i, p] of keyParts.entries()) {
    const other = foreignIn(p.node, table);
    if (other) throw new ArgumentError(`${what}, part ${i + 1}, names ${other}, not a column of '${table.name}'. An index covers its own table's columns only: build it from the c.<key> columns the constraints callback receives.`);
  }
  const other = options.where && foreignIn(options.where.node, table);
  if (other) throw new ArgumentError(`${what} has a WHERE that names ${other}, not a column of '${table.name}'. A partial index's condition reads its own table's row only: write it over the c.<key> columns.`);
  if (options.name === undefined && keyParts.some((p) => !p.column)) {
    throw new ArgumentError(`${what} has an expression part and no name (no naming convention names an expression): index([...], { name: "ix_${table.name}_..." }).`);
  }
  const plain = keyParts.every((p) => p.column && !p.descending);
  return {
    kind: "index",
    columns,
    unique: options.unique ?? false,
    name: options.name,
    ...(plain ? {} : { parts: keyParts }),
    ...(options.where === undefined ? {} : { where: options.where }),
  };
}

function keyPart(part: IndexPart, what: string): IndexKeyPart {
  const order: OrderByNode | undefined = part instanceof OrderBy ? part.node : undefined;
  if (order?.nulls !== undefined) {
    throw new ArgumentError(
      `${what} is ordered NULLS ${order.nulls.toUpperCase()}, which SQLite and MySQL/MariaDB indexes cannot say: drop .nulls${order.nulls === "first" ? "First" : "Last"}() ` +
        `(an index is read both ways; PostgreSQL sorts NULLs last ascending), or create such an index in a migration (op.execute).`,
    );
  }
  if (!order && !(part instanceof Expression)) {
    throw new ArgumentError(`${what} is ${typeof part === "string" ? `the string '${part}'` : String(part)}, not a column or an expression: pass the table's column (c.key), func.lower(c.key), sql\`...\`, or c.key.desc().`);
  }
  const node = order ? order.expr : (part as Expression<unknown>).node;
  return { node, column: part instanceof Column ? part : columnOfNode(node), descending: order?.direction === "desc" };
}

/** The `Column` behind a column node (a part written `c.at.desc()` is a column part too). */
function columnOfNode(node: ExprNode): Column | undefined {
  if (node.kind !== "column" || node.source.kind !== "table") return undefined;
  const table = node.source.table as { columnByName?: (name: string) => Column | undefined };
  return table.columnByName?.(node.name);
}

/** The first column in `node` that is not `table`'s (`other.col`), or a subquery; undefined when there is none. */
function foreignIn(node: TreeNode, table: object): string | undefined {
  if (node.kind === "column") {
    const source = node.source;
    if (source.kind === "table" && source.table === table) return undefined;
    return source.kind === "table" ? `${source.table.name}.${node.name}` : `${source.name}.${node.name} (an alias)`;
  }
  if (node.kind === "select") return "a subquery";
  let found: string | undefined;
  forEachChild(node, (child) => (found ??= foreignIn(child, table)), undefined);
  return found;
}

/** One key part of an `IndexModel`: a column by name, or an expression's SQL text; and its order. */
export interface IndexModelPart {
  /** The column, for a plain column part. */
  readonly column: string | undefined;
  /** The expression's SQL text (a column part's: its name as the model writes it). */
  readonly sql: string;
  readonly descending: boolean;
  /** A NULLS clause other than the order's default (PostgreSQL, reflected). */
  readonly nulls: "first" | "last" | undefined;
}

/**
 * The key parts of an index model in order. Without `expressions` they are `columns`, ascending;
 * with them, each entry is a part (` DESC` after a descending one), a column part written as the
 * column's name (quoted or not) and found in `columns`.
 *
 * @internal
 */
export function indexModelParts(index: IndexModel): IndexModelPart[] {
  if (!index.expressions?.length) return index.columns.map((c) => ({ column: c, sql: c, descending: false, nulls: undefined }));
  return index.expressions.map((text) => {
    const sorted = /^([\s\S]*?)(?:\s+(ASC|DESC))?(?:\s+NULLS\s+(FIRST|LAST))?$/i.exec(text.trim())!;
    const sql = sorted[1]!.trim();
    const name = /^"((?:[^"]|"")*)"$|^`((?:[^`]|``)*)`$|^([A-Za-z_][\w$]*)$/.exec(sql);
    const unquoted = name?.[1]?.replace(/""/g, '"') ?? name?.[2]?.replace(/``/g, "`") ?? name?.[3];
    const column = unquoted === undefined ? undefined : index.columns.find((c) => c === unquoted || (name?.[3] !== undefined && c.toLowerCase() === unquoted.toLowerCase()));
    const nulls = sorted[3]?.toLowerCase() as "first" | "last" | undefined;
    return { column, sql, descending: sorted[2]?.toUpperCase() === "DESC", nulls };
  });
}

/**
 * Whether the unique index makes its `columns` a key of every row: not when it is partial (rows
 * outside its WHERE may repeat) or has an expression part (its columns are only some of the key).
 *
 * @internal
 */
export function isColumnKey(index: { readonly unique: boolean; readonly where?: unknown; readonly parts?: readonly IndexKeyPart[] }): boolean {
  return index.unique && index.where === undefined && !(index.parts ?? []).some((p) => p.column === undefined);
}
