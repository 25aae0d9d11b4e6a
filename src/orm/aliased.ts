/**
 * `aliased(Category, "parent_category")`: a model under another name in one query, SQLAlchemy's
 * `aliased()`. It selects, joins and filters as the model does, from `categories AS
 * parent_category`, so that one query can name a table twice (a self-join: each category with
 * its parent). Its rows are the model's objects, from the same identity map.
 *
 * ```ts
 * const ParentCategory = aliased(Category, "parent_category"); // Category as the parent in a self-join
 * const c = columnsOf(Category), p = columnsOf(ParentCategory);
 * const rows = await session.execute(select(Category, ParentCategory).join(ParentCategory, c.parentId.eq(p.id)));
 * ```
 */
import { ArgumentError } from "../core/errors.js";
import { modelSource } from "./entity.js";
import { UnmappedClassError } from "./errors.js";
import { ALIAS_SOURCE, MAPPER, mapperOfClass } from "./mapped.js";

/** What `aliased(Model, name)` gives: it stands for `Model` in `select`, `join`, `columnsOf` and loader options. */
export type AliasedModel<T extends object> = abstract new (...args: any[]) => T;

/**
 * `Model` under the SQL name `name` in a query, to use the same model twice (a self-join). Throws
 * for an unmapped class or a name that is not an SQL identifier.
 *
 * ```ts
 * const Parent = aliased(Category, "parent_category");
 * const c = columnsOf(Category), p = columnsOf(Parent);
 * const pairs = await session.execute(select(Category, Parent).join(Parent, c.parentId.eq(p.id))); // [Category, Category][]
 * ```
 */
export function aliased<T extends object>(model: abstract new (...args: any[]) => T, name: string): AliasedModel<T> {
  const mapper = mapperOfClass(model);
  if (!mapper) throw new UnmappedClassError(`aliased(${model?.name ?? String(model)}, ...): the class is not mapped.`);
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ArgumentError(`aliased(${mapper.name}, ${JSON.stringify(name)}): the alias must be an SQL name (letters, digits and _).`);
  }
  mapper.registry.configure();
  const source = modelSource(mapper, name);
  // A function, as a model is: the Core takes it for an entity. Never called: its objects are the model's.
  const stand = function () {
    throw new ArgumentError(`${mapper.name} AS ${name} is an alias for queries; make objects with new ${mapper.name}().`);
  };
  Object.defineProperties(stand, {
    name: { value: `${mapper.name} AS ${name}` },
    prototype: { value: model.prototype },
    [MAPPER]: { value: mapper },
    [ALIAS_SOURCE]: { value: source },
  });
  return stand as unknown as AliasedModel<T>;
}
