/**
 * A relationship of a mapper, and what configuration resolved it to: the target mapper, the
 * direction, the column pairs that join the two sides and the other side (`backPopulates`).
 */
import type { Column } from "../../core/schema/column.js";
import type { Table } from "../../core/schema/table.js";
import type { RelationshipKind } from "../typing/checks.js";
import { NotConfiguredError } from "../errors.js";
import type { CollectionEvents } from "../state/collection.js";
import { RelationshipEvents } from "../state/relationship-events.js";
import { parseCascade, type CascadeOption } from "./cascade.js";
import type { Mapper } from "./mapper.js";
import { isCollectionKind, type RelationshipSpec } from "./relationship-spec.js";

/** Where the foreign key is: on this side (many-to-one), on the target (one-to-many), or in a secondary table. */
export type RelationshipDirection = "manyToOne" | "oneToMany" | "manyToMany";

export interface ResolvedRelationship {
  readonly target: Mapper;
  readonly direction: RelationshipDirection;
  /**
   * Column pairs joining this side: many-to-one `[local FK, target key]`, one-to-many
   * `[local key, target FK]`, many-to-many `[local key, secondary FK]`.
   */
  readonly pairs: readonly (readonly [Column, Column])[];
  /** Many-to-many only: the association table, and `[target key, secondary FK]` pairs. */
  readonly secondary: Table | undefined;
  readonly secondaryPairs: readonly (readonly [Column, Column])[];
  /**
   * Many-to-many only: the model mapped to the secondary table (the association object), whose
   * objects this collection is a view over.
   */
  readonly association: Mapper | undefined;
}

/** One item of a collection's resolved `orderBy`: a column of the target. */
export interface RelationshipOrder {
  readonly column: Column;
  readonly direction: "asc" | "desc";
  readonly nulls: "first" | "last" | undefined;
}

export interface AssociationView {
  readonly association: Mapper;
  /** The association's many-to-one to this side (e.g. Association.parent for Parent.children). */
  readonly toOwner: RelationshipProperty;
  /** The association's many-to-one to the members (Association.child for Parent.children). */
  readonly toMember: RelationshipProperty;
  /**
   * The owner's list of its association objects (Parent.childAssociations), when the view can be
   * made from it on first read: until then, a link made updates only that list. Undefined when
   * the association has no such list, or when the view cascades an operation that the path
   * through the association objects does not (the view's list must then exist to cascade along).
   */
  readonly derivedFrom: RelationshipProperty | undefined;
  /**
   * Whether the association's primary key is its link columns. When not (a surrogate key), a
   * link removed while its association object is not loaded is found by loading the objects.
   */
  readonly keyedByLinks: boolean;
}

/** A relationship of a mapper, as declared and, once the registry is configured, resolved (join columns, direction, back-reference). */
export class RelationshipProperty {
  private resolvedState: ResolvedRelationship | undefined;
  /** The relationship on the target that names this one back; set at configure. */
  backRef: RelationshipProperty | undefined;
  /**
   * A many-to-many whose association table is mapped, with many-to-one relationships from the
   * association to both sides, is a view over those association objects; set at configure.
   */
  associationView: AssociationView | undefined;
  /** On an association's many-to-one: the many-to-many views that read through it. */
  readonly views: RelationshipProperty[] = [];
  /** What this relationship's lists report their changes to (the in-memory events: back-references, cascades). */
  readonly events: CollectionEvents = new RelationshipEvents(this);

  /** A collection's `orderBy`, resolved to the target's columns at configure; empty when unordered. */
  order: readonly RelationshipOrder[] = [];

  /** A many-to-one whose foreign key references its target's primary key, in key order; set at configure. */
  referencesTargetKey = false;

  /** Whether the attribute holds a list. */
  readonly collection: boolean;
  readonly viewonly: boolean;
  /** A write-only collection (`lazy: "writeOnly"`): never loaded; its attribute is a `WriteOnlyCollection`. */
  readonly writeOnly: boolean;

