/**
 * Collections filled by `containsEager` from a query that filters the joined rows hold only the
 * rows it kept. Changed in place, such a list changes exactly the members named; assigned a new
 * list, the commit leaves the object with exactly the members given, as for a list not loaded.
 * (The diff against the rows loaded kept the others linked, and not deleted as orphans, while the
 * commit resolved: SQLAlchemy does the same.)
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, columnsOf, containsEager, integer, lazy, manyToMany, manyToOne, model, oneToMany, select, string, table, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { Association, Base as SeedBase, Child, Parent } from "../../examples/seed/index.js";

class PcBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    PcAuthor: PcAuthor;
    PcBook: PcBook;
    PcNote: PcNote;
    PcTag: PcTag;
  }
}

@model("pc_authors")
class PcAuthor extends PcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("PcBook", { backPopulates: "author", cascade: "all, delete-orphan" }) accessor books!: Rel<PcBook[], "author">;
  @oneToMany("PcNote", { backPopulates: "author" }) accessor notes!: Rel<PcNote[], "author">;
  @manyToMany("PcTag", { secondary: "pc_author_tags", backPopulates: "authors" }) accessor tags!: Rel<PcTag[], "authors">;
}

@model("pc_books")
class PcBook extends PcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor title!: string;
  @column(integer().named("author_id").references("pc_authors.id").notNull()) accessor authorId!: number;
  @manyToOne("PcAuthor", { backPopulates: "books" }) accessor author!: Rel<PcAuthor, "books">;
}

@model("pc_notes")
class PcNote extends PcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor text!: string;
  @column(integer().named("author_id").references("pc_authors.id")) accessor authorId!: number | null;
  @manyToOne("PcAuthor", { backPopulates: "notes" }) accessor author!: Rel<PcAuthor | null, "notes">;
}

@model("pc_tags")
class PcTag extends PcBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor name!: string;
  @manyToMany("PcAuthor", { secondary: "pc_author_tags", backPopulates: "tags" }) accessor authors!: Rel<PcAuthor[], "tags">;
}

const authorTags = table("pc_author_tags", PcBase.metadata, {
  authorId: integer().named("author_id").primaryKey().references("pc_authors.id"),
  tagId: integer().named("tag_id").primaryKey().references("pc_tags.id"),
});

const a = columnsOf(PcAuthor);
const b = columnsOf(PcBook);
const n = columnsOf(PcNote);
const t = columnsOf(PcTag);

forEachDatabaseWithSchema("collections filled from a filtered JOIN", PcBase.metadata, (ctx) => {
  async function seeded(): Promise<void> {
    const session = ctx.session();
    const author = Object.assign(new PcAuthor(), { id: 1 });
    author.books.push(Object.assign(new PcBook(), { id: 1, title: "hidden" }), Object.assign(new PcBook(), { id: 2, title: "shown" }));
    author.notes.push(Object.assign(new PcNote(), { id: 1, text: "hidden" }), Object.assign(new PcNote(), { id: 2, text: "shown" }));
    author.tags.push(Object.assign(new PcTag(), { id: 1, name: "hidden" }), Object.assign(new PcTag(), { id: 2, name: "shown" }));
    session.add(author);
    await session.commit();
    await session.close();
  }

  const booksOf = async () => (await ctx.session().scalars(select(PcBook).orderBy(b.id))).map((book) => `${book.title}@${book.authorId}`);

  test("a list of the rows a WHERE kept, assigned a new list: the author has exactly the books given (the hidden one deleted as an orphan)", async () => {
    await seeded();
    const session = ctx.session();
    const [author] = await session.scalars(select(PcAuthor).join(PcBook, b.authorId.eq(a.id)).where(b.title.eq("shown")).options(containsEager(PcAuthor, "books")));
    assert.deepEqual(author!.books.map((book) => book.title), ["shown"]);
    author!.books = [author!.books[0]!, Object.assign(new PcBook(), { id: 3, title: "new" })];
    await session.commit();
    assert.deepEqual(await booksOf(), ["shown@1", "new@1"]);
  });

  test("the same without delete-orphan: the hidden member is unlinked (its foreign key NULL), not left pointing at the author", async () => {
    await seeded();
    const session = ctx.session();
    const [author] = await session.scalars(select(PcAuthor).join(PcNote, n.authorId.eq(a.id)).where(n.text.eq("shown")).options(containsEager(PcAuthor, "notes")));
    author!.notes = [];
    await session.commit();
    const notes = await ctx.session().scalars(select(PcNote).orderBy(n.id));
    assert.deepEqual(notes.map((note) => [note.text, note.authorId]), [["hidden", null], ["shown", null]]);
  });

  test("many-to-many: assigned a new list, the links not given go, the hidden one too", async () => {
    await seeded();
    const session = ctx.session();
    const [author] = await session.scalars(
      select(PcAuthor).join(authorTags, authorTags.c.authorId.eq(a.id)).join(PcTag, t.id.eq(authorTags.c.tagId)).where(t.name.eq("shown")).options(containsEager(PcAuthor, "tags")),
    );
    assert.deepEqual(author!.tags.map((tag) => tag.name), ["shown"]);
    author!.tags = [author!.tags[0]!];
    await session.commit();
    const links = (await ctx.engine.execute(select(authorTags.c.tagId).orderBy(authorTags.c.tagId))).rows.map((row) => row.tagId);
    assert.deepEqual(links, [2]);
  });

  test("changed in place, the list changes only the members named: the rows the query left out stay", async () => {
    await seeded();
    const session = ctx.session();
    const [author] = await session.scalars(select(PcAuthor).join(PcBook, b.authorId.eq(a.id)).where(b.title.eq("shown")).options(containsEager(PcAuthor, "books")));
    author!.books.splice(0, 1);
    author!.books.push(Object.assign(new PcBook(), { id: 3, title: "new" }));
    await session.commit();
    assert.deepEqual(await booksOf(), ["hidden@1", "new@1"]);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("a many-to-many view made from association objects a filtered JOIN loaded", SeedBase.metadata, (ctx) => {
  test("assigned a new list, the parent is linked to exactly the children given", async () => {
    const session = ctx.session();
    const parent = Object.assign(new Parent(), { id: 1 });
    const children = [1, 2, 3].map((id) => Object.assign(new Child(), { id }));
    children.forEach((child, i) => {
      const link = Object.assign(new Association(), { extraData: i === 0 ? "shown" : "hidden" });
      link.parent = parent;
      link.child = child;
    });
    session.add(parent);
    await session.commit();
    await session.close();

    const reader = ctx.session();
    const s = columnsOf(Association);
    const [loaded] = await reader.scalars(
      select(Parent).join(Association, s.leftId.eq(columnsOf(Parent).id)).where(s.extraData.eq("shown")).options(containsEager(Parent, "childAssociations")),
    );
    for (const link of loaded!.childAssociations) await lazy(link).child;
    assert.deepEqual(loaded!.children.map((child) => child.id), [1]);
    loaded!.children = [...loaded!.children];
    await reader.commit();
    const links = await ctx.session().scalars(select(Association).orderBy(s.rightId));
    assert.deepEqual(links.map((link) => link.rightId), [1]);
  });
}, { createOnce: true });
