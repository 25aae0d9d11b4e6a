/**
 * Compile-time fixture of the declarative mapping checks (src/orm/typing/). Compiled by `npm test`
 * with TypeScript 7 and 5.9, never executed (not a *.test.ts file).
 *
 * - Correct declarations first: they must compile without error.
 * - Then one wrong declaration per check, each under `// @ts-expect-error`, so tsc fails if the
 *   check stops reporting it (TS2578, unused directive).
 * - Last, `Expect<Equal<...>>` pins the exact message of each wrong declaration, so a wrong
 *   declaration cannot pass by failing an earlier, unrelated check.
 *
 * Model names start with `Tc` so that they do not collide with other fixtures in `Models`.
 */
import {
  DeclarativeBase,
  bigint,
  boolean,
  column,
  datetime,
  enumType,
  integer,
  json,
  manyToMany,
  manyToOne,
  model,
  numeric,
  oneToMany,
  oneToOne,
  string,
  table,
  text,
  type ColumnBuilder,
  type Rel,
  type Decimal,
} from "athanor";
import type { CheckedColumnResult, CheckedRelationshipResult, MappingError, RelationshipKind } from "../../src/orm/typing/checks.js";

class TcBase extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    TcParent: TcParent;
    TcChild: TcChild;
    TcAssociation: TcAssociation;
    TcUser: TcUser;
    TcProfile: TcProfile;
    TcNode: TcNode;
    TcShelf: TcShelf;
    TcBox: TcBox;
    TcColumns: TcColumns;
    TcWrong: TcWrong;
    TcAuthor: TcAuthor;
    TcBook: TcBook;
    TcFastA: TcFastA;
    TcFastB: TcFastB;
  }
}

// ─────────────────────────────── correct declarations ───────────────────────────────

export const tcLinks = table("tc_links", TcBase.metadata, {
  parentId: integer().references("tc_parents.id").primaryKey(),
  childId: integer().references("tc_children.id").primaryKey(),
});

/** Both many-to-many forms, as in the seed: a plain secondary, and association objects. */
@model("tc_parents")
export class TcParent extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(30)) accessor name!: string | null;
  @manyToMany("TcChild", { secondary: "tc_association", backPopulates: "parents" }) accessor children!: Rel<TcChild[], "parents">;
  @oneToMany("TcAssociation", { backPopulates: "parent" }) accessor childAssociations!: Rel<TcAssociation[], "parent">;
  // A thunk secondary, a readonly list.
  @manyToMany("TcChild", { secondary: () => tcLinks, backPopulates: "linkedParents", viewonly: true })
  accessor linked!: Rel<readonly TcChild[], "linkedParents">;
}

@model("tc_children")
export class TcChild extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @manyToMany("TcParent", { secondary: "tc_association", backPopulates: "children" }) accessor parents!: Rel<TcParent[], "children">;
  @oneToMany("TcAssociation", { backPopulates: "child" }) accessor parentAssociations!: Rel<TcAssociation[], "child">;
  // A thunk target (value reference, evaluated at configure).
  @manyToMany(() => TcParent, { secondary: () => tcLinks, backPopulates: "linked" }) accessor linkedParents!: Rel<TcParent[], "linked">;
}

@model("tc_association")
export class TcAssociation extends TcBase {
  @column(integer().references("tc_parents.id").primaryKey()) accessor parentId!: number;
  @column(integer().references("tc_children.id").primaryKey()) accessor childId!: number;
  @column(text()) accessor extraData!: string | null;
  @manyToOne("TcParent", { backPopulates: "childAssociations" }) accessor parent!: Rel<TcParent, "childAssociations">;
  @manyToOne(() => TcChild, { backPopulates: "parentAssociations" }) accessor child!: Rel<TcChild, "parentAssociations">;
}

/** One-to-one, both ends scalar; a manyToOne may also be the other end of a oneToOne. */
@model("tc_users")
export class TcUser extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToOne("TcProfile", { backPopulates: "user" }) accessor profile!: Rel<TcProfile | null, "user">;
  @oneToOne("TcProfile", { backPopulates: "owner", viewonly: true }) accessor ownedProfile!: Rel<TcProfile | null, "owner">;
}

