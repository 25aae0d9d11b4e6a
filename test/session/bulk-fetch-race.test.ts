/**
 * A bulk UPDATE synchronised by "fetch" where the database has no UPDATE ... RETURNING (MariaDB)
 * reads the keys of the rows first. That SELECT read the transaction's snapshot, while the UPDATE
 * changes the rows as they are now: after another transaction had changed a row's match, the
 * session gave the statement's values to the object of a row it did not update, and left the
 * object of a row it did update as it was. Assigning that object the value it showed then changed
 * nothing, and the commit resolved with the statement's value in the row. The keys are now read
 * with a locking SELECT, which sees (and holds) the rows as the UPDATE will.
 *
 * The default, "auto", evaluated the WHERE on the session's objects instead, where it could (as
 * SQLAlchemy does): objects read before another transaction changed their rows were matched or
 * missed by their old values, with the same lost assignment. With objects of the class in the
 * session it now follows the rows changed (RETURNING, or the locking SELECT).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, update, sql } from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema(
  "bulk UPDATE synchronised by fetch, rows changed by another transaction",
  Base.metadata,
  (ctx) => {
    test("the objects of the rows the UPDATE changed, and only those, get its values", { skip: ctx.db.name === "sqlite" && "SQLite serializes writers" }, async () => {
      const seed = ctx.session();
      const author = Object.assign(new User(), { email: "a@x" });
      seed.add(Object.assign(new Post(), { id: 1, title: "x", body: "old", author }));
      seed.add(Object.assign(new Post(), { id: 2, title: "y", body: "old", author }));
      await seed.commit();
      const session = ctx.session();
      const [one, two] = [(await session.get(Post, 1))!, (await session.get(Post, 2))!]; // MariaDB: the snapshot is taken
      await ctx.engine.execute(sql`UPDATE posts SET title = 'x' WHERE id = 2`);
      await ctx.engine.execute(sql`UPDATE posts SET title = 'z' WHERE id = 1`);
      const p = columnsOf(Post);
      assert.equal(await session.execute(update(Post).where(p.title.eq("x")).values({ body: "bulk" }), { synchronizeSession: "fetch" }), 1);
      assert.deepEqual([one.body, two.body], ["old", "bulk"], "as the rows are");
      two.body = "old"; // meant: written
      await session.commit();
      assert.deepEqual((await ctx.engine.execute(sql<{ id: number; body: string }>`SELECT id, body FROM posts ORDER BY id`)).rows.map((r) => [Number(r.id), r.body]), [
        [1, "old"],
        [2, "old"],
      ]);
    });

    test("auto (the default) follows the rows changed too, not the WHERE evaluated on objects read before another transaction's change", async () => {
      const seed = ctx.session();
      const [ann, bob] = ["ann@x", "bob@x"].map((email) => Object.assign(new User(), { email }));
      seed.add(Object.assign(new Post(), { id: 1, title: "one", body: "old", author: ann }));
      seed.add(Object.assign(new Post(), { id: 2, title: "two", body: "old", author: bob }));
      await seed.commit();
      const session = ctx.session({ expireOnCommit: false });
      const [one, two] = [(await session.get(Post, 1))!, (await session.get(Post, 2))!];
      await session.commit(); // ends the read transaction (SQLite: the other may write)
      // Another transaction swaps the authors: in memory one is still ann's, two bob's.
      await ctx.engine.execute(sql`UPDATE posts SET author_id = ${two.authorId} WHERE id = 1`);
      await ctx.engine.execute(sql`UPDATE posts SET author_id = ${one.authorId} WHERE id = 2`);
      const p = columnsOf(Post);
      assert.equal(await session.execute(update(Post).where(p.authorId.eq(one.authorId)).values({ body: "bulk" })), 1);
      assert.deepEqual([one.body, two.body], ["old", "bulk"], "as the rows are");
      two.body = "old"; // meant: written
      await session.commit();
      assert.deepEqual((await ctx.engine.execute(sql<{ id: number; body: string }>`SELECT id, body FROM posts ORDER BY id`)).rows.map((r) => [Number(r.id), r.body]), [
        [1, "old"],
        [2, "old"],
      ]);
    });
  },
  { createOnce: true, sqliteFile: true },
);
