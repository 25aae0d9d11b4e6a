/**
 * A model with a generated column (`.generatedAs()`): the flush never writes it, and reads it
 * back. Before, the ORM put the attribute (null when not given) into every INSERT and into an
 * UPDATE, which the database refused; an assignment was taken and then failed the flush.
 * Now an assignment is refused at once (GeneratedColumnError, naming class and attribute), and
 * each INSERT reads the value the database computed back in its RETURNING, as does an UPDATE on
 * PostgreSQL and SQLite; on MariaDB (no UPDATE ... RETURNING) the UPDATE expires it, and
 * `session.refresh(obj)` (or a commit) reads it (eager-defaults.test.ts tests this further).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExpiredAttributeError, GeneratedColumnError, columnsOf, insert, select, update } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { GeneratedBase, GnLine } from "./fixtures/generated-lines.js";

const line = (id: number, price: string, qty: number) => Object.assign(new GnLine(), { id, sku: `sku-${id}`, price, qty });

forEachDatabaseWithSchema("generated columns in the ORM", GeneratedBase.metadata, (ctx) => {
  const g = columnsOf(GnLine);

  test("a flush inserts without the column and reads the computed value back in the INSERT's RETURNING", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const a = line(1, "2.50", 4);
    session.add(a);
    await session.flush();
    assert.ok(ctx.statements.some((s) => /^INSERT/.test(s) && !/total/.test(s.split("RETURNING")[0]!) && /RETURNING .*total/.test(s)), ctx.statements.join("\n"));
    assert.equal(a.total, "10.00");
    await session.commit();
    assert.equal(await ctx.count("gn_lines", "total = 10"), 1);
  });

  test("an UPDATE of the columns it is computed from reads it back (PostgreSQL, SQLite) or expires it (MariaDB)", async () => {
    const seed = ctx.session();
    seed.add(line(1, "2.50", 4));
    await seed.commit();
    const session = ctx.session({ expireOnCommit: false });
    const a = (await session.get(GnLine, 1))!;
    assert.equal(a.total, "10.00");
    a.qty = 6;
    await session.commit();
    if (ctx.db.name === "mysql") {
      assert.throws(() => a.total, ExpiredAttributeError, "not the stale 10.00");
      await session.refresh(a);
    }
    assert.equal(a.total, "15.00");
    await session.close();
    assert.equal(await ctx.count("gn_lines", "total = 15"), 1);
  });

  test("assigning it is refused at once, naming class and attribute; nothing is lost and the session flushes", async () => {
    const seed = ctx.session();
    seed.add(line(1, "2.50", 4));
    await seed.commit();
    const session = ctx.session();
    const a = (await session.get(GnLine, 1))!;
    a.qty = 2;
    assert.throws(
      () => (a.total = "99.00"),
      (e: unknown) => e instanceof GeneratedColumnError && e.target === "GnLine" && e.column === "total" && /^GnLine\.total is a generated column \(gn_lines\.total/.test(e.message),
    );
    const fresh = new GnLine();
    assert.throws(() => Object.assign(fresh, { id: 2, total: "1.00" }), GeneratedColumnError);
    await session.commit();
    assert.deepEqual((await ctx.engine.execute(select(g.id, g.total).orderBy(g.id))).rows, [{ id: 1, total: "5.00" }]);
  });

  test("bulk INSERT and bulk UPDATE leave it out; a value for it is refused before anything is sent", async () => {
    const session = ctx.session();
    await session.execute(insert(GnLine), [{ id: 1, sku: "a", price: "1.50", qty: 2 }, { id: 2, sku: "b", price: "3.00", qty: 1 }]);
    await session.execute(update(GnLine).where(g.id.eq(2)).values({ qty: 3 }));
    await assert.rejects(session.execute(insert(GnLine), [{ id: 3, sku: "c", price: "1.00", qty: 1, total: "7.00" } as never]), GeneratedColumnError);
    await session.commit();
    assert.deepEqual((await ctx.engine.execute(select(g.id, g.total).orderBy(g.id))).rows, [{ id: 1, total: "3.00" }, { id: 2, total: "9.00" }]);
  });

  test("a bulk UPDATE of the columns it is computed from expires it on the session's objects, not left stale", async () => {
    const seed = ctx.session();
    seed.add(line(1, "2.50", 4));
    await seed.commit();
    const session = ctx.session();
    const a = (await session.get(GnLine, 1))!;
    assert.equal(a.total, "10.00");
    await session.execute(update(GnLine).where(g.id.eq(1)).values({ qty: 2 }));
    assert.equal(a.qty, 2);
    assert.throws(() => a.total, ExpiredAttributeError, "not the stale 10.00");
    await session.refresh(a);
    assert.equal(a.total, "5.00");
    await session.commit();
  });

  test("merge of a detached copy does not write it, and keeps the changed columns", async () => {
    const seed = ctx.session({ expireOnCommit: false });
    const a = line(1, "2.50", 4);
    seed.add(a);
    await seed.commit();
    await seed.refresh(a);
    seed.expunge(a);
    await seed.close();
    a.qty = 8;
    const session = ctx.session();
    const merged = await session.merge(a);
    await session.commit();
    await session.refresh(merged);
    assert.equal(merged.total, "20.00");
  });

  test("an upsert through the session returning the model: the session's object shows the value the database recomputed", async () => {
    const seed = ctx.session();
    seed.add(line(1, "2.50", 4));
    await seed.commit();
    const session = ctx.session({ expireOnCommit: false });
    const a = (await session.get(GnLine, 1))!;
    assert.equal(a.total, "10.00");
    const statement = insert(GnLine).values({ id: 1, sku: "sku-1", price: "2.50", qty: 6 });
    const set = { qty: 6 };
    const upsert = ctx.db.name === "mysql" ? statement.onDuplicateKeyUpdate({ set }) : statement.onConflictDoUpdate({ target: [statement.table.c.id], set });
    const [[returned]] = (await session.execute(upsert.returning(GnLine))) as [[GnLine]];
    assert.equal(returned, a);
    assert.deepEqual([a.qty, a.total], [6, "15.00"]);
    await session.commit();
    assert.equal(await ctx.count("gn_lines", "total = 15"), 1);
  });
}, { createOnce: true });
