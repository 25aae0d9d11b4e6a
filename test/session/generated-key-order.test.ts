/**
 * Keys a multi-row INSERT generates are matched to their objects by how the database generates
 * them, never by the order of RETURNING's rows, which no database promises (generated-key-order.ts):
 * sorted by key where the keys follow the rows (MariaDB's AUTO_INCREMENT; PostgreSQL's own
 * sequence of the column, either way), else one row per statement (SQLite; PostgreSQL without a
 * sequence of the column's own, or with one that cycles). Each case here would pair objects with
 * other objects' rows under a rule that assumed ascending keys: a descending or cycling sequence,
 * a sequence the column does not own, SQLite's random rowids past the largest one.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, NullIdentityKeyError, Session, bigint, column, integer, manyToOne, model, oneToMany, text, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema, type SessionContext } from "../support/sessions.js";

class OrderBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    GkAuthor: GkAuthor;
    GkBook: GkBook;
    GkNote: GkNote;
    GkLoose: GkLoose;
  }
}

@model("gk_authors")
class GkAuthor extends OrderBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(text().notNull()) accessor name!: string;
  @oneToMany("GkBook", { backPopulates: "author" }) accessor books!: Rel<GkBook[], "author">;
}

@model("gk_books")
class GkBook extends OrderBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(text().notNull()) accessor title!: string;
  @column(integer().named("author_id").references("gk_authors.id")) accessor authorId!: number | null;
  @manyToOne("GkAuthor", { backPopulates: "books" }) accessor author!: Rel<GkAuthor | null, "books">;
}

/** A 64-bit key: SQLite's rowids past 2^53 are read as bigints. */
@model("gk_notes")
class GkNote extends OrderBase {
  @column(bigint().primaryKey()) accessor id!: bigint;
  @column(text().notNull()) accessor body!: string;
}

/** Made again by hand on SQLite with a key that is not the rowid: SQLite then generates none. */
@model("gk_loose")
class GkLoose extends OrderBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(text().notNull()) accessor body!: string;
}

const AUTHORS = 60;

/** Authors, each with two books, added to `session`: every row gives a column and has its key generated. */
function authorsWithBooks(session: Session, tag: string): GkAuthor[] {
  const authors = Array.from({ length: AUTHORS }, (_, i) => {
    const author = Object.assign(new GkAuthor(), { name: `${tag}-a${i}` });
    for (const n of [1, 2]) author.books.push(Object.assign(new GkBook(), { title: `${tag}-a${i}-b${n}` }));
    return author;
  });
  session.addAll(authors);
  return authors;
}

/** Every author holds its own row's key, and every book's row names its own author's row. */
async function assertEachOwnRow(ctx: SessionContext, authors: readonly GkAuthor[]): Promise<void> {
  // Rows told apart by their text, not their key: a key the wrong object took still names some row.
  const rows = await raw<{ id: number | string; name: string }>(ctx, "SELECT id, name FROM gk_authors");
  const idOf = new Map(rows.map((row) => [row.name, Number(row.id)]));
  for (const author of authors) assert.equal(author.id, idOf.get(author.name), `${author.name} holds its own row's key`);
  const books = await raw<{ title: string; name: string }>(ctx, "SELECT b.title, a.name FROM gk_books b JOIN gk_authors a ON a.id = b.author_id");
  assert.equal(books.length, authors.length * 2);
  for (const row of books) assert.ok(row.title.startsWith(`${row.name}-`), `${row.title}'s row names its own author, not ${row.name}`);
}

/** SQL text run as it is, outside any session; its rows as the driver gives them. */
async function raw<R = Record<string, unknown>>(ctx: SessionContext, text: string): Promise<R[]> {
  return (await ctx.engine.withConnection((conn) => conn.run(text))).rows as R[];
}