  constructor(
    readonly parent: Mapper,
    readonly key: string,
    readonly spec: RelationshipSpec,
  ) {
    // Fields rather than getters: the flush reads them for every object it writes.
    this.collection = isCollectionKind(spec.kind);
    this.viewonly = spec.options.viewonly ?? false;
    this.writeOnly = spec.options.lazy === "writeOnly";
  }

  /** How it was declared: `"manyToOne"`, `"oneToMany"`, `"oneToOne"` or `"manyToMany"`. */
  get kind(): RelationshipKind {
    return this.spec.kind;
  }

  /**
   * Whether session operations of `kind` on the parent apply to what this relationship holds
   * (its `cascade` option, or the default `save-update` and `merge`).
   *
   * ```ts
   * const comments = Base.registry.mapperFor(Post).relationships.get("comments")!;
   * comments.cascades("delete"); // false: deleting a post leaves its comments to the foreign key's ON DELETE
   * ```
   */
  cascades(kind: CascadeOption): boolean {
    return (this.cascadeSet ??= parseCascade(this.spec.options.cascade, String(this))).has(kind);
  }
  private cascadeSet: ReadonlySet<CascadeOption> | undefined;

  /** Whether the back-reference cascades save-update: linking an object through this one links it as if added from the other side. */
  get cascadesBack(): boolean {
    const back = this.backRef;
    return back !== undefined && !back.viewonly && back.cascades("save-update");
  }

  /** Whether the registry has been configured since this relationship was declared (`resolved` is then readable). */
  get isResolved(): boolean {
    return this.resolvedState !== undefined;
  }

  /** The resolution; only after the registry is configured. */
  get resolved(): ResolvedRelationship {
    if (!this.resolvedState) throw this.notConfigured();
    return this.resolvedState;
  }

  /** The mapper of the related model; only after the registry is configured (`NotConfiguredError` before). */
  get target(): Mapper {
    return this.resolved.target;
  }

  /** @internal */
  setResolved(resolved: ResolvedRelationship): void {
    this.resolvedState = resolved;
    // Computed here, once: the flush reads them for every object it writes.
    const { direction, pairs, target } = resolved;
    this.localAttributeList = pairs.map(([local]) => this.parent.attributeFor(local)!);
    this.attributePairList =
      direction === "manyToMany" ? undefined : pairs.map(([, remote], i) => [this.localAttributeList![i]!, target.attributeFor(remote)!] as const);
    this.referencesTargetKey =
      direction === "manyToOne" && pairs.length === target.primaryKey.length && pairs.every(([, remote], i) => target.primaryKey[i] === remote);
  }

  /** The attributes of this side's columns in `resolved.pairs`, in pair order (every direction). */
  get localAttributes(): readonly string[] {
    if (!this.localAttributeList) throw this.notConfigured();
    return this.localAttributeList;
  }
  private localAttributeList: readonly string[] | undefined;

  /**
   * `resolved.pairs` as attribute keys, `[this side's attribute, the target's attribute]`: what
   * the flush copies keys between. Not for many-to-many, whose other columns are the secondary table's.
   */
  get attributePairs(): readonly (readonly [string, string])[] {
    if (!this.attributePairList) {
      if (this.resolvedState?.direction === "manyToMany") throw new Error(`internal: ${this} is many-to-many; its pairs name secondary columns`);
      throw this.notConfigured();
    }
    return this.attributePairList;
  }
  private attributePairList: readonly (readonly [string, string])[] | undefined;

  /** The name the target was given as, for messages. */
  get targetDescription(): string {
    const t = this.spec.target;
    return typeof t === "string" ? t : (this.resolvedState?.target.name ?? "<thunk>");
  }

  /** `User.posts`, for messages. */
  toString(): string {
    return `${this.parent.name}.${this.key}`;
  }

  private notConfigured(): NotConfiguredError {
    return new NotConfiguredError(
      `${this} is not configured yet: its target, join columns and back-reference are resolved when the registry is configured. ` +
        `Call registry.configure() first (registry.mapperFor() and the first query or flush do it).`,
    );
  }
}
