/**
 * Column loading options, per query (SQLAlchemy's "Column Loading Options"):
 *
 * ```ts
 * select(Post).options(defer(Post, "body"))             // every column but body
 * select(Post).options(undefer(Post, "body"))           // body too, though a mapping may defer it
 * select(Post).options(loadOnly(Post, "id", "title"))   // those (and the primary key), nothing else
 * ```
 *
 * A column left out is not in the SELECT; reading it on an object of the result raises
 * `UnloadedAttributeError` until `await session.load(obj, "body")` loads it. The result's type
 * leaves it out too, so that reading it does not compile (see `ColumnLoaderOption`).
 */
import type { ColumnNode, LabelNode } from "../../core/ast/nodes.js";
import { ArgumentError } from "../../core/errors.js";
import type { StatementOption } from "../../core/statements/executable.js";
import { Select, type Select as SelectType } from "../../core/statements/select.js";
import { entitySource, type EntityClass, type SelectLayout } from "../../core/statements/selectable.js";
import type { Labeled } from "../../core/expression/expression.js";
import type { ColumnKeys } from "../entity.js";
import type { ColumnPlan } from "../mapping/column-plan.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf } from "../state/instance-state.js";
import { markColumnRaiseLoad } from "../state/unloaded.js";

type AnyClass = abstract new (...args: any[]) => object;

/**
 * A column loading option: `defer`, `undefer` or `loadOnly`. `Omitted` (a phantom) names the
 * attributes of `T` the option leaves out, which `select(...).options(...)` removes from the type
 * of the objects it returns.
 */
export interface ColumnLoaderOption<T extends object = object, Omitted extends string = never> extends StatementOption {
  readonly optionKind: "athanor.columns";
  readonly kind: "defer" | "undefer" | "loadOnly";
  readonly entity: AnyClass;
  readonly keys: readonly string[];
  /** Objects returned without these columns refuse `await lazy(obj).key` as well. */
  readonly raiseLoad: boolean;
  /** Phantom: the entity and the attributes left out of its objects' type. */
  readonly __omits?: readonly [T, Omitted];
}

/** Options of `defer` and `loadOnly`. */
export interface ColumnLoadOptions {
  /** The columns left out also refuse `await lazy(obj).key` (SQLAlchemy's `raiseload=True`). */
  readonly raiseLoad?: boolean;
}

function option(kind: ColumnLoaderOption["kind"], entity: AnyClass, keys: readonly string[], raiseLoad = false): ColumnLoaderOption<any, any> {
  if (keys.length === 0) throw new ArgumentError(`${kind}(${entity.name}) needs at least one column attribute.`);
  return Object.freeze({ optionKind: "athanor.columns" as const, kind, entity, keys: Object.freeze([...keys]), raiseLoad });
}

/**
 * Leaves column attributes out of the query (SQLAlchemy's `defer`). The primary key cannot be deferred.
 *
 * ```ts
 * const posts = await session.scalars(select(Post).options(defer(Post, "body")));
 * const body = await lazy(posts[0]!).body; // loaded when asked for
 * ```
 */
export function defer<T extends object, const K extends ColumnKeys<T>>(
  entity: abstract new (...args: any[]) => T,
  key: K,
  options?: ColumnLoadOptions,
): ColumnLoaderOption<T, K> {
  return option("defer", entity, [key], options?.raiseLoad);
}

/**
 * Loads column attributes the mapping defers (`@column(..., { deferred: true })`) with the query.
 *
 * ```ts
 * const posts = await session.scalars(select(Post).options(undefer(Post, "body")));
 * ```
 */
export function undefer<T extends object, const K extends ColumnKeys<T>>(entity: abstract new (...args: any[]) => T, ...keys: K[]): ColumnLoaderOption<T> {
  return option("undefer", entity, keys) as ColumnLoaderOption<T>;
}

/**
 * Loads only these column attributes (and the primary key, always loaded); the others are left
 * out, and the objects' type has only these (and the relationships and methods).
 *
 * ```ts
 * const titles = await session.scalars(select(Post).options(loadOnly(Post, "title")));
 * titles[0]?.title; // string
 * // @ts-expect-error: not loaded, so not in the type
 * titles[0]?.body;
 * ```
 */
export function loadOnly<T extends object, const K extends ColumnKeys<T>>(
  entity: abstract new (...args: any[]) => T,
  ...keys: K[]
): ColumnLoaderOption<T, Exclude<ColumnKeys<T>, K>>;
/** `loadOnly` with options: `loadOnly(Book, ["id", "title"], { raiseLoad: true })`. */
export function loadOnly<T extends object, const K extends ColumnKeys<T>>(
  entity: abstract new (...args: any[]) => T,
  keys: readonly K[],
  options: ColumnLoadOptions,
): ColumnLoaderOption<T, Exclude<ColumnKeys<T>, K>>;
export function loadOnly(entity: AnyClass, ...args: unknown[]): ColumnLoaderOption<any, any> {
  if (Array.isArray(args[0])) return option("loadOnly", entity, args[0] as string[], (args[1] as ColumnLoadOptions | undefined)?.raiseLoad);
  return option("loadOnly", entity, args as string[]);
}

export function isColumnLoaderOption(o: StatementOption): o is ColumnLoaderOption {
  return o.optionKind === "athanor.columns";
}

