/**
 * `@hybrid(...)` on a getter: SQLAlchemy's `hybrid_property`. On an object the getter runs as
 * written; in a query, `columnsOf(Model).<name>` is the SQL expression given, built from the
 * model's columns (or an alias's), so one definition serves both. The compiler checks that the
 * expression's type is the getter's.
 */
import { ArgumentError } from "../../core/errors.js";
import type { Expression } from "../../core/expression/expression.js";
import type { ModelColumns } from "../entity.js";
import { declareHybrid, type HybridExpression } from "../mapping/hybrids.js";
import { refuseLegacyCall } from "./legacy-decorators.js";

/**
 * A getter with a SQL form for queries: `columnsOf(User).fullName` is `expression(columnsOf(User))`,
 * labelled `fullName`, usable in `where`, `orderBy` and select lists, while `user.fullName` runs
 * the getter. A subclass inherits it; an `aliased(User)` builds it on the alias's columns.
 *
 * ```ts
 * @model("people")
 * class Person extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(string(50).notNull()) accessor first!: string;
 *   @column(string(50).notNull()) accessor last!: string;
 *
 *   @hybrid((c) => c.first.concat(" ").concat(c.last))
 *   get fullName(): string {
 *     return `${this.first} ${this.last}`;
 *   }
 * }
 * const found = await session.scalars(select(Person).where(columnsOf(Person).fullName.eq("Ada Lovelace")));
 * ```
 */
export function hybrid<This extends object, V>(
  expression: (columns: ModelColumns<This>) => Expression<V>,
): (getter: (this: This) => V, context: ClassGetterDecoratorContext<This, V>) => void {
  return (getter, context) => {
    refuseLegacyCall("@hybrid", getter, context);
    const name = String(context.name);
    if (context.kind !== "getter" || context.static || context.private) {
      throw new ArgumentError(`@hybrid on ${name}: it decorates an instance getter (get ${name}() { ... }) that is public.`);
    }
    if (!context.metadata) throw new ArgumentError(`@hybrid on ${name}: decorator metadata is missing: compile with standard decorators (TypeScript 5.2+ without experimentalDecorators).`);
    declareHybrid(context.metadata, name, expression as unknown as HybridExpression);
  };
}
