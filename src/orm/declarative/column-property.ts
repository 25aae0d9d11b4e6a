/**
 * `@columnProperty(...)` on an accessor: SQLAlchemy's `column_property`. A read-only attribute
 * whose value is a SQL expression over the row's columns (or a correlated scalar subquery),
 * selected with the object by every load; `{ deferred: true }` leaves it out until asked for.
 */
import type { Expression } from "../../core/expression/expression.js";
import type { ModelColumns } from "../entity.js";
import { COLUMN_PROPERTY, declareColumnProperty, type ColumnPropertyDeclaration, type PropertyExpression } from "../mapping/column-properties.js";
import { refuseLegacyCall } from "./legacy-decorators.js";
import { declareField } from "./decorators.js";
import { ArgumentError } from "../../core/errors.js";
import type { AttributeImpl } from "../state/attributes.js";
import { mapperOfClass } from "../mapped.js";

/** Options of `@columnProperty(expression, options)`. */
export interface ColumnPropertyOptions {
  /**
   * Left out of a plain query (as a deferred column): loaded by `undefer(Model, "key")` in a
   * query, `await session.load(obj, "key")` or `await lazy(obj).key`; read before, it raises
   * `UnloadedAttributeError`. For an expensive expression read rarely (a count of other rows).
   */
  readonly deferred?: boolean;
  /** With `deferred`: `await lazy(obj).key` refuses to load it too. */
  readonly raiseLoad?: boolean;
}

/**
 * A read-only attribute computed by the database: `expression(columnsOf(Model))`, selected with
 * the object by `get`, `scalars(select(Model))`, eager loads, `refresh` and reloads after expiry,
 * and usable in queries as `columnsOf(Model).key`. Assigning it raises `ReadOnlyAttributeError`;
 * a flush that writes the row expires it. Its type must be the expression's (checked by the compiler).
 *
 * ```ts
 * @model("people")
 * class Person extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(string(50).notNull()) accessor first!: string;
 *   @column(string(50).notNull()) accessor last!: string;
 *   @columnProperty((c) => c.first.concat(" ").concat(c.last)) accessor fullName!: string;
 * }
 * const ada = await session.get(Person, 1); // SELECT ..., people.first || ? || people.last AS "fullName" ...
 * const sorted = await session.scalars(select(Person).orderBy(columnsOf(Person).fullName));
 * ```
 *
 * An imperatively mapped class takes the same call in `properties` (its type arguments given, as
 * there is no accessor to infer them from):
 *
 * ```ts
 * const registry = new Registry();
 * const people = table("people", registry.metadata, { id: integer().primaryKey(), first: string(50).notNull(), last: string(50).notNull() });
 * class Person { declare id: number; declare first: string; declare last: string; declare fullName: string; }
 * registry.mapImperatively(Person, people, {
 *   properties: { fullName: columnProperty<Person, string>((c) => c.first.concat(" ").concat(c.last)) },
 * });
 * ```
 */
export function columnProperty<This extends object, V>(
  expression: (columns: ModelColumns<This>) => Expression<NoInfer<V>>,
  options?: ColumnPropertyOptions,
): ColumnPropertyDeclaration<This, V> {
  const property = { expression: expression as unknown as PropertyExpression, deferred: options?.deferred === true, raiseLoad: options?.raiseLoad === true };
  const decorator = (target: ClassAccessorDecoratorTarget<This, V>, context: ClassAccessorDecoratorContext<This, V>): ClassAccessorDecoratorResult<This, V> => {
    refuseLegacyCall("@columnProperty", target, context);
    return declareField(context, (slot) => {
      declareColumnProperty(slot, property);
      // Until (unless) @model maps the class: no rows, so no value to read.
      slot.impl = unmappedProperty(slot.key);
      return { kind: "property", slot };
    }, target);
  };
  return Object.assign(decorator, { [COLUMN_PROPERTY]: property });
}

/** A column property of a class that is not mapped: read or assigned, an error naming the fix. */
function unmappedProperty(key: string): AttributeImpl {
  const refuse = (obj: object): never => {
    const name = obj.constructor.name;
    // Mapped, but not by @model (mapImperatively reads no decorators): the property was never mapped.
    if (mapperOfClass(obj.constructor as new () => object) !== undefined) {
      throw new ArgumentError(
        `@columnProperty on ${name}.${key}: registry.mapImperatively() reads no decorators. ` +
          `Give it in the mapping instead: mapImperatively(${name}, table, { properties: { ${key}: columnProperty(...) } }), or map ${name} with @model.`,
      );
    }
    throw new ArgumentError(`@columnProperty on ${name}.${key}: ${name} is not mapped, so it has no rows to compute ${key} from: decorate it with @model(...).`);
  };
  return { get: refuse, set: (obj, value) => (value === undefined ? undefined : refuse(obj)) };
}
