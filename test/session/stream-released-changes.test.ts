/**
 * Objects `session.stream` let go of when their batch ended (detached, to keep memory to a
 * batch), changed afterwards by a program that kept them: the change was dropped without a
 * word at the commit. The session now takes such an object back when it changes, and the commit
 * writes it; unless the session was closed since (it stays detached), or has read its row again
 * as another object (the change is refused, naming both ways out).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { InvalidRequestError, columnsOf, inspect, select } from "../../src/index.js";
import { StBook, StreamBase } from "./fixtures/stream-shop.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("changes to objects a stream let go of", StreamBase.metadata, (ctx) => {
  async function streamedBooks(): Promise<{ session: ReturnType<typeof ctx.session>; books: StBook[] }> {
    const seed = ctx.session();
    seed.addAll(Array.from({ length: 10 }, (_, i) => Object.assign(new StBook(), { id: i + 1, title: `book ${i + 1}` })));
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    const books: StBook[] = [];
    for await (const book of session.stream(select(StBook).orderBy(columnsOf(StBook).id), { yieldPer: 3 })) books.push(book);
    return { session, books };
  }

  test("are taken back by the session when changed, and the commit writes them", async () => {
    const { session, books } = await streamedBooks();
    assert.equal(inspect(books[0]!).status, "detached"); // its batch ended
    books[0]!.title = "changed after its batch";
    assert.equal(inspect(books[0]!).status, "persistent");
    await session.commit();
    assert.equal(await ctx.count("st_books", "id = 1 AND title = 'changed after its batch'"), 1, "the change was dropped");
  });

  test("stay detached once the session is closed, and a change to one read again as another object is refused", async () => {
    const { session, books } = await streamedBooks();
    const again = (await session.get(StBook, 2))!; // read again: another object for row 2
    assert.notEqual(again, books[1]);
    assert.throws(() => (books[1]!.title = "x"), (e: unknown) => e instanceof InvalidRequestError && /let go by session\.stream.*read its row again/.test((e as Error).message));
    await session.close();
    books[2]!.title = "after close";
    assert.equal(inspect(books[2]!).status, "detached");
    await session.commit();
    assert.equal(await ctx.count("st_books", "title = 'after close' OR title = 'x'"), 0);
  });
}, { createOnce: true });
