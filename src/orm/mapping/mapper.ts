/**
 * A mapper links a class to a table: which attribute is which column, and which attributes are
 * relationships. Created by `@model` (declarative) or `registry.mapImperatively` (imperative).
 */
import { ArgumentError } from "../../core/errors.js";
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { columnImpl, generatedColumnImpl, mutableColumnImpl, relationshipImpl, type AttributeSlot } from "../state/attributes.js";
import { writeOnlyImpl } from "../state/write-only.js";
import { mutableKindOf, type MutableKind } from "../state/mutable-values.js";
import { attachState, InstanceState } from "../state/instance-state.js";
import { definedMask, dictMaker, keysClearer, type DefinedMask, type DictMaker, type KeysClearer } from "../state/dict-shape.js";
import type { CascadeOption } from "./cascade.js";
import type { ModelEvents } from "./model-events.js";
import type { Inheritance } from "./inheritance.js";
import { ColumnPlans, type ColumnPlan } from "./column-plan.js";
import type { Registry } from "./registry.js";
import { RelationshipProperty } from "./relationship.js";
import type { ClassRef, RelationshipSpec } from "./relationship-spec.js";
import { checkPropertyKeys, mapperProperties, type ColumnProperty } from "./column-properties.js";
import { columnPropertyImpl } from "../state/column-property-impl.js";

const NO_VALUES: readonly unknown[] = [];

/** A column and the attribute that maps it. */
export interface MappedColumn {
  readonly column: Column;
  readonly attr: string;
}

/** A column mapped as deferred: not loaded by a plain query; `raiseLoad` refuses `lazy(obj).key` too. */
export interface DeferredColumn {
  readonly raiseLoad: boolean;
}

/** How one class maps onto its table: columns, primary key, relationships. Read it with `inspect(cls)` or `registry.mapperFor(cls)`. */
export class Mapper<T extends object = object> {
  /** Attribute key -> column. */
  readonly columns!: ReadonlyMap<string, Column>;
  /** Attribute key -> relationship. */
  readonly relationships: ReadonlyMap<string, RelationshipProperty>;
  /**
   * @internal The column attributes that expire on commit: all but the primary key, which is the object's
   * identity and stays readable. Shared, frozen, by every fully expired object of this mapper.
   * A field, not a lazy getter: commit reads it once per object.
   */
  readonly expirableColumns!: ReadonlySet<string>;
  /** @internal Every relationship, as a list: walked once per object by commit, expiry and flush. */
  readonly relationshipList: readonly RelationshipProperty[];
  /** @internal The relationships that hold a list (one-to-many, many-to-many). */
  readonly collectionRelationships: readonly RelationshipProperty[];
  /** @internal Every column with its attribute, in the table's column order (the order of INSERT columns). */
  readonly tableColumns!: readonly MappedColumn[];
  /** @internal The attributes of the primary-key columns, in key order: what an identity key is made of. */
  readonly keyAttributes!: readonly string[];
  /** @internal The single-column key the database generates (autoincrement), which an INSERT reads back. */
  readonly generatedKey!: MappedColumn | undefined;
  /**
   * @internal Column attributes whose values can change in place (JSON, dates, bytes), which a flush
   * compares with what they were when read (`state/mutable-values.ts`). Mostly none.
   */
  readonly mutableColumns!: readonly { readonly attr: string; readonly kind: MutableKind }[];
  /** @internal Column attributes with a server default or generated: what an INSERT that omits them must read back. */
  readonly serverDefaulted!: readonly string[];
  /** @internal Generated column attributes (`.generatedAs()`): never written, and read back after every write. */
  readonly generatedColumns!: readonly string[];
  /** The keys of an object's dict: the column attributes (in `columns` order), then the relationships. */
  readonly attributeKeys!: readonly string[];
  /**
   * @internal Which columns an object's dict gives (not undefined), as bits in `tableColumns` order: what
   * groups the rows of an INSERT. Undefined past 30 columns.
   */
  readonly givenColumnsMask!: DefinedMask | undefined;
  /** @internal Sets every relationship of a dict to undefined (not loaded): what expiring an object does to them. */
  readonly unloadRelationships: KeysClearer;
  /**
   * @internal Column properties (`@columnProperty`): read-only attributes whose value is a SQL expression,
   * loaded with the object. Column keys to the plans (after the columns), never written.
   */
  readonly columnProperties: ReadonlyMap<string, ColumnProperty>;
  /** @internal The keys of `columnProperties`: expired after every write of the row. */
  readonly propertyKeys: readonly string[];
  /** Column attributes (and column properties) mapped as deferred (`@column(..., { deferred: true })`): left out of a plain query. */
  readonly deferred!: ReadonlyMap<string, DeferredColumn>;
  /** @internal What a query loads when its options say nothing: every column but the deferred ones. */
  readonly defaultLoad!: ColumnPlan;
  /** @internal The plans of this mapper, interned (see `column-plan.ts`). */
  readonly columnPlans!: ColumnPlans;
  /**
   * @internal Whether the flush reads server defaults and generated columns back by RETURNING
   * (`@model({ eagerDefaults })`, read-back.ts); else they expire after the write.
   */
  eagerDefaults = true;
  /** @internal Validators and lifecycle hooks (model-events.ts); undefined when the model has none, all the hot paths test. */
  events: ModelEvents | undefined = undefined;
  private readonly emptyDict!: DictMaker;
  /** A plain function with the class's prototype: its instances are the class's objects, made without its constructor. */
  private readonly blank: new () => object;
  /**
   * An object of this mapper, made as hydration makes one (with its state and an empty dict),
   * never handed out: it keeps their hidden classes alive. V8 keeps an object shape only while
   * some object has it, and throws away the optimized code that depends on it when a full
   * collection finds none. Sessions come and go (a server between requests), so without this the
   * shapes would die with a session's last object, and the next request's loads would run
   * deoptimized until compiled again: a median of 18 deoptimizations per cold select-in round, 2 with it.
   */
  private shapeKeeper!: object;
  private readonly attributeByColumn = new Map<Column, string>();
  /**
   * @internal The mapper's place in an inheritance hierarchy, single-table or joined-table (inheritance.ts), set by `@model`;
   * undefined for a model without one, which is what the hot paths check, once per query or flush.
   */
  inheritance: Inheritance | undefined = undefined;