@model("tc_profiles")
export class TcProfile extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull().unique().references("tc_users.id")) accessor userId!: number;
  @oneToOne("TcUser", { backPopulates: "profile" }) accessor user!: Rel<TcUser | null, "profile">;
  @manyToOne("TcUser", { backPopulates: "ownedProfile", viewonly: true }) accessor owner!: Rel<TcUser, "ownedProfile">;
}

/** Self-reference: an adjacency list and a self-referential many-to-many, by name and by thunk. */
@model("tc_nodes")
export class TcNode extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().references("tc_nodes.id")) accessor parentId!: number | null;
  @manyToOne(() => TcNode, { backPopulates: "children" }) accessor parent!: Rel<TcNode | null, "children">;
  @oneToMany("TcNode", { backPopulates: "parent", cascade: "all, delete-orphan" }) accessor children!: Rel<TcNode[], "parent">;
  @manyToMany("TcNode", { secondary: "tc_edges", foreignKeys: ["from_id"], backPopulates: "incoming" }) accessor outgoing!: Rel<TcNode[], "incoming">;
  @manyToMany("TcNode", { secondary: "tc_edges", foreignKeys: ["to_id"], backPopulates: "outgoing" }) accessor incoming!: Rel<TcNode[], "outgoing">;
  // No backPopulates: a one-way relationship.
  @manyToOne("TcNode", { foreignKeys: ["parentId"], viewonly: true }) accessor root!: TcNode | null;
}

/** Plain attribute types without Rel<>: accepted, the pair is then checked from one side only. */
@model("tc_shelves")
export class TcShelf extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("TcBox", { backPopulates: "shelf" }) accessor boxes!: TcBox[];
  // NOT caught (documented): TcBox.shelf names 'boxes', but its plain type cannot say so.
  @oneToMany("TcBox", { backPopulates: "shelf" }) accessor spareBoxes!: TcBox[];
}

@model("tc_boxes")
export class TcBox extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().references("tc_shelves.id")) accessor shelfId!: number | null;
  @manyToOne("TcShelf", { backPopulates: "boxes" }) accessor shelf!: TcShelf | null;
}

/** Every column builder, nullable and not. */
@model("tc_columns")
export class TcColumns extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(bigint().notNull()) accessor big!: bigint;
  @column(string(10)) accessor code!: string | null;
  @column(string(10).notNull().default("x")) accessor label!: string;
  @column(boolean().notNull().default(false)) accessor flag!: boolean;
  @column(numeric(10, 2)) accessor price!: Decimal | null;
  @column(datetime()) accessor seenAt!: Date | null;
  @column(enumType(["draft", "published"]).notNull()) accessor status!: "draft" | "published";
  @column(json<{ tags: string[] }>()) accessor meta!: { tags: string[] } | null;
  @column(json()) accessor anything!: unknown;
}

/** The attributes behave like their plain types. */
export function tcUsage(p: TcParent, c: TcChild, a: TcAssociation, n: TcNode): void {
  p.children.push(c);
  p.children = [c];
  for (const child of p.children) child.parents.includes(p);
  a.parent = p;
  a.child = c;
  n.parent = null;
  n.parent = n;
  const first: TcChild | undefined = p.children[0];
  const parentOf: TcParent = a.parent;
  void first;
  void parentOf;
}

// ─────────────────────────────── wrong declarations ───────────────────────────────

