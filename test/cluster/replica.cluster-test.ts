/**
 * Reads from the streaming replica (hot standby, port 5433): a Session on an engine made with
 * `readOnly: true` reads what the primary committed once the replica has replayed it, refuses to
 * flush before anything is sent (and stays usable), and PostgreSQL's own refusal of a write
 * (SQLSTATE 25006) is a ReadOnlyDatabaseError. A writing session reads from the primary only.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  ReadOnlyDatabaseError,
  ReadOnlySessionError,
  Session,
  TransactionRolledBackError,
  columnsOf,
  createEngine,
  inspect,
  insert,
  select,
  sql,
  type Engine,
} from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { pgCluster, replayed, type PgCluster } from "./pg-cluster.js";

describe("PostgreSQL streaming replica", () => {
  let cluster: PgCluster;
  let primary: Engine;
  let replica: Engine;
  const sent: string[] = [];
  before(async () => {
    cluster = await pgCluster();
    primary = createEngine(cluster.primary);
    replica = createEngine(cluster.replica, { readOnly: true, echo: (message) => void sent.push(message.split("\n")[0]!) });
    await Base.metadata.dropAll(primary);
    await Base.metadata.createAll(primary);
    const session = new Session(primary);
    session.add(Object.assign(new User(), { email: "ann@x", name: "Ann" }));
    await session.commit();
    await session.close();
    await replayed(cluster);
  });
  after(async () => {
    await replica.dispose();
    await Base.metadata.dropAll(primary);
    await primary.dispose();
  });

  test("a read-only session on the replica reads committed rows; a flush is refused before anything is sent, and the session goes on", async () => {
    const session = new Session(replica);
    try {
      const [ann] = await session.scalars(select(User).where(columnsOf(User).email.eq("ann@x")));
      assert.equal(ann?.name, "Ann");
      ann!.name = "Changed";
      const newcomer = Object.assign(new User(), { email: "bob@x" });
      session.add(newcomer);
      sent.length = 0;
      await assert.rejects(session.flush(), (error: unknown) => {
        assert.ok(error instanceof ReadOnlySessionError, String(error));
        assert.match(error.message, /read-only .*cannot flush: User \(1 new, 1 changed\)\. Nothing was sent/);
        return true;
      });
      await assert.rejects(session.commit(), ReadOnlySessionError);
      assert.deepEqual(sent, [], "no statement reached the replica");
      assert.equal(inspect(newcomer).status, "pending", "the work stays pending, nothing lost");
      // Bulk statements are refused the same way.
      await assert.rejects(session.execute(insert(User).values({ email: "carl@x" })), ReadOnlySessionError);
      // Usable: drop the changes, read again, commit the (read-only) transaction.
      await session.rollback();
      const again = await session.scalars(select(User));
      assert.deepEqual(again.map((u) => u.name), ["Ann"]);
      await session.commit();
    } finally {
      await session.close();
    }
  });

  test("SQL text that writes is refused by the replica itself (SQLSTATE 25006): ReadOnlyDatabaseError, then rollback() and the session goes on", async () => {
    const session = new Session(replica);
    try {
      await assert.rejects(session.execute(sql`UPDATE users SET name = 'x'`), (error: unknown) => {
        assert.ok(error instanceof ReadOnlyDatabaseError, String(error));
        assert.equal(error.code, "25006");
        assert.match(error.message, /read-only transaction\. Nothing was written.*engine on the primary/);
        return true;
      });
      await assert.rejects(session.scalars(select(User)), TransactionRolledBackError);
      await session.rollback();
      assert.equal((await session.scalars(select(User))).length, 1);
    } finally {
      await session.close();
    }
  });

  test("an engine on the replica without readOnly: the flush fails with ReadOnlyDatabaseError, rolled back, its work pending again", async () => {
    const plain = createEngine(cluster.replica);
    const session = new Session(plain);
    try {
      const bob = Object.assign(new User(), { email: "bob@x" });
      session.add(bob);
      await assert.rejects(session.commit(), ReadOnlyDatabaseError);
      assert.equal(inspect(bob).status, "pending");
      await session.rollback();
      assert.equal((await session.scalars(select(User))).length, 1);
    } finally {
      await session.close();
      await plain.dispose();
    }
  });

  test("read-your-writes: a writing session reads its own flushed rows from the primary; the replica sees them only once committed and replayed", async () => {
    const writer = new Session(primary);
    const reader = new Session(replica);
    try {
      const ann = (await writer.scalars(select(User).where(columnsOf(User).email.eq("ann@x"))))[0]!;
      writer.add(Object.assign(new Post(), { author: ann, title: "fresh" }));
      await writer.flush();
      assert.deepEqual((await writer.scalars(select(Post))).map((p) => p.title), ["fresh"], "the writer sees its write");
      assert.equal((await reader.scalars(select(Post))).length, 0, "not committed: not on the replica");
      await reader.commit();
      await writer.commit();
      await replayed(cluster);
      assert.deepEqual((await reader.scalars(select(Post))).map((p) => p.title), ["fresh"], "committed and replayed");
    } finally {
      await writer.close();
      await reader.close();
    }
  });
});
