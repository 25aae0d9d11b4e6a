/**
 * The declarative decorators (standard TC39 decorators; no reflect-metadata): `@model` on a class,
 * `@column` and the relationship decorators on its attributes (each with an example below).
 *
 * Attributes are `accessor` fields: under ES2022 class-field semantics a plain field would be an
 * own property of every instance and hide what the ORM installs. Field decorators record what
 * they declare in the class's decorator metadata; `@model`, which runs after them, builds the
 * table and the mapper from it. Nothing here looks at other models: that waits for configure.
 */
import { ArgumentError } from "../../core/errors.js";
import type { AnyColumnBuilder } from "../../core/schema/column-builder.js";
import { Table } from "../../core/schema/table.js";
import { Mapper, type DeferredColumn } from "../mapping/mapper.js";
import { callerLocation, type Registry } from "../mapping/registry.js";
import type { ClassRef, RelationshipOptions, RelationshipSpec } from "../mapping/relationship-spec.js";
import { unmappedImpl, type AttributeSlot } from "../state/attributes.js";
import type {
  CheckedColumnResult,
  CheckedRelationshipResult,
  RelationshipKind,
  TargetRef,
} from "../typing/checks.js";
import type { DeclarativeBase } from "./declarative-base.js";
import { refuseLegacyCall } from "./legacy-decorators.js";
import { declaredEvents } from "./event-decorators.js";
import { checkInheritedValidators, installModelEvents } from "../mapping/model-events.js";
import { checkSubclassOptions, mapSubclass, ownDeclarations } from "./single-table.js";
import { declareRoot } from "../mapping/inheritance.js";
import { mapJoinedSubclass } from "./joined-table.js";
import { mapperOfClass } from "../mapped.js";
import { refuseSubclassProperties } from "../mapping/column-properties.js";
import type { ModelOptions } from "./model-options.js";

export type { ModelOptions } from "./model-options.js";

// Decorator metadata needs `Symbol.metadata`, which Node 20 lacks: TypeScript's emit then gives
// every decorator `context.metadata === undefined`. esbuild (tsx) falls back to the registered
// symbol `Symbol.for("Symbol.metadata")`; installing that same symbol here, before any model module
// body runs (models import "athanor" first), makes tsc-compiled models work and lets classes
// compiled either way share one metadata key. A native or earlier polyfilled symbol is kept.
(Symbol as { metadata?: symbol }).metadata ??= Symbol.for("Symbol.metadata");

type FieldDeclaration =
  | { readonly kind: "column"; readonly slot: AttributeSlot; readonly builder: AnyColumnBuilder; readonly options: ColumnOptions | undefined }
  | { readonly kind: "relationship"; readonly slot: AttributeSlot; readonly spec: RelationshipSpec }
  // A column property (column-property.ts): the mapper reads it from its slot.
  | { readonly kind: "property"; readonly slot: AttributeSlot };

const FIELDS = Symbol("athanor.fields");

// The field decorators declare their context as `{ readonly name: N }`: only the attribute's name,
// which `N` is inferred from (`This` and `V` come from the target, an instance of the same generic
// interface as tsc's, so that both inferring and checking them compare type arguments only). tsc
// passes the full `ClassAccessorDecoratorContext` (declareField checks its kind). A type literal
// rather than a generic interface: one instantiation fewer per decorator call (docs/performance.md,
// session 23).

/** What `@model(...)` returns: a class decorator for a subclass of a declarative base. */
export type ModelDecorator = <C extends abstract new (...args: any[]) => DeclarativeBase>(cls: C, context: ClassDecoratorContext<C>) => void;

/**
 * Maps the class to a table, from the attributes declared with `@column` and relationship
 * decorators. Without `tableName`, the registry's naming strategy names the table after the class
 * (by default, the class name as it is); columns without `.named()` are named the same way.
 *
 * ```ts
 * @model("invoices", { version: "revision" }) // optimistic locking on the revision column
 * export class Invoice extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(numeric(12, 2).notNull()) accessor total!: Decimal;
 *   @column(integer().notNull()) accessor revision!: number;
 * }
 * ```
 */
