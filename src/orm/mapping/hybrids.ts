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

/** The hybrids of `cls` and of its superclasses, a subclass's own winning. */
export function hybridsOf(cls: Function): ReadonlyMap<string, HybridExpression> {
  const found = new Map<string, HybridExpression>();
  for (let metadata: WithHybrids | null = metadataOf(cls); metadata !== null; metadata = Object.getPrototypeOf(metadata) as WithHybrids | null) {
    if (!Object.hasOwn(metadata, HYBRIDS)) continue;
    for (const [key, expression] of metadata[HYBRIDS]!) if (!found.has(key)) found.set(key, expression);
  }
  return found;
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

function metadataOf(cls: Function): WithHybrids | null {
  const key = (Symbol as { metadata?: symbol }).metadata;
  return key === undefined ? null : ((cls as unknown as Record<symbol, WithHybrids | undefined>)[key] ?? null);
}
