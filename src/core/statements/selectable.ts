/**
 * Typing of select lists: which row type `select(users.c.id, addresses)` yields, and how items
 * become labelled output columns.
 */
import type { LabelNode } from "../ast/nodes.js";
import { ArgumentError } from "../errors.js";
import { Expression, Labeled } from "../expression/expression.js";
import type { FromSource } from "../schema/table.js";
import type { Simplify } from "./executable.js";

/**
 * What `select()` and `returning()` accept: named expressions, unnamed expressions, whole sources,
 * and entities (mapped classes), which an upper layer teaches the Core to resolve.
 */
export type SelectItem = Expression<any> | FromSource<any> | EntityClass;

/** A class that stands for its columns in a select list (an ORM model). */
export type EntityClass = abstract new (...args: any[]) => object;

/**
 * Turns an entity (e.g. a mapped class) into the source whose columns it selects. The Core knows
 * no entities; the ORM registers a resolver, so that `select(Parent)` works without `core`
 * depending on `orm`.
 */
export type EntityResolver = (item: EntityClass) => FromSource | undefined;

const entityResolvers: EntityResolver[] = [];

export function registerEntityResolver(resolver: EntityResolver): void {
  if (!entityResolvers.includes(resolver)) entityResolvers.push(resolver);
}

function resolveEntity(item: EntityClass): FromSource | undefined {
  for (const resolve of entityResolvers) {
    const source = resolve(item);
    if (source) return source;
  }
  return undefined;
}

/** Where each select item's output columns are: entities span several, expressions one. */
export type SelectLayout = readonly (
  | { readonly kind: "entity"; readonly entity: EntityClass; readonly start: number; readonly count: number }
  | { readonly kind: "value"; readonly index: number }
)[];

/** The row fields one select item contributes. Unnamed expressions and entities contribute none. */
export type ItemRow<I> = I extends EntityClass
  ? {}
  : I extends { readonly __row?: infer R; readonly fromNode: unknown }
  ? R
  : I extends Labeled<infer T, infer K>
    ? { [P in K]: T }
    : {};

type Rows<I extends readonly unknown[]> = I extends readonly [infer H, ...infer Rest] ? ItemRow<H> & Rows<Rest> : {};

/** The row type of a select list. */
export type RowOfItems<I extends readonly unknown[]> = Simplify<Rows<I>>;

/** The value one select item yields in a tuple row: an entity's instance, an expression's value. */
export type ItemValue<I> = I extends abstract new (...args: any[]) => infer T ? T : I extends Expression<infer T> ? T : unknown;

/** The value type of the first select item: what `scalar()` and `scalars()` return. */
export type FirstValue<I extends readonly unknown[]> = I extends readonly [infer H, ...unknown[]] ? ItemValue<H> : unknown;

/** A row as a tuple, one value per select item (entities as instances): what the ORM returns. */
export type TupleOfItems<I extends readonly unknown[]> = { -readonly [K in keyof I]: ItemValue<I[K]> };

export function isFromSource(item: unknown): item is FromSource {
  return typeof item === "object" && item !== null && "fromNode" in item && "columnList" in item;
}

/**
 * Turns select items into labelled output columns and records which columns each item produced.
 * Duplicate keys are an error, except among entity columns, which are hydrated by position and
 * get a numbered suffix instead.
 */
export function labelItems(items: readonly SelectItem[], startIndex = 0): { labels: LabelNode[]; layout: SelectLayout } {
  const labels: LabelNode[] = [];
  const layout: SelectLayout[number][] = [];
  const keys = new Set<string>();
  let anonymous = startIndex;
  const push = (label: LabelNode, renameOnClash: boolean) => {
    let name = label.name;
    if (keys.has(name)) {
      if (!renameOnClash) {
        throw new ArgumentError(`Two selected columns are both named '${name}'. Give one of them another name with .label("...").`);
      }
      for (let n = 1; keys.has(name); n++) name = `${label.name}_${n}`;
      label = { ...label, name };
    }
    keys.add(name);
    labels.push(label);
  };
  for (const item of items) {
    const start = startIndex + labels.length;
    if (typeof item === "function") {
      const source = resolveEntity(item);
      if (!source) throw new ArgumentError(`select(): class ${item.name} is not a mapped model.`);
      source.columnList.forEach((col) => push(col.labelNode(), true));
      layout.push({ kind: "entity", entity: item, start, count: source.columnList.length });
    } else if (isFromSource(item)) {
      item.columnList.forEach((col) => push(col.labelNode(), false));
    } else if (item instanceof Labeled) {
      push(item.labelNode(), false);
      layout.push({ kind: "value", index: start });
    } else if (item instanceof Expression) {
      push({ kind: "label", expr: item.node, name: `col_${anonymous++}`, type: item.type }, false);
      layout.push({ kind: "value", index: start });
    } else {
      throw new ArgumentError(`select() takes columns, expressions, tables and models; got ${String(item)}.`);
    }
  }
  return { labels, layout };
}

/** The FROM source of an entity item, for the builder's explicit FROM list. */
export function entitySource(item: EntityClass): FromSource | undefined {
  return resolveEntity(item);
}