export function model(options?: ModelOptions): ModelDecorator;
export function model(tableName: string, options?: ModelOptions): ModelDecorator;
export function model(tableNameOrOptions?: string | ModelOptions, maybeOptions?: ModelOptions): ModelDecorator {
  const given = typeof tableNameOrOptions === "string" ? tableNameOrOptions : undefined;
  const options = (typeof tableNameOrOptions === "string" ? maybeOptions : tableNameOrOptions) ?? {};
  return function (cls, context): void {
    refuseLegacyCall("@model", cls, context);
    const registry = (cls as unknown as { registry?: Registry }).registry;
    if (!registry) {
      throw new ArgumentError(`@model on ${String(context.name)}: the class must extend a declarative base (class Base extends DeclarativeBase {}).`);
    }
    const className = context.name ?? options.name;
    if (className === undefined) {
      throw new ArgumentError(`@model on an anonymous class: give the table name (@model("table")) or a model name (@model({ name })).`);
    }
    const parent = mapperOfClass(Object.getPrototypeOf(cls));
    if (parent !== undefined) checkSubclassOptions(options.name ?? className, parent, given, options as Record<string, unknown>);
    const allFields = ownFields(decoratorMetadata(context));
    const fields = parent === undefined ? allFields : ownDeclarations(options.name ?? className, parent, allFields, given !== undefined);
    const builders: Record<string, AnyColumnBuilder> = {};
    const relationships = new Map<string, RelationshipSpec>();
    const deferred = new Map<string, DeferredColumn>();
    for (const field of fields) {
      if (field.kind === "column") {
        builders[field.slot.key] = namedColumn(field.builder, field.slot.key, className, registry);
        if (field.options?.deferred) deferred.set(field.slot.key, { raiseLoad: field.options.raiseLoad === true });
      } else if (field.kind === "relationship") relationships.set(field.slot.key, field.spec);
    }
    if (parent !== undefined) {
      refuseSubclassProperties(options.name ?? className, parent, fields.map((f) => f.slot));
      const slots = new Map(fields.map((f) => [f.slot.key, f.slot] as const));
      const declaration = { name: options.name ?? className, builders, relationships, deferred, slots, definedAt: callerLocation() };
      const events = declaredEvents(decoratorMetadata(context));
      checkInheritedValidators(declaration.name, parent, events);
      const mapper =
        given === undefined
          ? mapSubclass(registry, cls as unknown as ClassRef, parent, options.polymorphicIdentity, declaration)
          : mapJoinedSubclass(registry, cls as unknown as ClassRef, parent, options.polymorphicIdentity, declaration, given, options);
      installModelEvents(mapper, events);
      return;
    }
    if (options.polymorphicIdentity !== undefined && options.polymorphicOn === undefined) {
      throw new ArgumentError(`@model on ${options.name ?? className}: polymorphicIdentity needs polymorphicOn, the column attribute whose value it is (single-table inheritance; see docs/inheritance.md).`);
    }
    const tableName = given ?? registry.naming.tableName(className);
    const table = new Table(tableName, registry.metadata, builders, options.constraints, {
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.previousNames ? { previousNames: options.previousNames } : {}),
    });
    const columns = new Map(table.columnList.map((c) => [c.key, c] as const));
    const slots = new Map(fields.map((f) => [f.slot.key, f.slot] as const));
    const name = options.name ?? className;
    if (options.version !== undefined && !columns.has(options.version)) {
      throw new ArgumentError(`@model on ${name}: version '${options.version}' is not a column attribute.`);
    }
    const mapper = new Mapper(registry, cls as unknown as ClassRef, name, table, columns, relationships, slots, callerLocation(), options.version, false, deferred);
    if (options.eagerDefaults === false) mapper.eagerDefaults = false;
    if (options.polymorphicOn !== undefined) declareRoot(mapper, options.polymorphicOn, options.polymorphicIdentity);
    registry.register(mapper);
    installModelEvents(mapper, declaredEvents(decoratorMetadata(context)));
  };
}

/** The builder with its database name: the one given with `.named()`, else the naming strategy's. */
function namedColumn(builder: AnyColumnBuilder, attribute: string, className: string, registry: Registry): AnyColumnBuilder {
  return builder.options.name !== undefined ? builder : builder.named(registry.naming.columnName(attribute, className));
}

/** Options of `@column(builder, options)`. */
export interface ColumnOptions {
  /**
   * Deferred (SQLAlchemy's `deferred=True`): a plain query leaves the column out, and reading it
   * on a loaded object raises `UnloadedAttributeError` until `await session.load(obj, "key")` or a
   * query with `undefer(Model, "key")` loads it. For large values read rarely (a book's text).
   */
  readonly deferred?: boolean;
  /** With `deferred`: `await lazy(obj).key` refuses to load it too (SQLAlchemy's `deferred_raiseload`). */
  readonly raiseLoad?: boolean;
}

