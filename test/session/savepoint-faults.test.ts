/**
 * The connection lost at a savepoint's own statements (SAVEPOINT, RELEASE SAVEPOINT, ROLLBACK TO
 * SAVEPOINT) through the Session: the database rolled the whole transaction back with the
 * connection, so nothing of it may be committed later, on a new connection, as if it were still
 * there; the session refuses work until `rollback()`, after which the work is written once, and
 * `sessionMaker().transaction` runs it again. The losses are real: a TCP proxy resets the
 * connection instead of forwarding the statement.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DBAPIError, Session, TransactionRolledBackError, createEngine, inspect, select, sessionMaker, type Engine } from "../../src/index.js";
import { Base, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { TcpProxy } from "../support/tcp-proxy.js";

forEachDatabaseWithSchema("connections lost at savepoints", Base.metadata, (ctx) => {
  const network = ctx.db.name === "sqlite" && "SQLite runs in-process: there is no connection to lose";
  let proxy: TcpProxy | undefined;
  let engine: Engine | undefined;
  before(async () => {
    if (network) return;
    proxy = await TcpProxy.start(ctx.db.url, ctx.db.name === "postgresql" ? 5432 : 3306);
    engine = createEngine(proxy.url(ctx.db.url));
  });
  after(async () => {
    await engine?.dispose();
    await proxy?.close();
  });

  const user = (email: string) => Object.assign(new User(), { email });
  async function emails(): Promise<string[]> {
    const check = ctx.session();
    const found = (await check.scalars(select(User))).map((u) => u.email).sort();
    await check.close();
    return found;
  }
  const lost = (e: unknown) => (e instanceof DBAPIError && e.connectionInvalidated) || e instanceof TransactionRolledBackError;

  /** The session refuses to commit what the lost transaction held; after rollback(), the work added again is written once. */
  async function refusesThenWritesOnce(session: Session, objects: User[]): Promise<void> {
    await assert.rejects(session.commit(), TransactionRolledBackError);
    assert.deepEqual(await emails(), [], "nothing of the lost transaction is in the database");
    await session.rollback();
    for (const o of objects) assert.equal(inspect(o).status, "transient");
    const expected = objects.map((o) => o.email).sort();
    session.addAll(objects);
    await session.commit();
    assert.deepEqual(await emails(), expected);
  }

  test("lost at RELEASE SAVEPOINT: the savepoint's commit fails, the outer commit refuses; after rollback each row is written once", { skip: network }, async () => {
    const session = new Session(engine!);
    try {
      const outer = user("outer@x");
      session.add(outer);
      await session.flush();
      const sp = await session.beginNested();
      const inner = user("inner@x");
      session.add(inner);
      const cut = proxy!.cutBefore("RELEASE");
      await assert.rejects(sp.commit(), lost);
      await cut;
      await refusesThenWritesOnce(session, [outer, inner]);
    } finally {
      await session.close();
    }
  });

  test("lost at ROLLBACK TO SAVEPOINT: the outer commit refuses; after rollback each row is written once", { skip: network }, async () => {
    const session = new Session(engine!);
    try {
      const outer = user("outer@x");
      session.add(outer);
      await session.flush();
      const sp = await session.beginNested();
      session.add(user("dropped@x"));
      await session.flush();
      const cut = proxy!.cutBefore("ROLLBACK TO");
      await sp.rollback().catch((e: unknown) => assert.ok(lost(e), String(e)));
      await cut;
      await refusesThenWritesOnce(session, [outer]);
    } finally {
      await session.close();
    }
  });

  test("lost at SAVEPOINT: beginNested() fails, the outer commit refuses; after rollback each row is written once", { skip: network }, async () => {
    const session = new Session(engine!);
    try {
      const outer = user("outer@x");
      session.add(outer);
      await session.flush();
      const cut = proxy!.cutBefore("SAVEPOINT");
      await assert.rejects(session.beginNested(), lost);
      await cut;
      await refusesThenWritesOnce(session, [outer]);
    } finally {
      await session.close();
    }
  });

  test("sessionMaker().transaction runs the unit of work again after a loss at RELEASE SAVEPOINT: each row once", { skip: network }, async () => {
    let runs = 0;
    const cut = proxy!.cutBefore("RELEASE");
    await sessionMaker(engine!).transaction(
      async (session) => {
        runs++;
        session.add(user(`outer${runs}@x`));
        const sp = await session.beginNested();
        session.add(user(`inner${runs}@x`));
        await sp.commit();
      },
      { backoffMs: 1 },
    );
    await cut;
    assert.equal(runs, 2);
    assert.deepEqual(await emails(), ["inner2@x", "outer2@x"]);
  });
}, { createOnce: true });
