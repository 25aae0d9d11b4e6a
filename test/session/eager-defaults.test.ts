/**
 * Server defaults and generated columns read back by the flush's own statements (SQLAlchemy's
 * `eager_defaults`). Before, an INSERT left them expired (ExpiredAttributeError until a refresh),
 * as did an UPDATE for the generated ones. Now the INSERT's RETURNING gives them on all three
 * databases, and an UPDATE's on PostgreSQL and SQLite; MariaDB has no UPDATE ... RETURNING, so
 * there they stay expired. An undone INSERT or UPDATE takes the values it read back with it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ExpiredAttributeError, IntegrityError, columnsOf, inspect, select } from "../../src/index.js";
import { stateOf } from "../../src/orm/state/instance-state.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { EagerBase, EdCircle, EdCode, EdPlain, EdQuiet, EdSquare, EdTicket } from "./fixtures/eager-defaults.js";

const ticket = (title: string, qty: number, extra: Partial<EdTicket> = {}) => Object.assign(new EdTicket(), { title, qty, ...extra });
const code = (c: string, label: string) => Object.assign(new EdCode(), { code: c, label });

forEachDatabaseWithSchema("eager defaults: values the database computes, read back in the flush", EagerBase.metadata, (ctx) => {
  const t = columnsOf(EdTicket);
  const updateReturns = ctx.db.name !== "mysql";

  test("a multi-row INSERT with generated keys: every object reads its own defaults and generated values after flush(), one statement", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const objects = [ticket("a", 1), ticket("b", 2, { status: "urgent" }), ticket("c", 3, { priority: 9 }), ticket("d", 4)];
    session.addAll(objects);
    ctx.reset();
    await session.flush();
    // Rows giving status or priority: a group each. SQLite inserts rows whose key is generated one
    // per statement, PostgreSQL reads the key's sequence once (generated-key-order.ts).
    const inserts = () => ctx.statements.filter((s) => !s.includes("pg_get_serial_sequence"));
    assert.equal(inserts().length, ctx.db.name === "sqlite" ? 4 : 3, ctx.statements.join("\n"));
    assert.ok(inserts().every((s) => /^INSERT/.test(s) && /RETURNING/.test(s)), ctx.statements.join("\n"));
    const read = objects.map((o) => [o.title, o.status, o.priority, o.doubled]);
    assert.deepEqual(read, [["a", "new", 3, 2], ["b", "urgent", 3, 4], ["c", "new", 9, 6], ["d", "new", 3, 8]]);
    assert.equal(inserts().length, ctx.db.name === "sqlite" ? 4 : 3, "read without another statement");
    await session.commit();
    const rows = (await ctx.engine.execute(select(t.id, t.status, t.priority, t.doubled).orderBy(t.id))).rows;
    const byId = [...objects].sort((x, y) => x.id - y.id);
    assert.deepEqual(rows, byId.map((o) => ({ id: o.id, status: o.status, priority: o.priority, doubled: o.doubled })));
  });

  test("given keys: RETURNING rows go to the objects whose keys they name; a JSON default read back is watched for changes in place", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const objects = ["k3", "k1", "k2"].map((c) => code(c, `label ${c}`));
    session.addAll(objects);
    ctx.reset();
    await session.flush();
    assert.equal(ctx.statements.length, 1, ctx.statements.join("\n"));
    assert.deepEqual(objects.map((o) => [o.code, o.rank, o.shout, o.meta]), [
      ["k3", 5, "LABEL K3", { tags: [] }],
      ["k1", 5, "LABEL K1", { tags: [] }],
      ["k2", 5, "LABEL K2", { tags: [] }],
    ]);
    objects[1]!.meta!.tags.push("x");
    await session.commit();
    const k = columnsOf(EdCode);
    assert.deepEqual((await ctx.engine.execute(select(k.meta).where(k.code.eq("k1")))).rows, [{ meta: { tags: ["x"] } }], "the change in place was written");
  });

  test("a model with neither sends the statements it always sent: the generated key alone is read back", async () => {
    const session = ctx.session();
    session.addAll([Object.assign(new EdPlain(), { name: "a" }), Object.assign(new EdPlain(), { name: "b" })]);
    ctx.reset();
    await session.commit();
    const inserts = ctx.statements.filter((s) => !s.includes("pg_get_serial_sequence"));
    // SQLite: rows whose key is generated go one per statement, the key (the rowid) their insert id (generated-key-order.ts).
    if (ctx.db.name === "sqlite") assert.deepEqual(inserts, ["INSERT INTO \"ed_plain\" (\"name\") VALUES (?)", "INSERT INTO \"ed_plain\" (\"name\") VALUES (?)"]);
    else {
      assert.equal(inserts.length, 1, ctx.statements.join("\n"));
      assert.match(inserts[0]!, /^INSERT INTO .ed_plain. \(.name.\) VALUES \(\S+\), \(\S+\) RETURNING .id.$/);
    }
  });

  test("an UPDATE of a generated column's input: read back by its RETURNING (PostgreSQL, SQLite); expired on MariaDB", async () => {
    const seed = ctx.session();
    const a = ticket("a", 4);
    seed.add(a);
    await seed.commit();
    const session = ctx.session({ expireOnCommit: false });
    const b = (await session.get(EdTicket, a.id))!;
    assert.equal(b.doubled, 8);
    b.qty = 6;
    ctx.reset();
    await session.flush();
    assert.equal(ctx.statements.length, 1, ctx.statements.join("\n"));
    if (updateReturns) {
      assert.match(ctx.statements[0]!, /^UPDATE .* RETURNING .doubled.$/);
      assert.equal(b.doubled, 12);
      assert.equal(ctx.statements.length, 1, "read without another statement");
    } else {
      assert.doesNotMatch(ctx.statements[0]!, /RETURNING/);
      assert.throws(() => b.doubled, ExpiredAttributeError, "not the stale 8");
      await session.refresh(b);
      assert.equal(b.doubled, 12);
    }
    await session.commit();
    assert.equal(await ctx.count("ed_tickets", `id = ${a.id} AND doubled = 12`), 1);
  });

  test("rollback: the values read back leave with the INSERT; added again, the database computes them again", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const a = ticket("a", 2);
    session.add(a);
    await session.flush();
    assert.deepEqual([a.status, a.priority, a.doubled], ["new", 3, 4]);
    await session.rollback();
    assert.equal(inspect(a).status, "transient");
    assert.deepEqual([a.status, a.priority, a.doubled], [null, null, null], "not kept as if the row held them");
    a.qty = 5;
    session.add(a);
    ctx.reset();
    await session.flush();
    const inserted = ctx.statements.find((s) => /^INSERT/.test(s))!;
    assert.doesNotMatch(inserted.split("VALUES")[0]!, /status|priority/, "the defaults are not written as given values");
    assert.deepEqual([a.status, a.priority, a.doubled], ["new", 3, 10]);
    await session.commit();
    assert.equal(await ctx.count("ed_tickets", "doubled = 10"), 1);
  });

  test("a savepoint rolled back: an UPDATE's generated value read back does not survive, an INSERT's values leave", async () => {
    const seed = ctx.session();
    const a = ticket("a", 4);
    seed.add(a);
    await seed.commit();
    const session = ctx.session({ expireOnCommit: false });
    const b = (await session.get(EdTicket, a.id))!;
    assert.equal(b.doubled, 8);
    const savepoint = await session.beginNested();
    b.qty = 6;
    const c = ticket("c", 1);
    session.add(c);
    await session.flush();
    assert.equal(c.doubled, 2);
    if (updateReturns) assert.equal(b.doubled, 12);
    await savepoint.rollback();
    assert.equal(b.qty, 4);
    let doubled: number | undefined;
    try {
      doubled = b.doubled;
    } catch (e) {
      assert.ok(e instanceof ExpiredAttributeError);
    }
    assert.notEqual(doubled, 12, "the rolled-back UPDATE's value is not readable");
    assert.equal(c.doubled, null);
    await session.refresh(b);
    assert.equal(b.doubled, 8);
    await session.commit();
    assert.equal(await ctx.count("ed_tickets"), 1);
  });
  test("@model({ eagerDefaults: false }): the INSERT reads back the key alone and the UPDATE nothing; the values expire until a refresh", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const q = Object.assign(new EdQuiet(), { qty: 2 });
    session.add(q);
    ctx.reset();
    await session.flush();
    assert.doesNotMatch(ctx.statements[0]!, /priority|doubled/, ctx.statements[0]);
    assert.throws(() => q.priority, ExpiredAttributeError);
    assert.throws(() => q.doubled, ExpiredAttributeError);
    await session.refresh(q);
    assert.deepEqual([q.priority, q.doubled], [3, 4]);
    q.qty = 5;
    ctx.reset();
    await session.flush();
    assert.doesNotMatch(ctx.statements[0]!, /RETURNING/, ctx.statements[0]);
    assert.throws(() => q.doubled, ExpiredAttributeError);
    await session.commit();
    assert.equal(await ctx.count("ed_quiet", "doubled = 10"), 1);
  });

  test("single-table inheritance: a subclass's row reads back the defaults of the columns the hierarchy maps", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const circle = new EdCircle();
    const square = new EdSquare();
    session.addAll([circle, square]);
    await session.flush();
    assert.deepEqual([circle.size, circle.radius, square.size, square.side], [10, 1, 10, 2]);
    assert.ok(!("undefined" in stateOf(circle)!.dict) && !("undefined" in stateOf(square)!.dict), "no value set under no attribute");
    await session.commit();
    assert.equal(await ctx.count("ed_shapes", "kind = 'circle' AND radius = 1 AND side = 2"), 1, "the sibling's default applied by the database");
  });

  test("a later flush fails: the transaction's INSERT gives its values up, its UPDATE's generated value expires; the retry reads them again", async () => {
    const seed = ctx.session();
    const x = ticket("x", 4);
    seed.addAll([x, code("dup", "taken")]);
    await seed.commit();
    const session = ctx.session({ expireOnCommit: false });
    const loaded = (await session.get(EdTicket, x.id))!;
    loaded.qty = 6;
    const fresh = ticket("fresh", 1);
    session.add(fresh);
    await session.flush();
    assert.deepEqual([fresh.status, fresh.doubled], ["new", 2]);
    if (updateReturns) assert.equal(loaded.doubled, 12);
    const duplicate = code("dup", "again");
    session.add(duplicate);
    await assert.rejects(session.flush(), IntegrityError); // the transaction is rolled back: neither row change is in
    assert.equal(inspect(fresh).status, "pending");
    assert.deepEqual([fresh.status, fresh.doubled], [null, null], "the undone INSERT's values are not kept");
    assert.throws(() => loaded.doubled, ExpiredAttributeError, "the undone UPDATE's value is not readable");
    duplicate.code = "new";
    await session.commit();
    assert.deepEqual([fresh.status, fresh.doubled, loaded.qty], ["new", 2, 6]);
    if (updateReturns) assert.equal(loaded.doubled, 12);
    assert.equal(await ctx.count("ed_tickets", `id = ${x.id} AND doubled = 12`), 1);
    assert.equal(await ctx.count("ed_tickets", "title = 'fresh' AND status = 'new'"), 1);
  });

  test("PostgreSQL: keys that come back in another form are matched to their rows all the same, or refused, never taken by position", { skip: ctx.db.name !== "postgresql" }, async () => {
    const run = (text: string) => ctx.engine.withConnection((conn) => conn.run(text));
    // CHAR(10): the keys come back padded with spaces. The read-back values still go to their own rows.
    await run("ALTER TABLE ed_codes ALTER COLUMN code TYPE char(10)");
    await run("ALTER TABLE ed_codes ALTER COLUMN rank SET DEFAULT 7");
    await run("CREATE OR REPLACE FUNCTION ed_rank_by_label() RETURNS trigger AS $$ BEGIN NEW.rank := length(NEW.label); RETURN NEW; END $$ LANGUAGE plpgsql");
    await run("CREATE TRIGGER ed_rank BEFORE INSERT ON ed_codes FOR EACH ROW EXECUTE FUNCTION ed_rank_by_label()");
    const session = ctx.session({ expireOnCommit: false });
    const objects = [code("p1", "a"), code("p2", "bbb"), code("p3", "cc")];
    session.addAll(objects);
    await session.flush();
    assert.deepEqual(objects.map((o) => [o.label, o.rank]), [["a", 1], ["bbb", 3], ["cc", 2]]);
    await session.commit();
    // A key the database changes (a trigger upper-casing it) names no row as given: refused, the flush rolled back.
    await run("CREATE OR REPLACE FUNCTION ed_rank_by_label() RETURNS trigger AS $$ BEGIN NEW.code := upper(NEW.code); RETURN NEW; END $$ LANGUAGE plpgsql");
    const refused = ctx.session();
    refused.addAll([code("q1", "x"), code("q2", "y")]);
    await assert.rejects(refused.flush(), /returned keys that do not name them as given/);
    assert.equal(await ctx.count("ed_codes", "code LIKE 'Q%'"), 0);
    await run("DROP TRIGGER ed_rank ON ed_codes");
    await run("DROP FUNCTION ed_rank_by_label()");
  });
}, { createOnce: true });
