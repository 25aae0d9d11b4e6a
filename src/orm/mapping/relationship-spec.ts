/**
 * What a relationship declaration says, before anything is resolved: its kind, its target (a
 * model name, or a thunk returning a class), and its options. Resolution happens at configure.
 */
import type { Table } from "../../core/schema/table.js";
import type { RelationshipKind } from "../typing/checks.js";

export type ClassRef = abstract new (...args: any[]) => object;

/** How a relationship is loaded when a query does not say (the Session issue implements them). */
export type LoadStrategy = "lazy" | "selectin" | "joined" | "raise";

/**
 * A relationship's `lazy` option: how it loads, or `"writeOnly"` for a collection too large to
 * load (SQLAlchemy's `lazy="write_only"`): its attribute is a `WriteOnlyCollection`, never loaded.
 */
export type RelationshipLazy = LoadStrategy | "writeOnly";

/**
 * One item of a collection's `orderBy`: a target attribute name (ascending), or the attribute
 * with a direction and where NULLs go (emulated on MySQL/MariaDB, which have no NULLS clause).
 */
export type RelationshipOrderItem<A extends string = string> =
  | A
  | { readonly attr: A; readonly direction?: "asc" | "desc"; readonly nulls?: "first" | "last" };

/** Options of the relationship decorators (`@oneToMany`, `@manyToOne`...) and of `mapImperatively`'s relationships. */
export interface RelationshipOptions {
  /** The attribute on the target that is the other side of this relationship. */
  readonly backPopulates?: string;
  /**
   * The association table of a many-to-many: a table name, a `Table`, a model name whose table
   * it is, or a thunk returning a `Table` or a model class.
   */
  readonly secondary?: string | Table | (() => Table | ClassRef);
  /**
   * The foreign-key columns that link this side, as `"column"` or `"table.column"`, when more
   * than one foreign key could (two keys to the same table, a self-referential many-to-many).
   */
  readonly foreignKeys?: readonly string[];
  /** Read-only: never written by the unit of work. */
  readonly viewonly?: boolean;
  /**
   * How the relationship loads when a query does not say; `"writeOnly"` (oneToMany/manyToMany):
   * never loaded, the attribute is a `WriteOnlyCollection` (docs/large-collections.md).
   */
  readonly lazy?: RelationshipLazy;
  /** SQLAlchemy-style cascade list, e.g. `"save-update, merge, delete, delete-orphan"`. */
  readonly cascade?: string;
  /** Rely on the database's ON DELETE CASCADE instead of loading and deleting children. */
  readonly passiveDeletes?: boolean;
  /**
   * Many-to-many over a mapped association table: makes the association object for a member
   * added through this side (as SQLAlchemy's association_proxy `creator`), e.g.
   * `(track, invoice) => new InvoiceLine({ unitPrice: track.unitPrice })`. The ends it leaves
   * unset are set after; without it, a new association object has its columns' defaults.
   */
  // `any`: the parameters are the user's own model types, which a declaration cannot name here.
  readonly creator?: (member: any, owner: any) => object;
  /**
   * oneToMany/manyToMany: the order of the collection's members whenever it is loaded (lazy,
   * select-in, joined, refresh), by attributes of the target, e.g.
   * `["position", { attr: "createdAt", direction: "desc", nulls: "last" }]`.
   */
  readonly orderBy?: RelationshipOrderItem | readonly RelationshipOrderItem[];
}

export interface RelationshipSpec {
  readonly kind: RelationshipKind;
  /** A model name, or a thunk returning the model class. */
  readonly target: string | (() => ClassRef);
  readonly options: RelationshipOptions;
}

/** Whether the attribute holds a list (one-to-many, many-to-many) or one object. */
export function isCollectionKind(kind: RelationshipKind): boolean {
  return kind === "oneToMany" || kind === "manyToMany";
}
