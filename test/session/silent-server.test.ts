/**
 * A server that stops answering, through the Session and `sessionMaker().transaction`, with
 * `statementTimeoutMs`: the session never waits for ever, and stays truthful. A COMMIT that
 * reached the server before the silence is an unknown outcome (nothing put back, the work not run
 * again); a statement of the flush lost before COMMIT is a lost connection, whose transaction the
 * server rolled back, and the work runs again, each row once. The silence is real: a TCP proxy
 * stops forwarding, both ways, and keeps the sockets open.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { CommitOutcomeUnknownError, Session, createEngine, inspect, select, sessionMaker, type Engine } from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { settlesWithin } from "../support/settles.js";
import { TcpProxy } from "../support/tcp-proxy.js";

forEachDatabaseWithSchema("a server that stops answering, through the session", Base.metadata, (ctx) => {
  const network = ctx.db.name === "sqlite" && "SQLite runs in-process: no server to go silent";
  let proxy: TcpProxy | undefined;
  let proxied: Engine | undefined;
  beforeEach(async () => {
    if (network) return;
    proxy = await TcpProxy.start(ctx.db.url, ctx.db.name === "postgresql" ? 5432 : 3306);
    proxied = createEngine(proxy.url(ctx.db.url), { statementTimeoutMs: 400 });
  });
  afterEach(async () => {
    await proxied?.dispose();
    await proxy?.close();
    proxied = proxy = undefined;
  });

  async function emails(): Promise<string[]> {
    const check = ctx.session();
    const found = (await check.scalars(select(User))).map((u) => u.email);
    await check.close();
    return found;
  }

  test("commit() whose COMMIT reached the server before the silence: CommitOutcomeUnknownError within statementTimeoutMs, nothing put back; the row is there once", { skip: network }, async () => {
    const session = new Session(proxied!);
    try {
      const user = Object.assign(new User(), { email: "silent@x" });
      session.add(user);
      await session.flush();
      const silent = proxy!.silenceAfter("COMMIT");
      await assert.rejects(settlesWithin(session.commit()), CommitOutcomeUnknownError);
      await silent;
      assert.notEqual(inspect(user).status, "pending", "not put back to be inserted again");
      await settlesWithin(session.commit()); // nothing to write, on a new connection
      assert.deepEqual(await emails(), ["silent@x"]);
      await settlesWithin(session.refresh(user));
      assert.equal(user.email, "silent@x");
    } finally {
      await session.close();
    }
  });

  test("sessionMaker().transaction does not run the work again when the server went silent after COMMIT reached it", { skip: network }, async () => {
    let runs = 0;
    const silent = proxy!.silenceAfter("COMMIT");
    await assert.rejects(
      settlesWithin(
        sessionMaker(proxied!).transaction(
          async (session) => {
            runs++;
            session.add(Object.assign(new User(), { email: `once-${runs}@x` }));
          },
          { backoffMs: 1 },
        ),
      ),
      CommitOutcomeUnknownError,
    );
    await silent;
    assert.equal(runs, 1);
    assert.deepEqual(await emails(), ["once-1@x"]);
  });

  test("sessionMaker().transaction runs the work again when the server goes silent mid-flush, before COMMIT: each row once", { skip: network }, async () => {
    let runs = 0;
    const author = Object.assign(new User(), { email: "author@x" });
    author.posts.push(Object.assign(new Post(), { title: "first" }));
    const silent = proxy!.silenceAfter("posts"); // the flush's second INSERT reaches the server, its answer never comes
    await settlesWithin(
      sessionMaker(proxied!).transaction(
        async (session) => {
          runs++;
          session.add(author);
        },
        { backoffMs: 1 },
      ),
    );
    await silent;
    assert.equal(runs, 2, "the silent connection's transaction was never committed: run again");
    assert.deepEqual(await emails(), ["author@x"]);
    assert.equal(await ctx.count("posts"), 1);
  });
}, { createOnce: true, sqliteFile: true });