/**
 * A mapped column, declared with a column builder. The attribute's type must match the builder's
 * (a nullable column is `T | null`): the compiler checks it. With `{ deferred: true }`, it is not
 * loaded until asked for (see `ColumnOptions`).
 *
 * ```ts
 * @model("products")
 * export class Product extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(string(30).notNull()) accessor name!: string;
 *   @column(text()) accessor description!: string | null;
 *   @column(text(), { deferred: true }) accessor manual!: string | null; // loaded when asked for
 * }
 * ```
 */
export function column<B extends AnyColumnBuilder>(builder: B, options?: ColumnOptions): ColumnDecorator<B> {
  const decorator = (target: unknown, context: ClassAccessorDecoratorContext<unknown, unknown>) => {
    refuseLegacyCall("@column", target, context);
    return declareField(context, (slot) => ({ kind: "column", slot, builder, options }), target);
  };
  return decorator as unknown as ColumnDecorator<B>;
}

/**
 * The decorator `@column(builder)` returns. Its return type is the check (checks.ts): `void` when
 * the declaration is sound, else `MappingError<message>`, which tsc reports.
 */
export type ColumnDecorator<B extends AnyColumnBuilder> = <This, V, N extends string>(
  target: ClassAccessorDecoratorTarget<This, V>,
  context: { readonly name: N },
) => CheckedColumnResult<B, This, V, N>;

/**
 * The decorator a relationship factory returns; `.spec` serves imperative mapping. Its return type
 * is the check (checks.ts): `void` when the declaration is sound, else `MappingError<message>`.
 */
export interface RelationshipDecorator<Kind extends RelationshipKind, T extends TargetRef, O> {
  <This, V, N extends string>(target: ClassAccessorDecoratorTarget<This, V>, context: { readonly name: N }): CheckedRelationshipResult<Kind, T, O, This, V, N>;
  readonly spec: RelationshipSpec;
}

/**
 * Many-to-one: this table holds the foreign key. The attribute is `Target` or `Target | null`;
 * `Rel<>` names the attribute of the target that points back, and the compiler checks the pair.
 *
 * ```ts
 * declare module "athanor" {
 *   interface Models { Customer: Customer; Order: Order }
 * }
 * @model("customers")
 * export class Customer extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @oneToMany("Order", { backPopulates: "customer" }) accessor orders!: Rel<Order[], "customer">;
 * }
 *
 * @model("orders")
 * export class Order extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(integer().named("customer_id").notNull().references("customers.id")) accessor customerId!: number;
 *   @manyToOne("Customer", { backPopulates: "orders" }) accessor customer!: Rel<Customer, "orders">;
 * }
 * ```
 */
export function manyToOne<const T extends TargetRef, const O extends RelationshipOptions = {}>(target: T, options?: O) {
  return relationship<"manyToOne", T, O>("manyToOne", target, options);
}

/**
 * One-to-many: the target's table holds the foreign key. The attribute is `Target[]`.
 *
 * ```ts
 * declare module "athanor" {
 *   interface Models { Album: Album; Track: Track }
 * }
 * @model("albums")
 * export class Album extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @oneToMany("Track", { backPopulates: "album", cascade: "all, delete-orphan", orderBy: ["position"] })
 *   accessor tracks!: Rel<Track[], "album">;
 * }
 *
 * @model("tracks")
 * export class Track extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(integer().named("album_id").notNull().references("albums.id")) accessor albumId!: number;
 *   @column(integer().notNull()) accessor position!: number;
 *   @manyToOne("Album", { backPopulates: "tracks" }) accessor album!: Rel<Album, "tracks">;
 * }
 * ```
 */
export function oneToMany<const T extends TargetRef, const O extends RelationshipOptions = {}>(target: T, options?: O) {
  return relationship<"oneToMany", T, O>("oneToMany", target, options);
}

/**
 * One-to-one: the key may be on either table. The attribute is `Target | null`.
 *
 * ```ts
 * declare module "athanor" {
 *   interface Models { Person: Person; Passport: Passport }
 * }
 * @model("people")
 * export class Person extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @oneToOne("Passport", { backPopulates: "holder" }) accessor passport!: Rel<Passport | null, "holder">;
 * }
 *
 * @model("passports")
 * export class Passport extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(integer().named("holder_id").notNull().unique().references("people.id")) accessor holderId!: number;
 *   @oneToOne("Person", { backPopulates: "passport" }) accessor holder!: Rel<Person | null, "passport">;
 * }
 * ```
 */
export function oneToOne<const T extends TargetRef, const O extends RelationshipOptions = {}>(target: T, options?: O) {
  return relationship<"oneToOne", T, O>("oneToOne", target, options);
}

