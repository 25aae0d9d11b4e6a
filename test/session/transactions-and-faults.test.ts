/**
 * Transactions and faults: savepoints that restore what they touched, a retrying transaction
 * helper driven by real serialization failures and deadlocks, optimistic locking, a unique
 * violation in the middle of a large flush, and a connection killed before commit.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, TransactionRolledBackError, StaleDataError, columnsOf, inspect, select, sessionMaker, type Engine } from "../../src/index.js";
import { Base, Post, Tag, User } from "../../examples/blog/index.js";
import { assertSameObjects } from "../support/same-objects.js";
import { CounterBase, SxCounter } from "./fixtures/counter.js";
import { asAnotherRequest } from "../support/another-request.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("transactions and faults", Base.metadata, (ctx) => {

  test("a savepoint's rollback undoes its database work and restores the objects it touched", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const user = new User();
    user.email = "sp@x";
    user.name = "before";
    session.add(user);
    await session.flush();
    const savepoint = await session.beginNested();
    user.name = "inside";
    const tag = new Tag();
    tag.name = "inside";
    session.add(tag);
    await session.flush();
    await savepoint.rollback();
    assert.equal(user.name, "before", "the attribute is restored");
    assert.equal(inspect(tag).status, "transient", "the object added inside is gone from the session");
    await session.commit();
    const check = ctx.session();
    assert.equal((await check.get(User, user.id))!.name, "before");
    await check.close();
    assert.equal(await ctx.count("tags"), 0);
  });

  test("a savepoint's rollback restores the relationships it changed: references and lists, on both sides", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const [ann, bob] = ["ann@sp", "bob@sp"].map((email) => Object.assign(new User(), { email }));
    const post = Object.assign(new Post(), { title: "moving", author: ann! });
    session.addAll([ann!, bob!]);
    await session.flush();
    const savepoint = await session.beginNested();
    post.author = bob!;
    post.tags.push(Object.assign(new Tag(), { name: "inside" }));
    await session.flush();
    await savepoint.rollback();
    assert.equal(post.author, ann, "the reference is restored");
    assertSameObjects(ann!.posts, [post], "and the list it left");
    assert.equal(bob!.posts.length, 0, "and the list it joined");
    assert.equal(post.tags.length, 0);
    await session.commit();
    assert.equal(await ctx.count("posts", `author_id = ${ann!.id}`), 1);
    assert.equal(await ctx.count("post_tags"), 0);
  });

  test("a failed flush leaves a key the application gave as it was (only generated keys are undone)", async () => {
    const seed = ctx.session();
    seed.add(Object.assign(new Post(), { id: 77, title: "taken", author: Object.assign(new User(), { id: 9, email: "seed@x" }) }));
    await seed.commit();
    const session = ctx.session();
    const author = Object.assign(new User(), { id: 5, email: "given@x" });
    const post = Object.assign(new Post(), { id: 77, title: "clash", author }); // a taken key: fails after the users' INSERT
    session.addAll([author, post]);
    await assert.rejects(session.flush(), IntegrityError);
    assert.equal(author.id, 5);
    assert.equal(inspect(author).status, "pending");
    post.id = 78;
    await session.commit();
    assert.equal(await ctx.count("posts", "author_id = 5"), 1);
  });

  test("a savepoint's commit keeps its work", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const savepoint = await session.beginNested();
    const tag = new Tag();
    tag.name = "kept";
    session.add(tag);
    await savepoint.commit();
    await session.commit();
    assert.equal(await ctx.count("tags"), 1);
  });

  test("a unique violation in the middle of a flush of 1,000 objects leaves none of them, and a usable session", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const users = Array.from({ length: 10 }, (_, i) => Object.assign(new User(), { email: `u${i}@x` }));
    const tags = Array.from({ length: 1000 }, (_, i) => Object.assign(new Tag(), { name: `tag-${i}` }));
    tags[500]!.name = "tag-7"; // duplicates tags[7]
    session.addAll([...users, ...tags]);
    await assert.rejects(session.commit(), IntegrityError);
    assert.equal(await ctx.count("users"), 0, "the users inserted earlier in the flush were rolled back too");
    assert.equal(await ctx.count("tags"), 0);
    assert.ok([...users, ...tags].every((o) => inspect(o).status === "pending"), "the objects are pending again");
    tags[500]!.name = "tag-500";
    await session.commit();
    assert.equal(await ctx.count("tags"), 1000);
    assert.equal(await ctx.count("users"), 10);
  });

  test("a connection lost before commit surfaces as an error and leaves the identity map sound", { skip: ctx.db.name === "sqlite" && "SQLite has no server connection to lose" }, async () => {
    const session = ctx.session({ expireOnCommit: false });
    const user = new User();
    user.email = "lost@x";
    session.add(user);
    await session.flush();
    const conn = await session.connection();
    const idQuery = ctx.db.name === "postgresql" ? "SELECT pg_backend_pid() AS id" : "SELECT CONNECTION_ID() AS id";
    const id = Number((await conn.run(idQuery)).rows[0].id);
    await ctx.engine.withConnection((admin) => admin.run(ctx.db.name === "postgresql" ? `SELECT pg_terminate_backend(${id})` : `KILL ${id}`));
    // Once the driver has seen the connection go, the loss is known to precede the COMMIT (else
    // the COMMIT's outcome would be unknown, which another test covers).
    for (const deadline = Date.now() + 5000; !conn.invalidated && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 10));
    // Before, the failed commit put the object back to pending and the next commit wrote it on
    // its own: work whose reads were made in a transaction the database had thrown away.
    await assert.rejects(session.commit());
    assert.equal(await ctx.count("users"), 0);
    await assert.rejects(session.commit(), TransactionRolledBackError, "only a rollback may follow");
    await session.rollback();
    assert.equal(inspect(user).status, "transient", "its row never committed");
    session.add(user);
    await session.commit(); // a new connection, the same object
    assert.equal(inspect(user).status, "persistent");
    assert.equal(await ctx.count("users"), 1);
  });
}, { createOnce: true, sqliteFile: true });

forEachDatabaseWithSchema("optimistic locking and retries", CounterBase.metadata, (ctx) => {
  async function seedCounter(engine: Engine): Promise<void> {
    await sessionMaker(engine).transaction(async (session) => {
      session.add(Object.assign(new SxCounter(), { id: 1, name: "hits", value: 0 }));
    });
  }

  test("two sessions update a versioned row: exactly one wins, the other gets StaleDataError and writes nothing", async () => {
    await seedCounter(ctx.engine);
    const a = ctx.session();
    const b = ctx.session();
    const rowA = (await a.get(SxCounter, 1))!;
    const rowB = (await b.get(SxCounter, 1))!;
    await a.rollback(); // release the read transactions: on SQLite a reader blocks the writer
    await b.rollback();
    rowA.value = 10;
    await a.commit();
    rowB.value = 20;
    await assert.rejects(b.commit(), StaleDataError);
    const check = ctx.session();
    const final = (await check.get(SxCounter, 1))!;
    assert.equal(final.value, 10);
    assert.equal(final.version, 2);
  });

  test("transaction() retries a unit of work whose versioned row another transaction changed after it was read (StaleDataError): the retry reads the new value, nothing is lost", async () => {
    await seedCounter(ctx.engine);
    const Session = sessionMaker(ctx.engine);
    let attempts = 0;
    await Session.transaction(
      async (session) => {
        attempts++;
        const counter = (await session.get(SxCounter, 1))!;
        if (attempts === 1) {
          // Another transaction commits an increment between this one's read and its write.
          await asAnotherRequest(async () => {
            const other = ctx.session();
            (await other.get(SxCounter, 1))!.value += 100;
            await other.commit();
          });
        }
        counter.value += 1;
      },
      { retries: 3, backoffMs: 5 },
    );
    assert.equal(attempts, 2, "the stale first attempt was run again");
    const final = (await ctx.session().get(SxCounter, 1))!;
    assert.deepEqual([final.value, final.version], [101, 3], "both increments, each once");
  });

  test(
    "transaction() retries a unit of work that hit a serialization failure or deadlock",
    { skip: ctx.db.name === "sqlite" && "SQLite serializes writers instead of failing them" },
    async () => {
      await seedCounter(ctx.engine);
      const Session = sessionMaker(ctx.engine);
      let attempts = 0;
      const result = await Session.transaction(
        async (session) => {
          attempts++;
          const counter = (await session.scalars(select(SxCounter).where(columnsOf(SxCounter).name.eq("hits"))))[0]!;
          if (attempts === 1) await asAnotherRequest(() => interfere(ctx.engine, ctx.db.name, session));
          counter.value += 1;
          await session.flush();
          return counter.value;
        },
        // MySQL's SERIALIZABLE turns plain reads into locking reads; its failure mode here is the deadlock.
        { isolationLevel: ctx.db.name === "postgresql" ? "serializable" : "repeatable read", retries: 3, backoffMs: 5 },
      );
      assert.equal(attempts, 2, "the first attempt failed and was retried");
      const check = ctx.session();
      const final = (await check.get(SxCounter, 1))!;
      assert.equal(final.value, result);
      assert.equal(final.value, 101, "the retry saw the concurrent update (100) and added one");
    },
  );
}, { createOnce: true, sqliteFile: true });

/**
 * Makes the first attempt fail for real. PostgreSQL: another transaction updates the row this
 * serializable transaction has read, so this one's update fails with 40001. MariaDB: the two
 * transactions lock two rows in opposite orders; InnoDB rolls back the smaller one, this one,
 * with a deadlock (1213).
 */