forEachDatabaseWithSchema("keys of a multi-row INSERT matched to their objects", OrderBase.metadata, (ctx) => {
  test("SQLite: rows whose key is generated go one per statement; elsewhere one statement, the sequence read once", async () => {
    const session = ctx.session({ expireOnCommit: false });
    authorsWithBooks(session, "first");
    await session.flush();
    const inserts = ctx.statements.filter((s) => s.startsWith("INSERT INTO") && s.includes("gk_authors"));
    const catalog = ctx.statements.filter((s) => s.includes("pg_get_serial_sequence"));
    if (ctx.db.name === "sqlite") assert.equal(inserts.length, AUTHORS, "SQLite: RETURNING's rows come in an arbitrary order, so one row each");
    else assert.equal(inserts.length, 1, `one multi-row INSERT, its keys sorted: ${inserts.join("\n")}`);
    assert.equal(catalog.length, ctx.db.name === "postgresql" ? 2 : 0, "PostgreSQL: once for the authors' sequence, once for the books'");
    ctx.reset();
    authorsWithBooks(session, "second");
    await session.commit();
    assert.equal(ctx.statements.filter((s) => s.includes("pg_get_serial_sequence")).length, 0, "the sequence's direction is kept for the engine");
  });

  test("each object with columns gets its own row's key, and its children name that row", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const authors = authorsWithBooks(session, "plain");
    await session.commit();
    await assertEachOwnRow(ctx, authors);
  });

  test("PostgreSQL: a sequence that counts down", { skip: ctx.db.name !== "postgresql" }, async () => {
    await raw(ctx, "ALTER SEQUENCE gk_authors_id_seq INCREMENT -1 MINVALUE -1000000 MAXVALUE -1 START -1 RESTART -1");
    const session = ctx.session({ expireOnCommit: false });
    const authors = authorsWithBooks(session, "down");
    await session.commit();
    assert.ok(authors.every((a) => a.id < 0));
    assert.ok(authors[0]!.id > authors[AUTHORS - 1]!.id, "the keys count down in the order the rows were inserted");
    await assertEachOwnRow(ctx, authors);
  });

  test("PostgreSQL: a sequence that cycles within the INSERT", { skip: ctx.db.name !== "postgresql" }, async () => {
    await raw(ctx, "ALTER SEQUENCE gk_authors_id_seq INCREMENT 1 MINVALUE 1 MAXVALUE 1000 CYCLE RESTART 980");
    const session = ctx.session({ expireOnCommit: false });
    const authors = authorsWithBooks(session, "cycle");
    await session.commit();
    assert.ok(authors.some((a) => a.id >= 980) && authors.some((a) => a.id < 100), "the keys wrapped around");
    await assertEachOwnRow(ctx, authors);
  });

  test("PostgreSQL: a key whose default is a sequence of no column", { skip: ctx.db.name !== "postgresql" }, async () => {
    for (const statement of [
      "DROP SEQUENCE IF EXISTS gk_free",
      "CREATE SEQUENCE gk_free INCREMENT -7 MINVALUE -1000000 MAXVALUE 0 START 0",
      "ALTER TABLE gk_authors ALTER COLUMN id DROP IDENTITY",
      "ALTER TABLE gk_authors ALTER COLUMN id SET DEFAULT nextval('gk_free')",
    ]) {
      await raw(ctx, statement);
    }
    try {
      const session = ctx.session({ expireOnCommit: false });
      const authors = authorsWithBooks(session, "free");
      await session.commit();
      assert.equal(ctx.statements.filter((s) => s.startsWith("INSERT INTO") && s.includes("gk_authors")).length, AUTHORS, "one row per statement");
      await assertEachOwnRow(ctx, authors);
    } finally {
      await OrderBase.metadata.dropAll(ctx.engine);
      await raw(ctx, "DROP SEQUENCE IF EXISTS gk_free");
    }
  });

  test("SQLite: rowids drawn at random once the largest is taken", { skip: ctx.db.name !== "sqlite" }, async () => {
    await raw(ctx, "INSERT INTO gk_notes (id, body) VALUES (9223372036854775807, 'last')");
    const session = ctx.session({ expireOnCommit: false });
    const notes = Array.from({ length: 40 }, (_, i) => Object.assign(new GkNote(), { body: `note ${i}` }));
    session.addAll(notes);
    await session.commit();
    const rows = await raw<{ id: string; body: string }>(ctx, "SELECT CAST(id AS TEXT) AS id, body FROM gk_notes");
    const idOf = new Map(rows.map((row) => [row.body, row.id]));
    for (const note of notes) assert.equal(String(note.id), idOf.get(note.body), `${note.body} holds its own row's key`);
    assert.ok(notes.some((n, i) => i > 0 && n.id < notes[i - 1]!.id), "the rowids are not in insert order");
  });

  test("SQLite: a key read as the insert id only where it is the rowid; another key SQLite leaves empty is refused", { skip: ctx.db.name !== "sqlite" }, async () => {
    const add = async (...bodies: string[]) => {
      const session = ctx.session({ expireOnCommit: false });
      const rows = bodies.map((body) => Object.assign(new GkLoose(), { body }));
      session.addAll(rows);
      ctx.reset();
      await session.commit();
      return rows;
    };
    const first = await add("a", "b");
    assert.deepEqual(ctx.statements, ['INSERT INTO "gk_loose" ("body") VALUES (?)', 'INSERT INTO "gk_loose" ("body") VALUES (?)'], "the rowid: no RETURNING");
    assert.equal(new Set(first.map((r) => r.id)).size, 2);
    // Made again (DDL through the engine: what it knew of the table is forgotten) with a key that
    // is not the rowid: SQLite stores NULL there, and the insert id would name another column.
    for (const statement of ["DROP TABLE gk_loose", "CREATE TABLE gk_loose (id BIGINT PRIMARY KEY, body TEXT NOT NULL)"]) await raw(ctx, statement);
    await assert.rejects(add("c", "d"), NullIdentityKeyError);
    assert.deepEqual(await raw(ctx, "SELECT id, body FROM gk_loose"), [], "the flush was rolled back");
    for (const statement of ["DROP TABLE gk_loose", "CREATE TABLE gk_loose (id INTEGER PRIMARY KEY DESC, body TEXT NOT NULL)"]) await raw(ctx, statement);
    await assert.rejects(add("e", "f"), NullIdentityKeyError);
  });
}, { createOnce: true });