/**
 * Many-to-many through an association table (`secondary`). The attribute is `Target[]`.
 *
 * ```ts
 * declare module "athanor" {
 *   interface Models { Student: Student; Course: Course }
 * }
 * export const courseStudents = table("course_students", Base.metadata, {
 *   courseId: integer().named("course_id").references("courses.id").primaryKey(),
 *   studentId: integer().named("student_id").references("students.id").primaryKey(),
 * });
 *
 * @model("students")
 * export class Student extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @manyToMany("Course", { secondary: "course_students", backPopulates: "students" }) accessor courses!: Rel<Course[], "students">;
 * }
 *
 * @model("courses")
 * export class Course extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @manyToMany("Student", { secondary: "course_students", backPopulates: "courses" }) accessor students!: Rel<Student[], "courses">;
 * }
 * ```
 */
export function manyToMany<const T extends TargetRef, const O extends RelationshipOptions = {}>(target: T, options?: O) {
  return relationship<"manyToMany", T, O>("manyToMany", target, options);
}

function relationship<Kind extends RelationshipKind, T extends TargetRef, O>(
  kind: Kind,
  target: T,
  options: O | undefined,
): RelationshipDecorator<Kind, T, O> {
  const spec: RelationshipSpec = Object.freeze({
    kind,
    target: target as string | (() => ClassRef),
    options: Object.freeze({ ...(options as RelationshipOptions | undefined) }),
  });
  const decorator = (target: unknown, context: ClassAccessorDecoratorContext<unknown, unknown>) => {
    refuseLegacyCall(`@${kind}`, target, context);
    return declareField(context, (slot) => ({ kind: "relationship", slot, spec }), target);
  };
  return Object.assign(decorator, { spec }) as unknown as RelationshipDecorator<Kind, T, O>;
}

/** The getters of mapped accessors, with the kind of field each maps. */
const instrumented = new WeakMap<object, FieldDeclaration["kind"]>();

/** @internal Records the field in the class's decorator metadata and returns the instrumented accessor. */
export function declareField<This, V>(
  context: ClassAccessorDecoratorContext<This, V>,
  declaration: (slot: AttributeSlot) => FieldDeclaration,
  target?: unknown,
): ClassAccessorDecoratorResult<This, V> {
  if (context.kind !== "accessor" || context.static || context.private || typeof context.name !== "string") {
    throw new ArgumentError(`athanor decorators apply to public instance accessors: \`accessor ${String(context.name)}\`.`);
  }
  const key = context.name;
  const slot: AttributeSlot = {
    key,
    impl: unmappedImpl(key, () => {
      throw new ArgumentError(`The class of '${key}' is not mapped: decorate it with @model(...).`);
    }),
  };
  const metadata = decoratorMetadata(context) as Record<PropertyKey, unknown>;
  // Decorator metadata inherits from the superclass's: copy before adding, never mutate the parent's list.
  if (!Object.hasOwn(metadata, FIELDS)) metadata[FIELDS] = [...((metadata[FIELDS] as FieldDeclaration[] | undefined) ?? [])];
  const field = declaration(slot);
  // A second mapping decorator on the accessor receives the first's accessor: it would map it twice.
  const first = typeof target === "object" && target !== null ? instrumented.get((target as { get?: object }).get ?? target) : undefined;
  if (first !== undefined) {
    throw new ArgumentError(`'${key}' has two mapping decorators (a ${field.kind} and a ${first}); keep one per accessor, or give the other attribute its own name.`);
  }
  (metadata[FIELDS] as FieldDeclaration[]).push(field);
  const get = function (this: This): V {
    return slot.impl.get(this as object) as V;
  };
  instrumented.set(get, field.kind);
  return {
    get,
    set(this: This, value: V) {
      slot.impl.set(this as object, value);
    },
    init(this: This, value: V) {
      if (value !== undefined) slot.impl.set(this as object, value);
      return value;
    },
  };
}

function decoratorMetadata(context: { readonly metadata: DecoratorMetadataObject | undefined }): DecoratorMetadataObject {
  if (!context.metadata) {
    throw new ArgumentError(
      "Decorator metadata is missing: compile with standard decorators (TypeScript 5.2+ without experimentalDecorators, or esbuild/tsx 0.21+).",
    );
  }
  return context.metadata;
}

function ownFields(metadata: DecoratorMetadataObject): FieldDeclaration[] {
  return ((metadata as Record<PropertyKey, unknown>)[FIELDS] as FieldDeclaration[] | undefined) ?? [];
}
