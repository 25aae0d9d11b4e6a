/**
 * Transaction integrity of the Session: a rollback discards the transaction's work for good, a
 * failed flush inside a savepoint costs only that savepoint, a transaction the database rolled
 * back makes the session refuse work until `rollback()`, and calls made concurrently or left in
 * flight share one connection and one transaction and are waited for.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DetachedInstanceError, IntegrityError, ObjectDeletedError, Session, TransactionRolledBackError, columnsOf, createEngine, inspect, lazy, select, sql } from "../../src/index.js";
import { Base, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const user = (email: string, name: string | null = null) => Object.assign(new User(), { email, name });

forEachDatabaseWithSchema("transaction integrity", Base.metadata, (ctx) => {
  async function emails(): Promise<string[]> {
    const check = ctx.session(); // closed at once: SQLite readers must not hold the writer up
    const found = (await check.scalars(select(User))).map((u) => u.email).sort();
    await check.close();
    return found;
  }

  async function seed(...addresses: string[]): Promise<void> {
    const session = ctx.session();
    session.addAll(addresses.map((email) => user(email, "seeded")));
    await session.commit();
    await session.close();
  }

  test("rollback() discards the unit of work: added objects leave, deletions are undone, and no later commit replays any of it", async () => {
    await seed("kept@x", "doomed@x", "flushed-delete@x");
    const session = ctx.session();
    const [kept, doomed, flushedDelete] = await Promise.all(["kept@x", "doomed@x", "flushed-delete@x"].map(async (email) => (await session.scalars(select(User).where(columnsOf(User).email.eq(email))))[0]!));
    const flushedNew = user("flushed-new@x");
    const pendingNew = user("pending-new@x");
    session.add(flushedNew);
    session.delete(flushedDelete!);
    kept!.name = "changed";
    await session.flush();
    session.add(pendingNew);
    session.delete(doomed!);

    await session.rollback();
    assert.equal(inspect(flushedNew).status, "transient", "an object inserted by a rolled-back flush leaves the session");
    assert.equal(flushedNew.id ?? undefined, undefined, "its generated key is cleared");
    assert.equal(inspect(pendingNew).status, "transient", "an object added and never flushed leaves too");
    assert.equal(inspect(doomed!).status, "persistent", "marked for deletion: persistent again");
    assert.equal(inspect(flushedDelete!).status, "persistent", "deleted by a rolled-back flush: persistent again");
    await session.refresh(kept!);
    assert.equal(kept!.name, "seeded", "changes are discarded (the object reloads)");

    await session.commit();
    assert.deepEqual(await emails(), ["doomed@x", "flushed-delete@x", "kept@x"], "the commit after the rollback writes nothing");
    assert.ok(session.objects.every((obj) => inspect(obj).status === "persistent"));
  });

  test("a failed flush inside a savepoint rolls back to it only: a loop of savepoints keeps every other row", async () => {
    await seed("taken@x");
    const session = ctx.session();
    session.add(user("outer@x"));
    await session.flush();
    const failures: unknown[] = [];
    const attempts = ["a@x", "b@x", "taken@x", "c@x", "d@x"].map((email) => user(email));
    for (const attempt of attempts) {
      const savepoint = await session.beginNested();
      session.add(attempt);
      try {
        await savepoint.commit();
      } catch (error) {
        failures.push(error);
      }
    }
    assert.equal(failures.length, 1);
    assert.ok(failures[0] instanceof IntegrityError, String(failures[0]));
    assert.equal(inspect(attempts[2]!).status, "transient", "the object of the failed savepoint left the session");
    await session.commit();
    assert.deepEqual(await emails(), ["a@x", "b@x", "c@x", "d@x", "outer@x", "taken@x"]);
  });

  test("a plain flush failing inside a savepoint leaves the savepoint open, its work pending again, the outer work intact", async () => {
    await seed("taken@x");
    const session = ctx.session({ expireOnCommit: false });
    session.add(user("outer@x"));
    const savepoint = await session.beginNested();
    const inside = user("inside@x");
    session.add(inside);
    await session.flush();
    const clash = user("taken@x");
    session.add(clash);
    await assert.rejects(session.flush(), IntegrityError);
    assert.equal(inspect(inside).status, "pending", "the savepoint's flushed work is pending again, not lost");
    clash.email = "fixed@x";
    await savepoint.commit();
    await session.commit();
    assert.deepEqual(await emails(), ["fixed@x", "inside@x", "outer@x", "taken@x"]);
  });

  test("PostgreSQL: after a caught statement error the session refuses to commit, and rollback() recovers", { skip: ctx.db.name !== "postgresql" && "only PostgreSQL aborts a transaction on any error" }, async () => {
    const session = ctx.session();
    session.add(user("before-error@x"));
    await session.flush();
    await assert.rejects(session.scalars(select(User).where(sql`1 / 0 = 1`)));
    session.add(user("after-error@x"));
    await assert.rejects(session.commit(), (error: unknown) => error instanceof TransactionRolledBackError && /rollback\(\)/.test(String(error)));
    assert.deepEqual(await emails(), [], "nothing was written");
    await session.rollback();
    session.add(user("after-rollback@x"));
    await session.commit();
    assert.deepEqual(await emails(), ["after-rollback@x"]);
  });

  test("PostgreSQL: an error inside a savepoint fails the savepoint only; rolling it back recovers the transaction", { skip: ctx.db.name !== "postgresql" && "only PostgreSQL aborts a transaction on any error" }, async () => {
    const session = ctx.session();
    session.add(user("outer@x"));
    const savepoint = await session.beginNested();
    await assert.rejects(session.scalars(select(User).where(sql`1 / 0 = 1`)));
    await assert.rejects(session.scalars(select(User)), TransactionRolledBackError);
    await savepoint.rollback();
    await session.commit();
    assert.deepEqual(await emails(), ["outer@x"]);
  });

  test("a deadlock between two sessions: the victim's commit throws until rollback(), its rows are not written, the other commits", { skip: ctx.db.name === "sqlite" && "SQLite serializes writers: no deadlock" }, async () => {
    await seed("one@x", "two@x");
    const [a, b] = [ctx.session(), ctx.session()];
    const rowOf = async (session: Session, email: string) => (await session.scalars(select(User).where(columnsOf(User).email.eq(email))))[0]!;
    const [a1, a2, b1, b2] = [await rowOf(a, "one@x"), await rowOf(a, "two@x"), await rowOf(b, "one@x"), await rowOf(b, "two@x")];
    a1.name = "a";
    await a.flush(); // a locks one
    b2.name = "b";
    await b.flush(); // b locks two
    a2.name = "a";
    b1.name = "b";
    const outcomes = await Promise.allSettled([a.flush(), b.flush()]); // each waits for the other's lock
    const failed = outcomes.findIndex((o) => o.status === "rejected");
    assert.equal(outcomes.filter((o) => o.status === "rejected").length, 1, "one of them is the deadlock's victim");
    const [victim, winner] = failed === 0 ? [a, b] : [b, a];
    await winner.commit();
    await assert.rejects(victim.commit(), TransactionRolledBackError);
    const names = new Set((await Promise.all(["one@x", "two@x"].map(async (email) => {
      const check = ctx.session();
      const found = (await check.scalars(select(User).where(columnsOf(User).email.eq(email))))[0]!.name;
      await check.close();
      return found;
    }))));
    assert.deepEqual([...names], [failed === 0 ? "b" : "a"], "only the winner's writes are in");
    await victim.rollback();
    await victim.commit();
  });

  test("typed errors name the class and key: a refresh of a row deleted meanwhile, a lazy load of a detached object", async () => {
    await seed("gone@x");
    const session = ctx.session();
    const [gone] = await session.scalars(select(User));
    await session.rollback(); // its snapshot would still show the row (MariaDB, SQLite)
    const other = ctx.session();
    other.delete((await other.get(User, gone!.id))!);
    await other.commit();
    await other.close();
    await assert.rejects(session.refresh(gone!), (error: unknown) => error instanceof ObjectDeletedError && new RegExp(`User object \\(id=${gone!.id}\\)`).test(String(error)));
    await session.close();
    await assert.rejects(lazy(gone!).posts, (error: unknown) => error instanceof DetachedInstanceError && /User\.posts/.test(String(error)));
  });

  test("concurrent calls on one session share one connection and one transaction; dispose() then resolves", async () => {
    await seed("c1@x", "c2@x");
    // c1's key as the database gave it (not 1: the suite's tables are emptied, not made again).
    const reader = ctx.session();
    const [c1] = await reader.scalars(select(User).where(columnsOf(User).email.eq("c1@x")));
    await reader.close();
    const begins: string[] = [];
    const engine = createEngine(ctx.db.url, { echo: (message) => void (/^(BEGIN|START TRANSACTION)/i.test(message) && begins.push(message)) });
    const session = new Session(engine);
    session.add(user("c3@x"));
    const [all, one, two] = await Promise.all([session.scalars(select(User)), session.get(User, c1!.id), session.scalars(select(User).where(columnsOf(User).email.eq("c2@x")))]);
    assert.equal(all.length, 3);
    assert.ok(one);
    assert.equal(two.length, 1);
    assert.equal(begins.length, 1, `one BEGIN, got: ${begins.join(" | ")}`);
    await session.commit();
    await session.close();
    await withTimeout(engine.dispose(), 5000, "engine.dispose() with every connection returned");
  });

  test("a commit not awaited before close(), and a flush in flight during rollback(), are waited for", async () => {
    const session = ctx.session();
    session.add(user("in-flight@x"));
    const commit = session.commit();
    await session.close();
    await commit;
    assert.deepEqual(await emails(), ["in-flight@x"], "close() waited for the commit");

    const other = ctx.session();
    const late = user("rolled-back@x");
    other.add(late);
    const flush = other.flush();
    await other.rollback();
    await flush;
    assert.equal(inspect(late).status, "transient");
    assert.deepEqual(await emails(), ["in-flight@x"], "the rollback came after the flush and undid it");
  });
}, { createOnce: true, sqliteFile: true });

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle in ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