  constructor(
    readonly registry: Registry,
    readonly class_: ClassRef & (abstract new (...args: any[]) => T),
    /** The model's name in the registry: its class name unless given. */
    readonly name: string,
    /** The Core table the class is mapped onto: for `select(...)` over its columns, DDL, joins. */
    readonly table: Table,
    columns: ReadonlyMap<string, Column>,
    relationships: ReadonlyMap<string, RelationshipSpec>,
    /** @internal */ readonly slots: ReadonlyMap<string, AttributeSlot>,
    /** `file:line` of the model's definition, for error messages and tools. */
    readonly definedAt: string | undefined,
    /** The integer attribute used for optimistic locking, if any. */
    readonly versionAttribute?: string,
    /**
     * @internal Whether plain fields of the class can hide its mapped accessors (imperative mapping: a
     * class field is an own property, in front of the prototype's accessor).
     */
    readonly fieldsMayHideAttributes = false,
    deferred: ReadonlyMap<string, DeferredColumn> = new Map(),
    /**
     * The mapper of the superclass, in a single-table inheritance hierarchy (inheritance.ts): its
     * relationships are this one's too (the same objects), and `slots` holds only this class's own.
     */
    inheritsFrom?: Mapper,
  ) {
    this.relationships = new Map([
      ...(inheritsFrom?.relationships ?? []),
      ...[...relationships].map(([key, spec]) => [key, new RelationshipProperty(this, key, spec)] as const),
    ]);
    this.relationshipList = [...this.relationships.values()];
    this.collectionRelationships = this.relationshipList.filter((rel) => rel.collection);
    this.blank = blankConstructor(class_.prototype as object);
    this.columnProperties = mapperProperties(slots, inheritsFrom);
    this.propertyKeys = [...this.columnProperties.keys()];
    this.mapColumns(columns, deferred);
    this.unloadRelationships = keysClearer([...this.relationships.keys()]);
    for (const [key, slot] of slots) {
      const rel = this.relationships.get(key);
      const mutable = this.mutableColumns.find((c) => c.attr === key);
      const generated = this.generatedColumns.includes(key);
      slot.impl = rel?.writeOnly ? writeOnlyImpl(this, key) : rel ? relationshipImpl(this, key) : this.columnProperties.has(key) ? columnPropertyImpl(this, key) : generated ? generatedColumnImpl(this, key) : mutable ? mutableColumnImpl(this, key, mutable.kind) : columnImpl(this, key);
    }
  }

  /** The primary key of the rows: its table's, or under joined-table inheritance its root's table's. */
  readonly primaryKey!: readonly Column[];

