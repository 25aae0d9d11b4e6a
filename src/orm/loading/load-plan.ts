/**
 * A query's loader options as a tree: per entity of the result, per relationship, how it loads
 * and how the next level down loads. A wildcard (`raiseLoad("*")`) applies to the relationships
 * of its level that no option names, and is inherited by the levels loaded below it (so any
 * lazy load in the result raises), unless they have a wildcard of their own.
 */
import { WriteOnlyCollectionError } from "../errors.js";
import type { LoadStrategy } from "../mapping/relationship-spec.js";
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { LoaderOption } from "./options.js";

type AnyClass = abstract new (...args: any[]) => object;

/** One level of the tree: options for the relationships of the objects at this level. */
export interface LoadNode {
  /** How this relationship loads, where an option says so. */
  strategy?: LoadStrategy;
  readonly children: Map<string, LoadNode>;
  /** `raiseLoad("*")` at this level. */
  wildcard?: LoadStrategy;
}

/** The tree of a query's options: one root per entity class, and the query-wide wildcard. */
export interface LoadPlan {
  readonly roots: Map<Mapper, LoadNode>;
  readonly wildcard: LoadStrategy | undefined;
}

const node = (): LoadNode => ({ children: new Map() });

export function loadPlan(options: readonly LoaderOption[], mapperOf: (cls: AnyClass) => Mapper): LoadPlan {
  const roots = new Map<Mapper, LoadNode>();
  let wildcard: LoadStrategy | undefined;
  for (const option of options) {
    if (option.entity === undefined) {
      wildcard = option.strategy;
      continue;
    }
    const mapper = mapperOf(option.entity);
    let at = roots.get(mapper);
    if (!at) roots.set(mapper, (at = node()));
    const last = option.path.length - 1;
    option.path.forEach((key, i) => {
      const strategy = option.steps[i] ?? (i === last ? option.strategy : undefined);
      if (key === "*") {
        at!.wildcard = strategy;
        return;
      }
      let child = at!.children.get(key);
      if (!child) at!.children.set(key, (child = node()));
      if (strategy !== undefined) child.strategy = strategy;
      at = child;
    });
  }
  return { roots, wildcard };
}

/**
 * How `rel` loads at a level: its option; "selectin" when only deeper levels are named (they
 * need it loaded); the level's wildcard; else the mapping's default.
 */
export function strategyOf(rel: RelationshipProperty, level: LoadNode | undefined, wildcard: LoadStrategy | undefined): { strategy: LoadStrategy; next: LoadNode | undefined } {
  const next = level?.children.get(rel.key);
  // A write-only collection is never loaded: a wildcard passes it by, an option naming it is refused.
  if (rel.writeOnly) return writeOnlyStrategy(rel, next);
  const strategy = next?.strategy ?? (next ? "selectin" : (level?.wildcard ?? wildcard ?? (rel.spec.options.lazy as LoadStrategy | undefined) ?? "lazy"));
  return { strategy, next };
}

function writeOnlyStrategy(rel: RelationshipProperty, next: LoadNode | undefined): { strategy: LoadStrategy; next: undefined } {
  if (next !== undefined && next.strategy !== "lazy" && next.strategy !== "raise") {
    throw new WriteOnlyCollectionError(
      `${String(rel)} is write-only: a loader option (${next.strategy ?? "selectin"}Load) cannot load it, since a write-only collection is never loaded. ` +
        `Remove the option, and read its members with \`await session.scalars(obj.${rel.key}.select())\`.`,
      rel.parent.name,
      rel.key,
    );
  }
  return { strategy: "lazy", next: undefined };
}

/** Whether the plan may load anything for objects of `mapper` beyond its mapping's defaults. */
export function planTouches(plan: LoadPlan, mapper: Mapper): boolean {
  return plan.wildcard !== undefined || plan.roots.has(mapper);
}

/**
 * The relationships of `mapper` that come by a JOIN (by option or by the mapping's default), and
 * below them those an option chains as `joinedLoad` (a default of joined loading below the first
 * level loads by select-in, as before: a self-referential default would join without end).
 * `optionsOnly`: the first level too only as options say (below a select-in load).
 */
export function joinedBelow(
  mapper: Mapper,
  level: LoadNode | undefined,
  wildcard: LoadStrategy | undefined,
  optionsOnly = false,
  /** Which of `mapper`'s own relationships the first level takes (a subclass's: those it declares). */
  firstLevel?: (rel: RelationshipProperty) => boolean,
): JoinRequest[] {
  const requests: JoinRequest[] = [];
  const add = (target: Mapper, at: LoadNode | undefined, under: number | undefined) => {
    for (const rel of target.relationships.values()) {
      if (under === undefined && firstLevel !== undefined && !firstLevel(rel)) continue;
      const { strategy, next } = strategyOf(rel, at, wildcard);
      if (strategy !== "joined" || ((optionsOnly || under !== undefined) && next?.strategy !== "joined")) continue;
      requests.push({ rel, under });
      add(rel.resolved.target, next, requests.length - 1);
    }
  };
  add(mapper, level, undefined);
  return requests;
}

/** A relationship to load by a JOIN: from the query's entity, or (`under`) from the target of another request. */
export interface JoinRequest {
  readonly rel: RelationshipProperty;
  readonly under: number | undefined;
}
