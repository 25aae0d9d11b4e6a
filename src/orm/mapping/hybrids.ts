/**
 * Hybrid attributes (`@hybrid`, declarative/hybrid.ts): a getter the application computes in
 * JavaScript, with the same value as SQL for queries, SQLAlchemy's `hybrid_property`. Kept in the
 * class's decorator metadata, so that a subclass sees its superclasses' and a class mapped
 * imperatively may have them too; read when a model's columns are built (entity.ts).
 */
import { ArgumentError } from "../../core/errors.js";
import { Labeled, type Expression } from "../../core/expression/expression.js";
import type { FromSource } from "../../core/schema/table.js";

/** A hybrid's SQL: built from the model's columns as a query reads them (its table, or an alias). */
export type HybridExpression = (columns: FromSource["c"]) => Expression<unknown>;

const HYBRIDS = Symbol("athanor.hybrids");

type WithHybrids = DecoratorMetadataObject & { [HYBRIDS]?: Map<string, HybridExpression> };

/** Records `key`'s SQL in the metadata of the class being decorated. */
export function declareHybrid(metadata: DecoratorMetadataObject, key: string, expression: HybridExpression): void {
  const own = metadata as WithHybrids;
  if (!Object.hasOwn(own, HYBRIDS)) own[HYBRIDS] = new Map();
  own[HYBRIDS]!.set(key, expression);
}

/**
 * The hybrids of `cls` and of its superclasses, a subclass's own winning. A subclass's getter
 * without `@hybrid` hides its superclass's hybrid of that name: the SQL would no longer compute
 * what the getter does (columnsOf then names it a getter, column-guard.ts).
 */
export function hybridsOf(cls: Function): ReadonlyMap<string, HybridExpression> {
  const found = new Map<string, HybridExpression>();
  const hidden = new Set<string>();
  for (let at: Function | null = cls; at !== null && at !== Function.prototype; at = Object.getPrototypeOf(at) as Function | null) {
    const own = ownHybrids(at);
    const getters = Object.entries(Object.getOwnPropertyDescriptors(at.prototype ?? {})).filter(([, d]) => d.get !== undefined).map(([key]) => key);
    for (const key of new Set([...getters, ...(own?.keys() ?? [])])) {
      if (found.has(key) || hidden.has(key)) continue;
      const expression = own?.get(key);
      if (expression === undefined) hidden.add(key);
      else found.set(key, expression);
    }
  }
  return found;
}

/** The hybrids `cls` itself declares (its own decorator metadata), if any. */
function ownHybrids(cls: Function): Map<string, HybridExpression> | undefined {
  const key = (Symbol as { metadata?: symbol }).metadata;
  if (key === undefined || !Object.hasOwn(cls, key)) return undefined;
  const metadata = (cls as unknown as Record<symbol, WithHybrids | null | undefined>)[key];
  return metadata != null && Object.hasOwn(metadata, HYBRIDS) ? metadata[HYBRIDS] : undefined;
}

/**
 * `columns` with each hybrid of `cls` added, as its expression on them under its own key: what
 * `columnsOf(Model).fullName` is, in conditions, ORDER BY and select lists. The expressions read
 * `given`: the same columns, refusing a name that is none with a clear error (column-guard.ts).
 */
export function withHybrids(cls: Function, modelName: string, columns: FromSource["c"], given: FromSource["c"] = columns): FromSource["c"] {
  const hybrids = hybridsOf(cls);
  if (hybrids.size === 0) return columns;
  const all: Record<string, unknown> = { ...columns };
  for (const [key, expression] of hybrids) {
    if (Object.hasOwn(columns, key)) throw new ArgumentError(`@hybrid on ${modelName}.${key}: ${key} is also a mapped column; give the getter another name.`);
    let sql: Expression<unknown>;
    try {
      sql = expression(given);
    } catch (error) {
      throw new ArgumentError(`@hybrid on ${modelName}.${key}: its SQL expression failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    all[key] = new Labeled(key, sql.node, sql.type);
  }
  return all as FromSource["c"];
}

/** The keys `withHybrids` adds for `cls`: expressions, never written (`FromSource.computed`). */
export function hybridKeys(cls: Function): ReadonlySet<string> | undefined {
  const hybrids = hybridsOf(cls);
  return hybrids.size === 0 ? undefined : new Set(hybrids.keys());
}