  /**
   * @internal An object of the mapped class made without running its constructor (hydration, merge): an
   * instance of a plain function whose prototype is the class's. V8 sizes such objects to what
   * they hold (the state slot: 35 bytes each), where `Object.create` gives each room for four
   * properties (56 bytes); `instanceof`, `constructor` and the prototype are the class's.
   */
  newInstance(): T {
    return new this.blank() as T;
  }

  /** @internal A dict of this mapper's shape with every attribute undefined: the state of a new object. */
  newDict(): Record<string, unknown> {
    return this.emptyDict(NO_VALUES);
  }

  /**
   * @internal Maps columns added to the table after this mapper was made: those a subclass declared later
   * in its single-table inheritance hierarchy adds (inheritance.ts). Every mapper of a hierarchy
   * maps every column of the shared table, so that all read and write its rows alike.
   */
  mapAddedColumns(added: ReadonlyMap<string, Column>, deferred: ReadonlyMap<string, DeferredColumn>): void {
    this.mapColumns(new Map([...this.columns, ...added]), new Map([...this.deferred, ...deferred]));
  }

  /**
   * @internal Joined-table inheritance: the key columns of a subclass's table (`table`) name this mapper's
   * key attributes too, so that a foreign key referencing them (`reports.manager_id -> managers.id`)
   * reads and copies the object's key.
   */
  mapKeyColumns(table: Table): void {
    table.primaryKey.forEach((column, i) => this.attributeByColumn.set(column, this.keyAttributes[i]!));
  }

  /**
   * What the session and the flush read per object, computed once here: fields, not lazy getters
   * (a getter whose lazy branch has a callback using `this` makes V8 allocate a context on every
   * call, which a flush of 32,000 objects pays 32,000 times).
   */
  private mapColumns(columns: ReadonlyMap<string, Column>, deferred: ReadonlyMap<string, DeferredColumn>): void {
    for (const [key, column] of columns) this.attributeByColumn.set(column, key);
    const attributeOf = (column: Column) => this.attributeByColumn.get(column)!;
    // Joined-table inheritance maps columns of several tables, the root's first: its key is the rows' key.
    const mapped = new Set(columns.values());
    const tables = [...new Set([...mapped].map((c) => c.table))];
    const table = tables[0] ?? this.table;
    const pk = table.primaryKey;
    const keyAttributes = pk.map(attributeOf);
    const identity = new Set(keyAttributes);
    for (const key of deferred.keys()) {
      if (this.columnProperties.has(key)) continue; // deferred by @columnProperty (mapAddedColumns passes them back)
      if (identity.has(key) || !columns.has(key)) throw new ArgumentError(`${this.name}.${key}: ${identity.has(key) ? "a primary-key column is the object's identity and cannot be deferred" : "only a column attribute can be deferred"}.`);
    }
    const tableColumns =
      tables.length > 1
        ? tables.flatMap((t) => t.columnList.filter((c) => mapped.has(c)).map((column) => ({ column, attr: attributeOf(column) })))
        : table.columnList.map((column) => ({ column, attr: attributeOf(column) }));
    checkPropertyKeys(this, columns);
    // Column properties are column keys to the plans and the dict, after the columns (entity.ts selects them so).
    const loadable = [...columns.keys(), ...this.propertyKeys];
    for (const [key, property] of this.columnProperties) if (property.deferred) deferred = new Map([...deferred, [key, { raiseLoad: property.raiseLoad }]]);
    const columnPlans = new ColumnPlans(loadable);
    const attributeKeys = [...loadable, ...this.relationships.keys()];
    // Object.assign: the fields are readonly to everyone else, and set here by the constructor and by mapAddedColumns.
    Object.assign(this, {
      columns,
      deferred,
      keyAttributes,
      primaryKey: pk,
      tableColumns,
      generatedKey: pk.length === 1 && pk[0]!.autoincrement ? { column: pk[0]!, attr: attributeOf(pk[0]!) } : undefined,
      serverDefaulted: [...columns].filter(([, c]) => c.serverDefault !== undefined || c.generated !== undefined).map(([attr]) => attr),
      generatedColumns: [...columns].filter(([, c]) => c.generated !== undefined).map(([attr]) => attr),
      mutableColumns: [...columns].flatMap(([attr, column]) => {
        const kind = mutableKindOf(column.type);
        return kind === undefined ? [] : [{ attr, kind }];
      }),
      columnPlans,
      defaultLoad: columnPlans.plan(new Set(loadable.filter((k) => !deferred.has(k)))),
      expirableColumns: Object.freeze(new Set(loadable.filter((k) => !identity.has(k)))),
      attributeKeys,
      emptyDict: dictMaker(attributeKeys, 0, 0),
      givenColumnsMask: tableColumns.length <= 30 ? definedMask(tableColumns.map((c) => c.attr)) : undefined,
    });
    this.shapeKeeper = this.newInstance() as object;
    attachState(this.shapeKeeper, new InstanceState(this, this.newDict()));
  }