async function interfere(engine: Engine, dialect: string, session: import("../../src/index.js").Session): Promise<void> {
  if (dialect === "postgresql") {
    await engine.withConnection(async (other) => {
      await other.run("UPDATE sx_counters SET value = 100, version = version + 1 WHERE id = 1");
    });
    return;
  }
  const mine = await session.connection();
  await mine.run("INSERT INTO sx_counters (id, name, value, version) VALUES (2, 'lock', 0, 1)");
  const other = await engine.connect();
  await other.run("START TRANSACTION");
  await other.run("UPDATE sx_counters SET value = 100, version = version + 1 WHERE id = 1");
  for (let i = 0; i < 20; i++) await other.run(`INSERT INTO sx_counters (id, name, value, version) VALUES (${100 + i}, 'bulk${i}', 0, 1)`);
  // The other transaction waits for row 2, which this one holds...
  const otherDone = other
    .run("UPDATE sx_counters SET value = 0 WHERE id = 2")
    .then(async () => {
      await other.run("DELETE FROM sx_counters WHERE id >= 100");
      await other.run("COMMIT");
    })
    .finally(() => other.close());
  await new Promise((resolve) => setTimeout(resolve, 200));
  try {
    // ...and this one now waits for row 1, which the other holds: InnoDB breaks the cycle by
    // rolling back the smaller transaction, this one.
    await mine.run("UPDATE sx_counters SET value = 1 WHERE id = 1");
  } catch (error) {
    await otherDone; // the other commits its update before this attempt is retried
    throw error;
  }
  await otherDone;
}