@model("tc_wrong")
export class TcWrong extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;

  // target: not a key of Models
  // @ts-expect-error
  @manyToOne("TcChidl") accessor misspelled!: TcChild;

  // cardinality: oneToMany/manyToMany need a list
  // @ts-expect-error
  @oneToMany("TcChild") accessor notAList!: TcChild | null;
  // @ts-expect-error
  @manyToMany("TcChild", { secondary: "tc_links" }) accessor notAList2!: TcChild;

  // cardinality: manyToOne/oneToOne need one object
  // @ts-expect-error
  @manyToOne("TcChild") accessor aList!: TcChild[];
  // @ts-expect-error
  @oneToOne("TcProfile") accessor aList2!: TcProfile[];

  // cardinality: a collection is never null
  // @ts-expect-error
  @oneToMany("TcChild") accessor nullableList!: TcChild[] | null;

  // wrong element type
  // @ts-expect-error
  @manyToOne("TcChild") accessor wrongType!: TcParent | null;
  // @ts-expect-error
  @oneToMany("TcChild") accessor wrongType2!: TcParent[];

  // thunk target: same checks with the class's instance type
  // @ts-expect-error
  @manyToOne(() => TcChild) accessor thunkWrongType!: TcParent | null;
  // @ts-expect-error
  @manyToOne(() => TcChild) accessor thunkList!: TcChild[];

  // manyToMany without secondary
  // @ts-expect-error
  @manyToMany("TcChild") accessor noSecondary!: TcChild[];

  // secondary on another kind
  // @ts-expect-error
  @oneToMany("TcChild", { secondary: "tc_links" }) accessor stray!: TcChild[];

  // backPopulates: missing attribute
  // @ts-expect-error
  @oneToMany("TcChild", { backPopulates: "parnets" }) accessor missing!: TcChild[];

  // backPopulates: an attribute that is a relationship to another class
  // @ts-expect-error
  @manyToMany("TcChild", { secondary: "tc_links", backPopulates: "parents" }) accessor otherClass!: TcChild[];

  // backPopulates: a column
  // @ts-expect-error
  @oneToMany("TcChild", { backPopulates: "id" }) accessor aColumn!: TcChild[];

  // backPopulates with a thunk target: missing attribute
  // @ts-expect-error
  @manyToOne(() => TcParent, { backPopulates: "wrongs" }) accessor thunkMissing!: TcParent | null;

  // Rel brand disagreeing with backPopulates
  // @ts-expect-error
  @oneToMany("TcBook", { backPopulates: "author" }) accessor brandMismatch!: Rel<TcBook[], "writer">;

  // Rel brand without backPopulates
  // @ts-expect-error
  @manyToOne("TcNode") accessor brandOnly!: Rel<TcNode | null, "children">;

  // columns: nullable column on a non-null attribute
  // @ts-expect-error
  @column(text()) accessor nonNull!: string;

  // columns: NOT NULL column (notNull, primaryKey) on an attribute including null
  // @ts-expect-error
  @column(text().notNull()) accessor nullable!: string | null;
  // @ts-expect-error
  @column(integer().primaryKey()) accessor nullableKey!: number | null;

  // columns: value type mismatch
  // @ts-expect-error
  @column(integer()) accessor intAsString!: string | null;
  // @ts-expect-error
  @column(datetime().notNull()) accessor dateAsString!: string;
  // @ts-expect-error
  @column(enumType(["a", "b"])) accessor enumAsString!: string | null;
  // @ts-expect-error
  @column(json<{ a: number }>()) accessor jsonShape!: { b: string } | null;
  // @ts-expect-error
  @column(text()) accessor withUndefined!: string | undefined;
}

@model("tc_authors")
export class TcAuthor extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("TcBook", { backPopulates: "author" }) accessor books!: Rel<TcBook[], "author">;

  // the pair does not point back: TcBook.author names 'books'
  // @ts-expect-error
  @oneToMany("TcBook", { backPopulates: "author" }) accessor favourites!: Rel<TcBook[], "author">;

  // the pair's kinds: a oneToMany's other end must be scalar (TcBook.readers is a list)
  // @ts-expect-error
  @oneToMany("TcBook", { backPopulates: "readers" }) accessor read!: Rel<TcBook[], "readers">;

  // the pair's kinds: a manyToMany's other end must be a list (TcBook.editor is scalar)
  // @ts-expect-error
  @manyToMany("TcBook", { secondary: "tc_edits", backPopulates: "editor" }) accessor edited!: Rel<TcBook[], "editor">;

  // the pair's kinds: a oneToOne's other end must be scalar (TcBook.coAuthors is a list)
  // @ts-expect-error
  @oneToOne("TcBook", { backPopulates: "coAuthors" }) accessor bestseller!: Rel<TcBook | null, "coAuthors">;
}

@model("tc_books")
export class TcBook extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().references("tc_authors.id")) accessor authorId!: number | null;
  @manyToOne("TcAuthor", { backPopulates: "books" }) accessor author!: Rel<TcAuthor | null, "books">;
  @manyToMany("TcAuthor", { secondary: "tc_reads", backPopulates: "read" }) accessor readers!: Rel<TcAuthor[], "read">;
  @manyToOne("TcAuthor", { backPopulates: "edited" }) accessor editor!: Rel<TcAuthor | null, "edited">;
  @oneToMany("TcAuthor", { backPopulates: "bestseller" }) accessor coAuthors!: Rel<TcAuthor[], "bestseller">;
}