  /**
   * @internal The relationships a flush writes (viewonly ones excluded): many-to-one and one-to-many, whose
   * keys it copies, and the collections whose members it writes (one-to-many, and many-to-many
   * but the views over association objects), whose lists it then marks committed. Only after
   * configuration, when every relationship knows its direction.
   */
  get flushedRelationships(): {
    readonly manyToOne: readonly RelationshipProperty[];
    readonly oneToMany: readonly RelationshipProperty[];
    readonly collections: readonly RelationshipProperty[];
    /**
     * Collections whose every member is appended by the in-memory events (a back-reference
     * keeps them), so that a new object's list never read holds nothing: after its insert, it
     * is an empty list rather than one to load. Views made from association objects excluded.
     */
    readonly knownWhenNew: readonly RelationshipProperty[];
    /**
     * Relationships whose members the flush writes rows or links for (one-to-many lists and
     * one-to-ones, plain many-to-many lists), and of those the ones that do not cascade
     * save-update: their members may be outside the session (see `outside-members.ts`).
     */
    readonly holding: readonly RelationshipProperty[];
    readonly holdingUncascaded: readonly RelationshipProperty[];
  } {
    if (!this.flushedRelationshipLists) {
      const written = [...this.relationships.values()].filter((rel) => !rel.viewonly);
      const holding = written.filter((rel) => rel.associationView === undefined && (rel.collection || rel.resolved.direction === "oneToMany"));
      this.flushedRelationshipLists = {
        manyToOne: written.filter((rel) => rel.resolved.direction === "manyToOne"),
        oneToMany: written.filter((rel) => rel.resolved.direction === "oneToMany"),
        collections: written.filter((rel) => rel.collection && rel.associationView === undefined),
        knownWhenNew: written.filter(
          (rel) => rel.collection && !rel.writeOnly && rel.backRef !== undefined && !rel.backRef.viewonly && rel.associationView?.derivedFrom === undefined,
        ),
        holding,
        holdingUncascaded: holding.filter((rel) => !rel.cascades("save-update")),
      };
    }
    return this.flushedRelationshipLists;
  }
  private flushedRelationshipLists: Mapper["flushedRelationships"] | undefined;

  /** @internal The relationships (viewonly ones excluded) that session operations of `kind` cascade along. */
  relationshipsCascading(kind: CascadeOption): readonly RelationshipProperty[] {
    // Save-update is asked for every object added: a field, not a lookup.
    if (kind === "save-update") return (this.cascadingSaveUpdate ??= cascadingAlong(this.relationshipList, kind));
    let list = this.cascadingByKind.get(kind);
    if (!list) this.cascadingByKind.set(kind, (list = cascadingAlong(this.relationshipList, kind)));
    return list;
  }
  private readonly cascadingByKind = new Map<CascadeOption, readonly RelationshipProperty[]>();
  private cascadingSaveUpdate: readonly RelationshipProperty[] | undefined;

  /**
   * The attribute that maps `column`, if this mapper maps it.
   *
   * ```ts
   * const mapper = Base.registry.mapperFor(Post);
   * mapper.attributeFor(mapper.table.columnByName("author_id")!); // "authorId"
   * ```
   */
  attributeFor(column: Column): string | undefined {
    return this.attributeByColumn.get(column);
  }

  /** @internal Whether `key` is loaded as a column: a column attribute or a column property. */
  loadsColumn(key: string): boolean {
    return this.columns.has(key) || this.columnProperties.has(key);
  }

  /** `Mapper[User(users)]`, for messages. */
  toString(): string {
    return `Mapper[${this.name}(${this.table.name})]`;
  }
}

/** Outside the method, whose every call would otherwise allocate a context for the callback's `kind`. */
function cascadingAlong(relationships: readonly RelationshipProperty[], kind: CascadeOption): RelationshipProperty[] {
  return relationships.filter((rel) => !rel.viewonly && rel.cascades(kind));
}

/** A constructor that does nothing, whose instances have `prototype` as theirs. */
function blankConstructor(prototype: object): new () => object {
  const Blank = function () {} as unknown as { new (): object; prototype: object };
  Blank.prototype = prototype;
  return Blank;
}
