/**
 * Typing of select lists: which row type `select(users.c.id, addresses)` yields, and how items
 * become labelled output columns.
 */
import type { LabelNode } from "../ast/nodes.js";
import { ArgumentError } from "../errors.js";
import { Expression, Labeled } from "../expression/expression.js";
import type { FromSource } from "../schema/table.js";
import type { Simplify } from "./executable.js";

/** What `select()` and `returning()` accept: named expressions, unnamed expressions, whole sources. */
export type SelectItem = Expression<any> | FromSource<any>;

/** The row fields one select item contributes. Unnamed expressions contribute none (label them). */
export type ItemRow<I> = I extends { readonly __row?: infer R; readonly fromNode: unknown }
  ? R
  : I extends Labeled<infer T, infer K>
    ? { [P in K]: T }
    : {};

type Rows<I extends readonly unknown[]> = I extends readonly [infer H, ...infer Rest] ? ItemRow<H> & Rows<Rest> : {};

/** The row type of a select list. */
export type RowOfItems<I extends readonly unknown[]> = Simplify<Rows<I>>;

/** The value type of the first select item: what `scalar()` returns. */
export type FirstValue<I extends readonly unknown[]> = I extends readonly [infer H, ...unknown[]]
  ? H extends Expression<infer T>
    ? T
    : unknown
  : unknown;

export function isFromSource(item: unknown): item is FromSource {
  return typeof item === "object" && item !== null && "fromNode" in item && "columnList" in item;
}

/** Turns select items into labelled output columns, rejecting duplicate keys. */
export function labelItems(items: readonly SelectItem[], startIndex = 0): LabelNode[] {
  const out: LabelNode[] = [];
  const keys = new Set<string>();
  let anonymous = startIndex;
  const push = (label: LabelNode) => {
    if (keys.has(label.name)) {
      throw new ArgumentError(
        `Two selected columns are both named '${label.name}'. Give one of them another name with .label("...").`,
      );
    }
    keys.add(label.name);
    out.push(label);
  };
  for (const item of items) {
    if (isFromSource(item)) item.columnList.forEach((col) => push(col.labelNode()));
    else if (item instanceof Labeled) push(item.labelNode());
    else if (item instanceof Expression) push({ kind: "label", expr: item.node, name: `col_${anonymous++}`, type: item.type });
    else throw new ArgumentError(`select() takes columns, expressions and tables; got ${String(item)}.`);
  }
  return out;
}