/** What the column options of a query change: the statement to send and the plan of each entity item. */
export interface ColumnPlanning {
  readonly statement: SelectType<unknown>;
  /** Per layout item: its plan, when not the mapper's default. */
  readonly plans: readonly (ColumnPlan | undefined)[];
  /** Per layout item: the options that said raiseLoad. */
  readonly raising: readonly (readonly ColumnLoaderOption[] | undefined)[];
}

/**
 * Applies the query's column options to its entity items: each item's columns become those of its
 * plan (in the mapper's order), and the items after it move. Nothing changes without options.
 */
export function planColumns(statement: SelectType<unknown>, mapperOf: (cls: AnyClass) => Mapper): ColumnPlanning | undefined {
  const options = statement.statementOptions.filter(isColumnLoaderOption);
  if (options.length === 0) return undefined;
  const plans: (ColumnPlan | undefined)[] = [];
  const raising: (ColumnLoaderOption[] | undefined)[] = [];
  const columns: LabelNode[] = [];
  const layout: SelectLayout[number][] = [];
  const names = new Set<string>();
  const old = statement.node.columns;
  let next = 0; // the next old column to copy
  for (const item of statement.layout) {
    if (item.kind === "value") {
      while (next <= item.index) push(columns, names, old[next++]!);
      layout.push({ kind: "value", index: columns.length - 1 });
      plans.push(undefined);
      raising.push(undefined);
      continue;
    }
    while (next < item.start) push(columns, names, old[next++]!);
    const mapper = mapperOf(item.entity);
    const mine = options.filter((o) => mapperOf(o.entity) === mapper);
    const plan = mine.length ? planFor(mapper, mine) : mapper.defaultLoad;
    const start = columns.length;
    const given = old.slice(item.start, item.start + item.count);
    for (const key of plan.keys) {
      const at = mapper.defaultLoad.keys.indexOf(key);
      push(columns, names, at >= 0 ? given[at]! : labelFor(mapper, key, given[0]!, item.entity));
    }
    next = item.start + item.count;
    layout.push({ kind: "entity", entity: item.entity, start, count: plan.keys.length });
    plans.push(plan === mapper.defaultLoad ? undefined : plan);
    const raise = mine.filter((o) => o.raiseLoad);
    raising.push(raise.length ? raise : undefined);
  }
  while (next < old.length) push(columns, names, old[next++]!);
  const node = { ...statement.node, columns };
  return { statement: new Select(node, layout, statement.statementOptions), plans, raising };
}

/** The columns a mapper's objects get under these options, applied in order. */
function planFor(mapper: Mapper, options: readonly ColumnLoaderOption[]): ColumnPlan {
  const loaded = new Set(mapper.defaultLoad.keys);
  for (const o of options) {
    for (const key of o.keys) {
      if (!mapper.loadsColumn(key)) throw new ArgumentError(`${o.kind}(${mapper.name}, "${key}"): ${mapper.name} has no column attribute '${key}'.`);
      if (o.kind === "defer" && mapper.keyAttributes.includes(key)) {
        throw new ArgumentError(`defer(${mapper.name}, "${key}"): the primary key is the object's identity and is always loaded.`);
      }
    }
    if (o.kind === "defer") for (const key of o.keys) loaded.delete(key);
    else if (o.kind === "undefer") for (const key of o.keys) loaded.add(key);
    else {
      loaded.clear();
      for (const key of [...mapper.keyAttributes, ...o.keys]) loaded.add(key);
    }
  }
  return mapper.columnPlans.plan(loaded);
}

/** A label for a column the statement did not select, read from the same source as its others. */
function labelFor(mapper: Mapper, key: string, sibling: LabelNode, entity: EntityClass): LabelNode {
  const column = mapper.columns.get(key);
  // A column property: its expression as the entity's source (the class, an alias) builds it.
  if (column === undefined) return { ...(entitySource(entity)!.c[key] as Labeled<unknown, string>).labelNode(), name: key };
  const expr: ColumnNode = sibling.expr.kind === "column" ? { ...sibling.expr, name: column.name } : (column.node as ColumnNode);
  return { kind: "label", expr, name: key, type: column.type };
}

/** Adds a label, renamed with a numbered suffix if its name is taken (as `select` does for entities). */
function push(columns: LabelNode[], names: Set<string>, label: LabelNode): void {
  let name = label.name;
  for (let n = 1; names.has(name); n++) name = `${label.name}_${n}`;
  names.add(name);
  columns.push(name === label.name ? label : { ...label, name });
}

/** After hydration: the objects of options that said raiseLoad refuse to load those columns on access. */
export function markRaising(objects: readonly object[], options: readonly ColumnLoaderOption[]): void {
  for (const obj of objects) {
    const state = stateOf(obj);
    if (state?.unloaded === undefined) continue;
    for (const o of options) for (const key of state.unloaded) if (o.kind !== "defer" || o.keys.includes(key)) markColumnRaiseLoad(state, key);
  }
}

/** `markRaising` for each entity item of a result whose options said raiseLoad. */
export function markRaisingItems(planning: ColumnPlanning, results: readonly unknown[], single: boolean): void {
  planning.raising.forEach((options, index) => {
    if (!options) return;
    const objects = results.map((r) => (single ? r : (r as unknown[])[index])).filter((o): o is object => typeof o === "object" && o !== null);
    markRaising(objects, options);
  });
}
