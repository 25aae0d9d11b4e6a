/**
 * A mapper links a class to a table: which attribute is which column, and which attributes are
 * relationships. Created by `@model` (declarative) or `registry.mapImperatively` (imperative).
 */
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import { columnImpl, relationshipImpl, type AttributeSlot } from "../state/attributes.js";
import { dictMaker } from "../state/dict-shape.js";
import type { CascadeOption } from "./cascade.js";
import type { Registry } from "./registry.js";
import { RelationshipProperty } from "./relationship.js";
import type { ClassRef, RelationshipSpec } from "./relationship-spec.js";

/** A column and the attribute that maps it. */
export interface MappedColumn {
  readonly column: Column;
  readonly attr: string;
}

/** The mapper of a mapped class, stored on the class itself. */
export const MAPPER: unique symbol = Symbol.for("athanor.mapper") as never;

export class Mapper<T extends object = object> {
  /** Attribute key -> column. */
  readonly columns: ReadonlyMap<string, Column>;
  /** Attribute key -> relationship. */
  readonly relationships: ReadonlyMap<string, RelationshipProperty>;
  private readonly attributeByColumn = new Map<Column, string>();

  constructor(
    readonly registry: Registry,
    readonly class_: ClassRef & (abstract new (...args: any[]) => T),
    /** The model's name in the registry: its class name unless given. */
    readonly name: string,
    readonly table: Table,
    columns: ReadonlyMap<string, Column>,
    relationships: ReadonlyMap<string, RelationshipSpec>,
    readonly slots: ReadonlyMap<string, AttributeSlot>,
    /** `file:line` of the model's definition, for error messages and tools. */
    readonly definedAt: string | undefined,
    /** The integer attribute used for optimistic locking, if any. */
    readonly versionAttribute?: string,
  ) {
    this.columns = columns;
    for (const [key, column] of columns) this.attributeByColumn.set(column, key);
    this.relationships = new Map([...relationships].map(([key, spec]) => [key, new RelationshipProperty(this, key, spec)]));
    for (const [key, slot] of slots) {
      const rel = relationships.get(key);
      slot.impl = rel ? relationshipImpl(this, key) : columnImpl(this, key);
    }
  }

  get primaryKey(): readonly Column[] {
    return this.table.primaryKey;
  }

  /**
   * The column attributes that expire on commit: all but the primary key, which is the object's
   * identity and stays readable. Shared, frozen, by every fully expired object of this mapper.
   */
  get expirableColumns(): ReadonlySet<string> {
    if (!this.expirable) {
      const identity = new Set(this.primaryKey.map((c) => this.attributeFor(c)));
      this.expirable = Object.freeze(new Set([...this.columns.keys()].filter((k) => !identity.has(k))));
    }
    return this.expirable;
  }
  private expirable: ReadonlySet<string> | undefined;

  /** Column attributes with a server default: what an INSERT that omits them must read back. */
  get serverDefaulted(): readonly string[] {
    return (this.serverDefaultedAttrs ??= [...this.columns].filter(([, c]) => c.serverDefault !== undefined).map(([attr]) => attr));
  }
  private serverDefaultedAttrs: readonly string[] | undefined;

  /** Every column with its attribute, in the table's column order (the order of INSERT columns). */
  get tableColumns(): readonly MappedColumn[] {
    return (this.tableColumnList ??= this.table.columnList.map((column) => ({ column, attr: this.attributeFor(column)! })));
  }
  private tableColumnList: readonly MappedColumn[] | undefined;

  /** The attributes of the primary-key columns, in key order: what an identity key is made of. */
  get keyAttributes(): readonly string[] {
    return (this.keyAttributeList ??= this.primaryKey.map((c) => this.attributeFor(c)!));
  }
  private keyAttributeList: readonly string[] | undefined;

  /** The single-column key the database generates (autoincrement), which an INSERT reads back. */
  get generatedKey(): MappedColumn | undefined {
    if (this.generatedKeyColumn === undefined) {
      const pk = this.primaryKey;
      this.generatedKeyColumn = pk.length === 1 && pk[0]!.autoincrement ? { column: pk[0]!, attr: this.attributeFor(pk[0]!)! } : null;
    }
    return this.generatedKeyColumn ?? undefined;
  }
  private generatedKeyColumn: MappedColumn | null | undefined;

  /** The keys of an object's dict: the column attributes (in `columns` order), then the relationships. */
  get attributeKeys(): readonly string[] {
    return (this.attributeKeyList ??= [...this.columns.keys(), ...this.relationships.keys()]);
  }
  private attributeKeyList: readonly string[] | undefined;

  /** A dict of this mapper's shape with every attribute undefined: the state of a new object. */
  newDict(): Record<string, unknown> {
    if (!this.emptyDict) {
      const keys = this.attributeKeys;
      // Every value read from an array of undefined: V8 makes a literal of constants alone
      // through a slower path (measured: 15x the time of one that reads its values).
      const undefineds = new Array<unknown>(keys.length).fill(undefined);
      const make = dictMaker(keys, keys.length, 0);
      this.emptyDict = () => make(undefineds);
    }
    return this.emptyDict();
  }
  private emptyDict: (() => Record<string, unknown>) | undefined;

  /** Every relationship, as a list: walked once per object by commit, expiry and flush. */
  get relationshipList(): readonly RelationshipProperty[] {
    return (this.relationshipArray ??= [...this.relationships.values()]);
  }
  private relationshipArray: readonly RelationshipProperty[] | undefined;

  /** The relationships that hold a list (one-to-many, many-to-many). */
  get collectionRelationships(): readonly RelationshipProperty[] {
    return (this.collectionArray ??= this.relationshipList.filter((rel) => rel.collection));
  }
  private collectionArray: readonly RelationshipProperty[] | undefined;

  /**
   * The relationships whose keys a flush copies (viewonly ones excluded), by direction. Only
   * after configuration, when every relationship knows its direction.
   */
  get flushedRelationships(): { readonly manyToOne: readonly RelationshipProperty[]; readonly oneToMany: readonly RelationshipProperty[] } {
    if (!this.flushedRelationshipLists) {
      const written = [...this.relationships.values()].filter((rel) => !rel.viewonly);
      this.flushedRelationshipLists = {
        manyToOne: written.filter((rel) => rel.resolved.direction === "manyToOne"),
        oneToMany: written.filter((rel) => rel.resolved.direction === "oneToMany"),
      };
    }
    return this.flushedRelationshipLists;
  }
  private flushedRelationshipLists: Mapper["flushedRelationships"] | undefined;

  /** The relationships (viewonly ones excluded) that session operations of `kind` cascade along. */
  relationshipsCascading(kind: CascadeOption): readonly RelationshipProperty[] {
    let list = this.cascadingByKind.get(kind);
    if (!list) this.cascadingByKind.set(kind, (list = [...this.relationships.values()].filter((rel) => !rel.viewonly && rel.cascades(kind))));
    return list;
  }
  private readonly cascadingByKind = new Map<CascadeOption, readonly RelationshipProperty[]>();

  /** The attribute that maps `column`, if this mapper maps it. */
  attributeFor(column: Column): string | undefined {
    return this.attributeByColumn.get(column);
  }

  toString(): string {
    return `Mapper[${this.name}(${this.table.name})]`;
  }
}
