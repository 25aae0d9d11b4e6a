/**
 * The `sql` template tag: raw SQL whose interpolated values are bound parameters and whose
 * interpolated expressions (columns, other `sql` fragments) are rendered in place.
 *
 * ```ts
 * const name = "Ada";
 * const rows = await conn.execute(sql<{ n: number }>`SELECT count(*) AS n FROM users WHERE name = ${name}`);
 * ```
 */
import type { ExprNode, RawNode } from "../ast/nodes.js";
import { Expression, toNode } from "./expression.js";

/** SQL text written by hand, with its values bound as parameters (see `sql`). */
export class RawSql<T = unknown> extends Expression<T> {
  declare readonly node: RawNode;
  /** Executed as a statement, `sql<{ n: number }>` yields rows of that type. */
  declare readonly __row?: T extends Record<string, unknown> ? T : Record<string, unknown>;
  constructor(node: RawNode) {
    super(node, undefined);
  }
}

/**
 * A raw SQL fragment. Expressions (columns, other fragments) are inlined, other values bound as
 * parameters, never spliced into the text. The type argument types the rows of a whole statement,
 * or the value of a fragment.
 *
 * ```ts
 * const name = "Ada";
 * const rows = await engine.execute(sql<{ n: number }>`SELECT count(*) AS n FROM users WHERE name = ${name}`);
 * const lowered = select(users.c.id).where(sql<boolean>`lower(${users.c.email}) = ${"ada@example.com"}`);
 * ```
 */
export function sql<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): RawSql<T> {
  const parts: (string | ExprNode)[] = [];
  strings.forEach((text, i) => {
    if (text) parts.push(text);
    if (i < values.length) parts.push(toNode(values[i], undefined));
  });
  return new RawSql<T>({ kind: "raw", parts });
}

/** Raw SQL text with no parameters, e.g. a server default: `sql.raw("CURRENT_TIMESTAMP")`. */
sql.raw = function raw<T = unknown>(text: string): RawSql<T> {
  return new RawSql<T>({ kind: "raw", parts: [text] });
};
