/**
 * A many-to-one naming an object that is not in the session (its relationship does not cascade
 * save-update, or the object was expunged): that object is never inserted, so the row's foreign key
 * has nothing to copy. The commit used to resolve with the key NULL while the object graph showed
 * the link (SQLAlchemy writes NULL too, with a warning). It is refused now with
 * UnsavedReferenceError, rolled back with its work pending again; an autoflush or `flush()` may
 * still write the row before the object is added, as long as it is added before the commit.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect, select, UnsavedReferenceError, type Session } from "../../src/index.js";
import { UnsavedBase, UrAuthor, UrBook } from "./fixtures/unsaved-reference.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("a many-to-one to an object not in the session", UnsavedBase.metadata, (ctx) => {
  /** Every book as "title:author name" ("-" for none), read by a session of its own. */
  const books = async () => {
    const session = ctx.session();
    try {
      const rows = await session.scalars(select(UrBook));
      const authors = new Map((await session.scalars(select(UrAuthor))).map((a) => [a.id, a.name]));
      return rows.map((b) => `${b.title}:${b.authorId === null ? "-" : authors.get(b.authorId)}`).sort();
    } finally {
      await session.close();
    }
  };
  const bookBy = (author: UrAuthor | null, title = "Dune"): UrBook => Object.assign(new UrBook(), { title, author });

  test("the commit is refused, naming the attribute and the fix; nothing is written, and the work is pending again", async () => {
    const session: Session = ctx.session();
    const author = Object.assign(new UrAuthor(), { name: "Herbert" });
    const book = bookBy(author);
    session.add(book);
    await assert.rejects(session.commit(), (error: unknown) => {
      assert.ok(error instanceof UnsavedReferenceError, String(error));
      assert.match(error.message, /UrBook\.author holds a UrAuthor that is not in the session/);
      assert.match(error.message, /session\.add/);
      return true;
    });
    assert.deepEqual(await books(), []);
    assert.equal(inspect(book).status, "pending");
    assert.equal(book.author, author);
    // Fixed as the message says: both rows, linked.
    session.add(author);
    await session.commit();
    await session.close();
    assert.deepEqual(await books(), ["Dune:Herbert"]);
  });

  test("written by an autoflush before the author is added: the commit copies the author's key once it is", async () => {
    const session = ctx.session();
    const author = Object.assign(new UrAuthor(), { name: "Le Guin" });
    session.add(bookBy(author, "Earthsea"));
    await session.scalars(select(UrBook)); // autoflush: the book's row is written, its key waits
    session.add(author);
    await session.commit();
    await session.close();
    assert.deepEqual(await books(), ["Earthsea:Le Guin"]);
  });

  test("an author expunged before the commit: refused too, and the author's row is not written", async () => {
    const session = ctx.session();
    const author = Object.assign(new UrAuthor(), { name: "Banks" });
    session.add(author);
    session.add(bookBy(author, "Excession"));
    session.expunge(author);
    await assert.rejects(session.commit(), UnsavedReferenceError);
    await session.rollback();
    await session.close();
    assert.deepEqual(await books(), []);
  });

  test("no author (null), or one already in the database: committed as before", async () => {
    const setup = ctx.session();
    const author = Object.assign(new UrAuthor(), { name: "Jemisin" });
    setup.add(author);
    await setup.commit();
    await setup.close();
    const session = ctx.session();
    const loaded = (await session.get(UrAuthor, author.id))!;
    session.addAll([bookBy(null, "Anonymous"), bookBy(loaded, "The Fifth Season")]);
    await session.commit();
    await session.close();
    assert.deepEqual(await books(), ["Anonymous:-", "The Fifth Season:Jemisin"]);
  });
}, { createOnce: true });
