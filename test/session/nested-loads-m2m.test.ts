/**
 * A chained joined load below a select-in load of a many-to-many: the select-in query starts at
 * the association table, and the inner JOIN is made from the target's table, not from it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { select, selectinLoad } from "../../src/index.js";
import { OrderedBase, OrBook, OrShelf, OrTag } from "./fixtures/ordered.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("nested joined load under a many-to-many select-in", OrderedBase.metadata, (ctx) => {
  test("selectinLoad(Tag, 'books').joinedLoad('shelf'): 2 statements, every shelf loaded", async () => {
    const seed = ctx.session();
    const shelves = [1, 2].map((id) => Object.assign(new OrShelf(), { id }));
    const tag = Object.assign(new OrTag(), { id: 1, name: "t" });
    for (const id of [1, 2, 3]) {
      const book = Object.assign(new OrBook(), { id, position: id, rank: id, shelf: shelves[id % 2]! });
      book.tags.push(tag);
      seed.add(book);
    }
    await seed.commit();
    await seed.close();
    ctx.reset();
    const session = ctx.session();
    const [loaded] = await session.scalars(select(OrTag).options(selectinLoad(OrTag, "books").joinedLoad("shelf")));
    assert.equal(ctx.statements.filter((s) => /^\s*SELECT/i.test(s)).length, 2, ctx.statements.join("\n"));
    ctx.reset();
    assert.deepEqual(loaded!.books.map((b) => [b.id, b.shelf.id]).sort(), [[1, 2], [2, 1], [3, 2]]);
    assert.deepEqual(ctx.statements, []);
  });
}, { createOnce: true });
