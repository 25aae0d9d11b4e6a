/**
 * `session.execute(sql\`...\`)`: SQL text runs in the session's transaction, after the autoflush,
 * and returns the Core Result (rows and row count). A rollback undoes it, a commit keeps it. A
 * statement the session cannot write again (SQL text that may write, Core or ORM DML) makes a
 * later failed flush end in a rollback the application must call, never a quiet retry without it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DBAPIError, IntegrityError, InvalidRequestError, Result, TransactionRolledBackError, insert, sql, update, type Session } from "../../src/index.js";
import { TextLedgerBase, TxAccount, TxNote, txAudit } from "./fixtures/text-ledger.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("SQL text through session.execute", TextLedgerBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    session.addAll([[1, "ann", 50], [2, "bob", 80], [3, "cy", 500]].map(([id, owner, balance]) => Object.assign(new TxAccount(), { id, owner, balance })));
    await session.commit();
    await session.close();
    await ctx.engine.execute(insert(txAudit).values({ id: 1, note: "audit" }));
  }
  const balances = (session: Session) =>
    session.execute(sql<{ id: number; balance: number }>`SELECT id, balance FROM tx_accounts ORDER BY id`).then((r) => r.rows.map((row) => [Number(row.id), Number(row.balance)]));
  const raise = sql`UPDATE tx_accounts SET balance = balance + ${10} WHERE balance < ${100}`;

  test("an UPDATE: its row count; a later query of the session sees it; rollback undoes it", async () => {
    await seed();
    const session = ctx.session();
    const result = await session.execute(raise);
    assert.ok(result instanceof Result);
    assert.equal(result.rowCount, 2);
    assert.deepEqual(result.rows, []);
    assert.deepEqual(await balances(session), [[1, 60], [2, 90], [3, 500]]);
    await session.rollback();
    assert.equal(await ctx.count("tx_accounts", "balance IN (50, 80, 500)"), 3, "the rollback undid it");
    assert.deepEqual(await balances(session), [[1, 50], [2, 80], [3, 500]], "the session goes on after the rollback");
  });

  test("an UPDATE, then commit: written", async () => {
    await seed();
    const session = ctx.session();
    assert.equal((await session.execute(raise)).rowCount, 2);
    await session.commit();
    assert.equal(await ctx.count("tx_accounts", "balance IN (60, 90, 500)"), 3);
  });

  test("the session autoflushes first: a pending object is updated by the statement", async () => {
    const session = ctx.session();
    session.add(Object.assign(new TxAccount(), { id: 7, owner: "dee", balance: 5 }));
    assert.equal((await session.execute(raise)).rowCount, 1);
    await session.commit();
    assert.equal(await ctx.count("tx_accounts", "id = 7 AND balance = 15"), 1);
  });

  test("a SELECT returns its rows, typed by sql<Row>, with their count", async () => {
    await seed();
    const session = ctx.session();
    const result = await session.execute(sql<{ owner: string }>`SELECT owner FROM tx_accounts WHERE balance > ${60} ORDER BY owner`);
    assert.deepEqual(result.rows.map((row) => row.owner), ["bob", "cy"]);
    assert.equal(result.rowCount, 2);
    assert.equal(result.first()?.owner, "bob");
  });

  test("objects the session holds keep their values until expired (as SQLAlchemy's text())", async () => {
    await seed();
    const session = ctx.session();
    const ann = (await session.get(TxAccount, 1))!;
    await session.execute(raise);
    assert.equal(ann.balance, 50);
    session.expire(ann);
    await session.refresh(ann);
    assert.equal(ann.balance, 60);
  });

  /** A way of writing through the session, and the rows (table, WHERE) it leaves once committed. */
  const writers: [string, (session: Session) => Promise<unknown>, string, string][] = [
    ["SQL text", (session) => session.execute(raise), "tx_accounts", "balance IN (60, 90)"],
    ["Core update(table)", (session) => session.execute(update(txAudit).set({ note: "changed" })), "tx_audit", "note = 'changed'"],
    ["ORM update(Model)", (session) => session.execute(update(TxAccount).where(update(TxAccount).table.c.balance.lt(100)).values({ balance: 0 })), "tx_accounts", "balance = 0"],
  ];
  for (const [what, write, table, written] of writers) {
    test(`${what}, then a flush that fails: no quiet retry without it; rollback, and the session is usable`, async () => {
      await seed();
      const session = ctx.session();
      await write(session);
      session.add(Object.assign(new TxAccount(), { id: 9, owner: "ann", balance: 1 })); // a duplicate owner
      await assert.rejects(session.commit(), IntegrityError);
      await assert.rejects(session.commit(), TransactionRolledBackError, "a commit now would lose the statement's rows");
      await session.rollback();
      assert.equal(await ctx.count("tx_accounts", "balance IN (50, 80, 500)"), 3);
      assert.equal(await ctx.count("tx_audit", "note = 'audit'"), 1);
      assert.equal(await ctx.count("tx_accounts", "id = 9"), 0);
      await write(session);
      await session.commit();
      assert.equal(await ctx.count(table, written), table === "tx_audit" ? 1 : 2, "written on the second try");
    });
  }

  test("inside a savepoint: a failed flush leaves the savepoint to be rolled back, which undoes the statement", async () => {
    await seed();
    const session = ctx.session();
    const savepoint = await session.beginNested();
    await session.execute(raise);
    session.add(Object.assign(new TxAccount(), { id: 9, owner: "ann", balance: 1 }));
    await assert.rejects(session.flush(), IntegrityError);
    await assert.rejects(session.flush(), TransactionRolledBackError);
    await savepoint.rollback();
    assert.deepEqual(await balances(session), [[1, 50], [2, 80], [3, 500]]);
    await session.execute(raise);
    await session.commit();
    assert.equal(await ctx.count("tx_accounts", "balance IN (60, 90, 500)"), 3);
  });

  test("a COMMIT refused for its data (a deferred foreign key) after SQL text: no retry without it; rollback", { skip: ctx.db.name === "mysql" && "MariaDB has no deferred constraints" }, async () => {
    await seed();
    if (ctx.db.name === "postgresql") {
      const fk = await ctx.engine.execute(sql<{ name: string }>`SELECT conname AS name FROM pg_constraint WHERE conrelid = 'tx_notes'::regclass AND contype = 'f'`);
      await ctx.engine.execute(sql`ALTER TABLE tx_notes ALTER CONSTRAINT ${sql.raw(`"${fk.rows[0]!.name}"`)} DEFERRABLE INITIALLY DEFERRED`);
    }
    const session = ctx.session();
    if (ctx.db.name === "sqlite") await session.execute(sql`PRAGMA defer_foreign_keys = ON`);
    await session.execute(raise);
    const note = Object.assign(new TxNote(), { id: 1, accountId: 999 });
    session.add(note);
    await assert.rejects(session.commit(), IntegrityError, "the flush passed; the COMMIT checked the key");
    note.accountId = 1;
    await assert.rejects(session.commit(), TransactionRolledBackError, "a commit now would lose the UPDATE");
    await session.rollback();
    assert.equal(await ctx.count("tx_accounts", "balance IN (50, 80, 500)"), 3);
    assert.equal(await ctx.count("tx_notes"), 0);
  });

  test("after a SELECT, a failed flush is rolled back and its work written again once fixed, as without one", async () => {
    await seed();
    const session = ctx.session();
    await balances(session);
    const dup = Object.assign(new TxAccount(), { id: 9, owner: "ann", balance: 1 });
    session.add(dup);
    await assert.rejects(session.commit(), IntegrityError);
    dup.owner = "eve";
    await session.commit();
    assert.equal(await ctx.count("tx_accounts", "owner = 'eve'"), 1);
  });

  test("a statement the database refuses: a typed error; after a rollback the session is usable", async () => {
    const session = ctx.session();
    await assert.rejects(session.execute(sql`UPDATE tx_no_such_table SET x = 1`), DBAPIError);
    await session.rollback();
    assert.equal((await session.execute(raise)).rowCount, 0);
  });
}, { createOnce: true });