// ─────────── the fast path (relationship-fast-path.ts): its shape, but one thing wrong ───────────
// Both ends written with Rel<> and naming each other is the form the fast path accepts in one
// step. Each wrong declaration below has a partner (a plain `declare` on the other class) that
// names it back, so that it differs from that form in one condition only: the full check must
// still refuse it.

@model("tc_fast_a")
export class TcFastA extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("TcFastB", { backPopulates: "a" }) accessor bs!: Rel<TcFastB[], "a">;
  @manyToMany("TcFastB", { secondary: "tc_fast_links", backPopulates: "tagged" }) accessor tags!: Rel<TcFastB[], "tagged">;

  // a secondary on a oneToMany
  // @ts-expect-error
  @oneToMany("TcFastB", { secondary: "tc_fast_links", backPopulates: "a2" }) accessor bs2!: Rel<TcFastB[], "a2">;
  // orderBy naming an attribute the target does not have
  // @ts-expect-error
  @oneToMany("TcFastB", { backPopulates: "a3", orderBy: ["nope"] }) accessor bs3!: Rel<TcFastB[], "a3">;
  // an any-typed collection
  // @ts-expect-error
  @oneToMany("TcFastB", { backPopulates: "a4" }) accessor bs4!: any;
  // the element type is a subclass of the target, not the target
  // @ts-expect-error
  @oneToMany("TcFastB", { backPopulates: "a5" }) accessor bs5!: Rel<TcFastSub[], "a5">;
  // a manyToMany without its secondary
  // @ts-expect-error
  @manyToMany("TcFastB", { backPopulates: "tagged2" }) accessor tags2!: Rel<TcFastB[], "tagged2">;
  // a manyToMany whose other end holds one object
  // @ts-expect-error
  @manyToMany("TcFastB", { secondary: "tc_fast_links", backPopulates: "tagged3" }) accessor tags3!: Rel<TcFastB[], "tagged3">;

  declare bsList: Rel<TcFastB[], "aList">;
  declare bsOne: Rel<TcFastB | null, "aOne">;
  declare bs6: Rel<TcFastB[], "a6">;
}

@model("tc_fast_b")
export class TcFastB extends TcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().references("tc_fast_a.id")) accessor aId!: number | null;
  @manyToOne("TcFastA", { backPopulates: "bs" }) accessor a!: Rel<TcFastA | null, "bs">;
  @manyToMany("TcFastA", { secondary: "tc_fast_links", backPopulates: "tags" }) accessor tagged!: Rel<TcFastA[], "tags">;

  // a manyToOne typed as a list
  // @ts-expect-error
  @manyToOne("TcFastA", { backPopulates: "bsList" }) accessor aList!: Rel<TcFastA[], "bsList">;
  // a oneToOne typed as a list
  // @ts-expect-error
  @oneToOne("TcFastA", { backPopulates: "bsOne" }) accessor aOne!: Rel<TcFastA[], "bsOne">;
  // a union of targets, one of them the right one (the fast path distributes over the target: `boolean`)
  // @ts-expect-error
  @manyToOne(eitherFast, { backPopulates: "bs6" }) accessor a6!: Rel<TcFastA | null, "bs6">;

  declare a2: Rel<TcFastA | null, "bs2">;
  declare a3: Rel<TcFastA | null, "bs3">;
  declare a4: Rel<TcFastA | null, "bs4">;
  declare a5: Rel<TcFastA | null, "bs5">;
  declare tagged2: Rel<TcFastA[], "tags2">;
  declare tagged3: Rel<TcFastA | null, "tags3">;
}

declare const eitherFast: "TcFastA" | "TcFastB";

/** Not a model: a subclass of TcFastB with one more member. */
export class TcFastSub extends TcFastB {
  declare extra: string;
}

// ─────────────────────────────── the exact messages ───────────────────────────────

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

/** The message a failed check returns as the decorator's return type, `MappingError<message>`; never for a sound declaration. */
type Message<R> = R extends MappingError<infer M> ? M : never;
/** The message of `@<Kind>(T, O)` on attribute K of class C. */
type RelMessage<Kind extends RelationshipKind, T extends string | (() => abstract new (...args: any[]) => object), O, C, K extends keyof C & string> =
  Message<CheckedRelationshipResult<Kind, T, O, C, C[K], K>>;
