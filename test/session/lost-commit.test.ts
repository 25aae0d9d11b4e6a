/**
 * A COMMIT whose reply is lost, through the Session: the outcome is unknown, so the session puts
 * nothing back to be written again, and `sessionMaker().transaction` does not run the work a
 * second time. The loss is real: a TCP proxy forwards the COMMIT and drops the server's answer.
 * A connection lost before COMMIT (the proxy resets it mid-flush) is different: the server rolled
 * back, and `sessionMaker().transaction` runs the work again, as it promised and used not to.
 * A write run outside the session in autocommit, its answer lost, is an unknown outcome too.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { CommitOutcomeUnknownError, Session, createEngine, inspect, select, sessionMaker, sql, type Engine } from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { TcpProxy } from "../support/tcp-proxy.js";

forEachDatabaseWithSchema("a lost COMMIT through the session", Base.metadata, (ctx) => {
  const network = ctx.db.name === "sqlite" && "SQLite runs in-process: there is no reply to lose";
  let proxy: TcpProxy | undefined;
  let proxied: Engine | undefined;
  before(async () => {
    if (network) return;
    proxy = await TcpProxy.start(ctx.db.url, ctx.db.name === "postgresql" ? 5432 : 3306);
    proxied = createEngine(proxy.url(ctx.db.url));
  });
  after(async () => {
    await proxied?.dispose();
    await proxy?.close();
  });

  async function emails(): Promise<string[]> {
    const check = ctx.session();
    const found = (await check.scalars(select(User))).map((u) => u.email);
    await check.close();
    return found;
  }

  test("commit() rejects with CommitOutcomeUnknownError; the row is in, and committing again writes it no second time", { skip: network }, async () => {
    const session = new Session(proxied!);
    const user = Object.assign(new User(), { email: "unknown@x" });
    session.add(user);
    await session.flush();
    const lost = proxy!.loseReplyTo("COMMIT");
    await assert.rejects(session.commit(), CommitOutcomeUnknownError);
    await lost;
    assert.notEqual(inspect(user).status, "pending", "not put back to be inserted again");
    await session.commit(); // nothing to write: no duplicate row, no unique violation
    assert.deepEqual(await emails(), ["unknown@x"], "the COMMIT reached the server: the row is there, once");
    await session.refresh(user); // reads what the database holds, on a new connection
    assert.equal(user.email, "unknown@x");
    await session.close();
  });

  test("sessionMaker().transaction does not run the work again after a lost COMMIT reply", { skip: network }, async () => {
    let runs = 0;
    const lost = proxy!.loseReplyTo("COMMIT");
    await assert.rejects(
      sessionMaker(proxied!).transaction(async (session) => {
        runs++;
        session.add(Object.assign(new User(), { email: `once-${runs}@x` }));
      }),
      CommitOutcomeUnknownError,
    );
    await lost;
    assert.equal(runs, 1);
    assert.deepEqual(await emails(), ["once-1@x"]);
  });

  test("sessionMaker().transaction does not run the work again after a write it ran outside the session (autocommit) lost its answer", { skip: network }, async () => {
    let runs = 0;
    const lost = proxy!.loseReplyTo("autocommit-");
    await assert.rejects(
      sessionMaker(proxied!).transaction(
        async () => {
          runs++;
          await proxied!.execute(sql`INSERT INTO users (email) VALUES (${`autocommit-${runs}@x`})`);
        },
        { backoffMs: 1 },
      ),
      CommitOutcomeUnknownError,
    );
    await lost;
    assert.equal(runs, 1, "the INSERT may have been applied: not run again");
    assert.deepEqual(await emails(), ["autocommit-1@x"], "it was: written once");
  });

  test("sessionMaker().transaction runs the work again when the connection is lost mid-flush, before COMMIT: each row once", { skip: network }, async () => {
    // An engine of its own: its statements reach the proxy as text (not yet prepared on a connection).
    const engine = createEngine(proxy!.url(ctx.db.url));
    try {
      let runs = 0;
      const author = Object.assign(new User(), { email: "author@x" });
      author.posts.push(Object.assign(new Post(), { title: "first" }));
      const cut = proxy!.cutBefore("posts"); // the flush's second INSERT never reaches the server
      await sessionMaker(engine).transaction(
        async (session) => {
          runs++;
          session.add(author);
        },
        { backoffMs: 1 },
      );
      await cut;
      assert.equal(runs, 2, "the lost transaction was rolled back by the server: run again");
      assert.deepEqual(await emails(), ["author@x"]);
      assert.equal(await ctx.count("posts"), 1);
    } finally {
      await engine.dispose();
    }
  });
}, { createOnce: true, sqliteFile: true });
