/**
 * `engine.dispose()` while a session holds a connection in an open transaction: once
 * `pool.disposeTimeoutMs` has passed, dispose closes the connection and the database rolls the
 * transaction back. The session must then refuse to commit until `rollback()`, as after any lost
 * connection. It used to answer "this transaction has already ended", put the work flushed in
 * the lost transaction back as pending, and let the next `commit()` write it on a new connection
 * and resolve: values computed from reads the database had thrown away (an unversioned row's
 * update, here), written without the application ever rolling back.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConnectionsNotReturnedWarning, Session, TransactionRolledBackError, createEngine, inspect, sessionMaker, type Engine } from "../../src/index.js";
import { Base, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("engine.dispose() under a session's transaction", Base.metadata, (ctx) => {
  /** An engine of its own, disposed by the test; the warnings of its dispose are collected. */
  async function withOwnEngine(fn: (engine: Engine, warnings: Error[]) => Promise<void>): Promise<void> {
    const engine = createEngine(ctx.db.url, { pool: { disposeTimeoutMs: 50 } });
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on("warning", listen);
    try {
      await fn(engine, warnings);
    } finally {
      process.off("warning", listen);
      await engine.dispose();
    }
  }

  /** A user whose name holds a count. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    session.add(Object.assign(new User(), { id: 1, email: "count@x", name: "10" }));
    await session.commit();
  }

  test("the session's flush and commit throw TransactionRolledBackError until rollback(), and nothing of the lost transaction is written", async () => {
    await seed();
    await withOwnEngine(async (engine, warnings) => {
      const session = new Session(engine);
      const counter = (await session.get(User, 1))!;
      counter.name = String(Number(counter.name) + 1);
      const added = Object.assign(new User(), { id: 2, email: "added@x" });
      session.add(added);
      await session.flush();
      await engine.dispose(); // the session never returns its connection: closed, its transaction rolled back
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(warnings.some((w) => w instanceof ConnectionsNotReturnedWarning));
      added.name = "changed";
      await assert.rejects(session.flush(), TransactionRolledBackError, "a flush on the closed connection");
      await assert.rejects(session.commit(), TransactionRolledBackError);
      await assert.rejects(session.commit(), TransactionRolledBackError, "only a rollback may follow");
      assert.equal(await ctx.count("users"), 1, "the flushed INSERT went with the connection");
      assert.equal(await ctx.count("users", "name = '10'"), 1, "the flushed UPDATE went with the connection");
      await session.rollback();
      assert.equal(inspect(added).status, "transient");
      session.add(added);
      await session.commit(); // a new pool, a new connection
      assert.equal(await ctx.count("users"), 2);
      assert.equal(await ctx.count("users", "name = '10'"), 1, "the count's update was not written on its own");
    });
  });

  test("sessionMaker().transaction runs the work again, in a new transaction, after dispose() closed its connection", async () => {
    await seed();
    await withOwnEngine(async (engine) => {
      let attempts = 0;
      await sessionMaker(engine).transaction(
        async (session) => {
          attempts++;
          const counter = (await session.get(User, 1))!;
          counter.name = String(Number(counter.name) + 1);
          await session.flush();
          if (attempts === 1) await engine.dispose();
        },
        { backoffMs: 1 },
      );
      assert.equal(attempts, 2);
      assert.equal(await ctx.count("users", "name = '11'"), 1, "counted once, from what the database holds");
    });
  });
}, { createOnce: true, sqliteFile: true });