forEachDatabaseWithSchema("SQL text that would commit the session's transaction implicitly", TextLedgerBase.metadata, (ctx) => {
  test("MariaDB: DDL through session.execute is refused before it is sent; the flushed work stays in the transaction, and rollback() discards it", { skip: ctx.db.name !== "mysql" && "MySQL/MariaDB commit implicitly before DDL" }, async () => {
    await ctx.engine.execute(sql`DROP TABLE IF EXISTS text_ddl_probe`); // left by a run before the guard
    const session = ctx.session();
    session.add(Object.assign(new TxAccount(), { id: 1, owner: "flushed", balance: 1 }));
    await session.flush();
    // Sent, it would commit the flushed row, and rollback() would say it was discarded.
    await assert.rejects(session.execute(sql`CREATE TABLE text_ddl_probe (id INT)`), InvalidRequestError);
    await assert.rejects(session.execute(sql`TRUNCATE TABLE tx_audit`), InvalidRequestError);
    await session.rollback();
    assert.equal(await ctx.count("tx_accounts"), 0, "nothing was committed");
    assert.equal(await ctx.count("information_schema.tables", "table_name = 'text_ddl_probe' AND table_schema = DATABASE()"), 0);
    // A temporary table does not end the transaction: allowed.
    await session.execute(sql`CREATE TEMPORARY TABLE text_ddl_temp (id INT)`);
    await session.execute(sql`DROP TEMPORARY TABLE text_ddl_temp`);
    await session.rollback();
  });

  test("COMMIT or ROLLBACK as SQL text, through session.execute or session.connection(), is refused before it is sent: rollback() discards the flushed work", async () => {
    const session = ctx.session();
    session.add(Object.assign(new TxAccount(), { id: 1, owner: "flushed", balance: 1 }));
    await session.flush();
    // Sent, COMMIT would commit the flushed row, and rollback() would say it was discarded.
    await assert.rejects(session.execute(sql`COMMIT`), /would begin or end a transaction behind the back/);
    const conn = await session.connection();
    await assert.rejects(conn.run("commit"), InvalidRequestError);
    await assert.rejects(conn.execute(sql`ROLLBACK`), InvalidRequestError);
    await assert.rejects(conn.run("SAVEPOINT mine"), InvalidRequestError);
    if (ctx.db.name === "mysql") await assert.rejects(conn.run("CREATE TABLE text_ddl_probe (id INT)"), /commit the open transaction before/);
    await session.rollback();
    assert.equal(await ctx.count("tx_accounts"), 0, "nothing was committed");
    // Outside a transaction, SQL text may drive one itself (the engine's pool copes with it).
    await ctx.engine.withConnection(async (own) => {
      await own.run("BEGIN");
      await own.run("ROLLBACK");
    });
  });
}, { createOnce: true });
