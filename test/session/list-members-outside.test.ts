/**
 * A list of an object in the session holding an object that is not in it: expunged, deleted
 * while new, or never added (its relationship does not cascade save-update). No flush writes that
 * object's row, nor the foreign key that would put it in the list, so the commit used to resolve
 * while the list showed what the database did not hold (SQLAlchemy writes nothing there and
 * warns). It is refused now with UnsavedReferenceError, rolled back with its work pending again.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, lazy, select, sql, UnsavedReferenceError, type Session } from "../../src/index.js";
import { EmAuthor, EmBook, EmNote, EmTag, ExpungedBase } from "./fixtures/expunged-members.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("list members outside the session", ExpungedBase.metadata, (ctx) => {
  /** Every author, book ("title:author name"), note and link, read outside any session. */
  const database = async () => {
    const rows = async <T extends object>(query: string) => (await ctx.engine.execute(sql<T>`${sql.raw(query)}`)).rows;
    const names = new Map((await rows<{ id: number; name: string }>("SELECT id, name FROM em_authors")).map((r) => [Number(r.id), r.name]));
    const owned = async (table: string, column: string) =>
      (await rows<Record<string, unknown>>(`SELECT ${column} AS label, author_id FROM ${table}`)).map((r) => `${String(r.label)}:${r.author_id === null ? "-" : names.get(Number(r.author_id))}`).sort();
    return {
      authors: [...names.values()].sort(),
      books: await owned("em_books", "title"),
      notes: await owned("em_notes", "text"),
      tags: await owned("em_author_tags JOIN em_tags ON em_tags.id = em_author_tags.tag_id", "em_tags.name"),
    };
  };
  const refused = (pattern: RegExp) => (error: unknown) => {
    assert.ok(error instanceof UnsavedReferenceError, String(error));
    assert.match(error.message, pattern);
    assert.match(error.message, /Nothing was committed/);
    return true;
  };
  const author = (name: string) => Object.assign(new EmAuthor(), { name });
  const book = (title: string) => Object.assign(new EmBook(), { title });
  /** An author with one book, committed; returned loaded in a session of its own with its books read. */
  const seeded = async (session: Session) => {
    const seeding = ctx.session();
    const a = author("Herbert");
    a.books.push(book("Dune"));
    seeding.add(a);
    await seeding.commit();
    const loaded = (await session.get(EmAuthor, a.id))!;
    await lazy(loaded).books;
    return loaded;
  };

  test("a new book expunged from a new author's list: refused, nothing written; taken out of the list, the author alone", async () => {
    const session = ctx.session();
    const a = author("Le Guin");
    const b = book("Earthsea");
    a.books.push(b);
    session.add(a);
    session.expunge(b);
    await assert.rejects(session.commit(), refused(/EmAuthor\.books holds a EmBook that is not in the session \(expunged, or deleted while new\), so its row would not be written/));
    assert.deepEqual(await database(), { authors: [], books: [], notes: [], tags: [] });
    assert.equal(inspect(a).status, "pending");
    a.books.splice(0, 1);
    await session.commit();
    assert.deepEqual(await database(), { authors: ["Le Guin"], books: [], notes: [], tags: [] });
  });

  test("a new book pushed to a persistent author's list, then expunged: refused; added again, written once", async () => {
    const session = ctx.session();
    const a = await seeded(session);
    const b = book("Children of Dune");
    a.books.push(b);
    session.expunge(b);
    await assert.rejects(session.commit(), refused(/EmAuthor\.books holds a EmBook that is not in the session/));
    assert.deepEqual((await database()).books, ["Dune:Herbert"]);
    session.add(b);
    await session.commit();
    assert.deepEqual((await database()).books, ["Children of Dune:Herbert", "Dune:Herbert"]);
  });

  test("a new book deleted while in a list: refused, naming the list to take it out of", async () => {
    const session = ctx.session();
    const a = await seeded(session);
    const b = book("Heretics");
    a.books.push(b);
    session.delete(b);
    await assert.rejects(session.commit(), refused(/take it out of EmAuthor\.books/));
    a.books.splice(a.books.indexOf(b), 1);
    await session.commit();
    assert.deepEqual((await database()).books, ["Dune:Herbert"]);
  });

  test("a persistent book moved to another author, then expunged: refused, its foreign key would not move", async () => {
    const session = ctx.session();
    const a = await seeded(session);
    const dune = a.books[0]!;
    const other = author("Asimov");
    session.add(other);
    other.books.push(dune);
    session.expunge(dune);
    await assert.rejects(session.commit(), refused(/its author_id naming the EmAuthor would not be written/));
    assert.deepEqual((await database()).books, ["Dune:Herbert"]);
  });

  test("a persistent book moved to another author, expunged, then merged back: the row names the new author, the commit resolves", async () => {
    const session = ctx.session();
    const a = await seeded(session);
    const dune = a.books[0]!;
    const other = author("Asimov");
    session.add(other);
    other.books.push(dune);
    session.expunge(dune);
    const merged = await session.merge(dune); // another object for the row, its author the new one
    assert.notEqual(merged, dune);
    await session.commit();
    assert.deepEqual((await database()).books, ["Dune:Asimov"]);
  });

  test("a persistent book moved, expunged, its row read again as another object left as it was: refused", async () => {
    const session = ctx.session();
    const a = await seeded(session);
    const dune = a.books[0]!;
    const other = author("Asimov");
    session.add(other);
    other.books.push(dune);
    session.expunge(dune);
    assert.notEqual(await session.get(EmBook, dune.id), dune);
    await assert.rejects(session.commit(), refused(/its author_id naming the EmAuthor would not be written/));
    assert.deepEqual((await database()).books, ["Dune:Herbert"]);
  });

  test("a book expunged after a flush wrote it: its row is in, the commit resolves", async () => {
    const session = ctx.session();
    const a = author("Banks");
    const b = book("Excession");
    a.books.push(b);
    session.add(a);
    await session.flush();
    session.expunge(b);
    await session.commit();
    assert.deepEqual((await database()).books, ["Excession:Banks"]);
  });

  test("a note in a list that does not cascade save-update, never added: refused; added, written with its author", async () => {
    const session = ctx.session();
    const a = author("Lem");
    const note = Object.assign(new EmNote(), { text: "Solaris" });
    a.notes.push(note);
    session.add(a);
    await assert.rejects(session.commit(), refused(/EmAuthor\.notes holds a EmNote that was never added to the session \(EmAuthor\.notes does not cascade save-update\)/));
    assert.deepEqual(await database(), { authors: [], books: [], notes: [], tags: [] });
    session.add(note);
    await session.commit();
    assert.deepEqual((await database()).notes, ["Solaris:Lem"]);
  });

  test("written by an autoflush before the note is added: the commit writes the note with its author's key", async () => {
    const session = ctx.session();
    const a = author("Gibson");
    const note = Object.assign(new EmNote(), { text: "Neuromancer" });
    a.notes.push(note);
    session.add(a);
    await session.scalars(select(EmAuthor)); // autoflush: the author's row, the note noted
    session.add(note);
    await session.commit();
    assert.deepEqual((await database()).notes, ["Neuromancer:Gibson"]);
  });

  test("a tag expunged from a many-to-many list: the flush is refused before its first statement; added back, linked", async () => {
    const session = ctx.session();
    const a = author("Vinge");
    const tag = Object.assign(new EmTag(), { name: "sf" });
    a.tags.push(tag);
    session.add(a);
    session.expunge(tag);
    await assert.rejects(session.commit(), refused(/EmAuthor\.tags holds a EmTag that is not in the session .*the link to it cannot be written: it has no row/));
    assert.deepEqual(await database(), { authors: [], books: [], notes: [], tags: [] });
    session.add(tag);
    await session.commit();
    assert.deepEqual((await database()).tags, ["sf:Vinge"]);
  });

  test("a book of another session pushed to an author's list: refused, naming the other session", async () => {
    const session = ctx.session();
    const a = await seeded(session);
    const other = ctx.session();
    const b = book("Chapterhouse");
    other.add(b);
    a.books.push(b); // the cascade leaves it in its own session
    await assert.rejects(session.commit(), refused(/EmAuthor\.books holds a EmBook that belongs to another session, so its row would not be written/));
    assert.deepEqual((await database()).books, ["Dune:Herbert"]);
    other.expunge(b);
    session.add(b);
    await session.commit();
    assert.deepEqual((await database()).books, ["Chapterhouse:Herbert", "Dune:Herbert"]);
  });
}, { createOnce: true });