/** The message of `@column(<builder of T, nullable N>)` on attribute K of class C. */
type ColMessage<T, N extends boolean, C, K extends keyof C & string> = Message<CheckedColumnResult<ColumnBuilder<T, N, boolean>, C, C[K], K>>;

export type TcMessages = [
  Expect<Equal<RelMessage<"manyToOne", "TcChidl", {}, TcWrong, "misspelled">,
    "athanor: TcWrong.misspelled: target 'TcChidl' is not a model name; check the spelling, or register the model in its file with declare module 'athanor' { interface Models { TcChidl: TcChidl } }">>,
  Expect<Equal<RelMessage<"oneToMany", "TcChild", {}, TcWrong, "notAList">,
    "athanor: TcWrong.notAList: a oneToMany attribute holds a list; declare it as TcChild[]">>,
  Expect<Equal<RelMessage<"manyToMany", "TcChild", { secondary: "tc_links" }, TcWrong, "notAList2">,
    "athanor: TcWrong.notAList2: a manyToMany attribute holds a list; declare it as TcChild[]">>,
  Expect<Equal<RelMessage<"manyToOne", "TcChild", {}, TcWrong, "aList">,
    "athanor: TcWrong.aList: a manyToOne attribute holds one object, not a list; declare it as TcChild or TcChild | null, or use @oneToMany for a list">>,
  Expect<Equal<RelMessage<"oneToOne", "TcProfile", {}, TcWrong, "aList2">,
    "athanor: TcWrong.aList2: a oneToOne attribute holds one object, not a list; declare it as TcProfile or TcProfile | null">>,
  Expect<Equal<RelMessage<"oneToMany", "TcChild", {}, TcWrong, "nullableList">,
    "athanor: TcWrong.nullableList: a oneToMany collection is never null or undefined (it is empty instead); declare it as TcChild[]">>,
  Expect<Equal<RelMessage<"manyToOne", "TcChild", {}, TcWrong, "wrongType">,
    "athanor: TcWrong.wrongType: the declared type does not hold TcChild, the relationship's target; declare it as TcChild or TcChild | null">>,
  Expect<Equal<RelMessage<"oneToMany", "TcChild", {}, TcWrong, "wrongType2">,
    "athanor: TcWrong.wrongType2: the declared type does not hold TcChild, the relationship's target; declare it as TcChild[]">>,
  Expect<Equal<RelMessage<"manyToOne", () => typeof TcChild, {}, TcWrong, "thunkWrongType">,
    "athanor: TcWrong.thunkWrongType: the declared type does not hold TcChild, the relationship's target; declare it as TcChild or TcChild | null">>,
  Expect<Equal<RelMessage<"manyToOne", () => typeof TcChild, {}, TcWrong, "thunkList">,
    "athanor: TcWrong.thunkList: a manyToOne attribute holds one object, not a list; declare it as TcChild or TcChild | null, or use @oneToMany for a list">>,
  Expect<Equal<RelMessage<"manyToMany", "TcChild", {}, TcWrong, "noSecondary">,
    "athanor: TcWrong.noSecondary: a manyToMany needs its association table; pass secondary: '<table name>' (or a Table, a model name, or a thunk)">>,
  Expect<Equal<RelMessage<"oneToMany", "TcChild", { secondary: "tc_links" }, TcWrong, "stray">,
    "athanor: TcWrong.stray: a oneToMany cannot have a secondary table; use @manyToMany for a relationship through an association table">>,
  Expect<Equal<RelMessage<"oneToMany", "TcChild", { backPopulates: "parnets" }, TcWrong, "missing">,
    "athanor: TcWrong.missing: backPopulates 'parnets': TcChild has no attribute 'parnets', and none of its attributes is typed as TcWrong; declare the other end on TcChild">>,
  Expect<Equal<RelMessage<"manyToMany", "TcChild", { secondary: "tc_links"; backPopulates: "parents" }, TcWrong, "otherClass">,
    "athanor: TcWrong.otherClass: backPopulates 'parents': TcChild.parents is not a relationship to TcWrong (it is not typed TcWrong, TcWrong | null or TcWrong[]); name the attribute of TcChild that points back here">>,
  Expect<Equal<RelMessage<"oneToMany", "TcChild", { backPopulates: "id" }, TcWrong, "aColumn">,
    "athanor: TcWrong.aColumn: backPopulates 'id': TcChild.id is not a relationship to TcWrong (it is not typed TcWrong, TcWrong | null or TcWrong[]); name the attribute of TcChild that points back here">>,
  Expect<Equal<RelMessage<"manyToOne", () => typeof TcParent, { backPopulates: "wrongs" }, TcWrong, "thunkMissing">,
    "athanor: TcWrong.thunkMissing: backPopulates 'wrongs': TcParent has no attribute 'wrongs', and none of its attributes is typed as TcWrong; declare the other end on TcParent">>,
  Expect<Equal<RelMessage<"oneToMany", "TcBook", { backPopulates: "author" }, TcWrong, "brandMismatch">,
    "athanor: TcWrong.brandMismatch: backPopulates 'author' disagrees with the declared type Rel<..., 'writer'>; make them name the same attribute">>,
  Expect<Equal<RelMessage<"manyToOne", "TcNode", {}, TcWrong, "brandOnly">,
    "athanor: TcWrong.brandOnly: the declared type Rel<..., 'children'> names a back-reference but the decorator has no backPopulates; add backPopulates: 'children'">>,
  Expect<Equal<RelMessage<"oneToMany", "TcBook", { backPopulates: "author" }, TcAuthor, "favourites">,
    "athanor: TcAuthor.favourites: backPopulates 'author': TcBook.author points back to 'books', not to 'favourites'; the two ends must name each other">>,
  Expect<Equal<RelMessage<"oneToMany", "TcBook", { backPopulates: "readers" }, TcAuthor, "read">,
    "athanor: TcAuthor.read: backPopulates 'readers': TcBook.readers is a list, but the other end of a oneToMany holds one object; make it a @manyToOne typed Rel<TcAuthor | null, 'read'>">>,
  Expect<Equal<RelMessage<"manyToMany", "TcBook", { secondary: "tc_edits"; backPopulates: "editor" }, TcAuthor, "edited">,
    "athanor: TcAuthor.edited: backPopulates 'editor': TcBook.editor holds one object, but the other end of a manyToMany is a list; make it a @manyToMany typed Rel<TcAuthor[], 'edited'>">>,
  Expect<Equal<RelMessage<"oneToOne", "TcBook", { backPopulates: "coAuthors" }, TcAuthor, "bestseller">,
    "athanor: TcAuthor.bestseller: backPopulates 'coAuthors': TcBook.coAuthors is a list, but the other end of a oneToOne holds one object; make it a @oneToOne or @manyToOne typed Rel<TcAuthor | null, 'bestseller'>">>,
  Expect<Equal<ColMessage<string, true, TcWrong, "nonNull">,
    "athanor: TcWrong.nonNull: the column is nullable, but the attribute's type does not include null; declare it as string | null, or make the column .notNull()">>,
  Expect<Equal<ColMessage<string, false, TcWrong, "nullable">,
    "athanor: TcWrong.nullable: the column is NOT NULL (.notNull() or .primaryKey()), but the attribute's type includes null; declare it as string, or make the column nullable">>,
  Expect<Equal<ColMessage<number, false, TcWrong, "nullableKey">,
    "athanor: TcWrong.nullableKey: the column is NOT NULL (.notNull() or .primaryKey()), but the attribute's type includes null; declare it as number, or make the column nullable">>,
  Expect<Equal<ColMessage<number, true, TcWrong, "intAsString">,
    "athanor: TcWrong.intAsString: the column holds number values, but the attribute is typed otherwise; declare it as number | null, or change the column type">>,
  Expect<Equal<ColMessage<Date, false, TcWrong, "dateAsString">,
    "athanor: TcWrong.dateAsString: the column holds Date values, but the attribute is typed otherwise; declare it as Date, or change the column type">>,
  Expect<Equal<ColMessage<"a" | "b", true, TcWrong, "enumAsString">,
    "athanor: TcWrong.enumAsString: the column holds 'a' | 'b' values, but the attribute is typed otherwise; declare it as 'a' | 'b' | null, or change the column type">>,
  Expect<Equal<ColMessage<{ a: number }, true, TcWrong, "jsonShape">,
    "athanor: TcWrong.jsonShape: the attribute's type is not the column's value type; declare the attribute with the column's type, | null included, or give the column the attribute's type (json<T>() takes it as a type argument)">>,
  Expect<Equal<ColMessage<string, true, TcWrong, "withUndefined">,
    "athanor: TcWrong.withUndefined: a loaded column is never undefined (a missing value is null); declare it as string | null">>,
];
