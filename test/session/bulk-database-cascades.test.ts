/**
 * A bulk UPDATE or DELETE whose rows the database's own foreign key actions carry on: a key
 * changed under `onUpdate: "cascade"`, rows deleted under `onDelete: "cascade"` or `"set null"`.
 * The session's objects of the referencing rows follow, as after a flush: they used to keep the
 * old key or stay persistent with their rows gone, and their next change (or deletion) failed
 * with a StaleDataError blaming another transaction (bulk-cascades.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, deleteFrom, foreignKey, inspect, integer, lazy, manyToOne, oneToMany, sql, string, table, update, type SynchronizeSession } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

function schema() {
  const registry = new Registry();
  const m = registry.metadata;
  const orders = table("dc_orders", m, { code: string(10).primaryKey(), note: string(20) });
  table("dc_lines", m, {
    orderCode: string(10).named("order_code").references("dc_orders.code", { onUpdate: "cascade", onDelete: "cascade" }).primaryKey(),
    no: integer().primaryKey(),
    text: string(20),
  });
  table("dc_notes", m, {
    id: integer().primaryKey(),
    lineOrder: string(10).named("line_order"),
    lineNo: integer().named("line_no"),
    text: string(20),
  }, (c) => [foreignKey([c.lineOrder, c.lineNo], "dc_lines", ["order_code", "no"], { onDelete: "cascade", onUpdate: "cascade" })]);
  table("dc_tags", m, { id: integer().primaryKey(), orderCode: string(10).named("order_code").references("dc_orders.code", { onDelete: "set null", onUpdate: "cascade" }), text: string(20) });
  class Order {
    declare code: string;
    declare note: string | null;
    declare lines: Line[];
  }
  class Line {
    declare orderCode: string;
    declare no: number;
    declare text: string | null;
    declare order: Order | null;
  }
  class Note {
    declare id: number;
    declare lineOrder: string | null;
    declare lineNo: number | null;
    declare text: string | null;
  }
  class Tag {
    declare id: number;
    declare orderCode: string | null;
    declare text: string | null;
  }
  registry.mapImperatively(Order, orders, { properties: { lines: oneToMany("Line" as never, { backPopulates: "order", cascade: "all, delete-orphan" }) } });
  registry.mapImperatively(Line, m.tables.get("dc_lines")!, { properties: { order: manyToOne("Order" as never, { backPopulates: "lines" }) } });
  registry.mapImperatively(Note, m.tables.get("dc_notes")!);
  registry.mapImperatively(Tag, m.tables.get("dc_tags")!);
  return { registry, orders, Order, Line, Note, Tag };
}

const { registry, orders, Order, Line, Note, Tag } = schema();

forEachDatabaseWithSchema("bulk statements and the database's foreign key actions", registry.metadata, (ctx) => {
  /** Orders "a" and "z"; "a" with lines 1 and 2, a note on line 1 and a tag. */
  async function seeded() {
    const seed = ctx.session();
    const order = Object.assign(new Order(), { code: "a", note: "n" });
    order.lines.push(Object.assign(new Line(), { no: 1, text: "one" }), Object.assign(new Line(), { no: 2, text: "two" }));
    seed.addAll([order, Object.assign(new Order(), { code: "z", note: "other" })]);
    await seed.flush();
    seed.addAll([Object.assign(new Note(), { id: 1, lineOrder: "a", lineNo: 1, text: "note" }), Object.assign(new Tag(), { id: 1, orderCode: "a", text: "tag" })]);
    await seed.commit();
    await seed.close();
    const session = ctx.session();
    const held = (await session.get(Order, "a"))!;
    const lines = [...(await lazy(held).lines)];
    const note = (await session.get(Note, 1))!;
    const tag = (await session.get(Tag, 1))!;
    return { session, order: held, lines, note, tag };
  }
  const q = async (text: string) => (await ctx.engine.execute(sql.raw(text) as never)).rows as Record<string, unknown>[];
  const o = orders.c;

  for (const strategy of ["auto", "fetch"] as const satisfies readonly SynchronizeSession[]) {
    test(`a bulk UPDATE of a key under ON UPDATE CASCADE (${strategy}): the referencing objects hold the new key, and their changes commit`, async () => {
      const { session, lines, note } = await seeded();
      await session.execute(update(Order as never).where(o.code.eq("a")).values({ code: "b" } as never), { synchronizeSession: strategy });
      assert.deepEqual(lines.map((line) => line.orderCode), ["b", "b"]);
      assert.deepEqual([note.lineOrder, note.lineNo], ["b", 1], "two levels down");
      assert.deepEqual(inspect(lines[0]!).modified, [], "as stored, not a change to write");
      assert.equal(await session.get(Line, ["b", 1]), lines[0], "filed under its row's key");
      lines[0]!.text = "uno"; // used to fail with a StaleDataError: UPDATE ... WHERE order_code = 'a'
      note.text = "changed";
      await session.commit();
      assert.deepEqual(await q("SELECT order_code AS c, no AS n, text AS t FROM dc_lines ORDER BY no"), [{ c: "b", n: 1, t: "uno" }, { c: "b", n: 2, t: "two" }]);
      assert.deepEqual(await q("SELECT line_order AS c, text AS t FROM dc_notes"), [{ c: "b", t: "changed" }]);
    });
  }

  test("a bulk UPDATE of a key under ON UPDATE CASCADE, the parent not held: the objects referencing it follow; a rollback moves them back", async () => {
    const { session, order, tag } = await seeded();
    session.expunge(order); // its lines with it (cascade "all")
    await session.execute(update(Order as never).where(o.code.eq("a")).values({ code: "b" } as never));
    assert.equal(tag.orderCode, "b");
    tag.text = "changed";
    await session.flush();
    await session.rollback();
    await session.refresh(tag);
    assert.equal(tag.orderCode, "a");
    tag.text = "after the rollback";
    await session.commit();
    assert.deepEqual(await q("SELECT order_code AS c, text AS t FROM dc_tags"), [{ c: "a", t: "after the rollback" }]);
  });

  for (const strategy of ["auto", "fetch"] as const satisfies readonly SynchronizeSession[]) {
    test(`a bulk DELETE under ON DELETE CASCADE / SET NULL (${strategy}): the objects of rows it deleted are deleted, those it unlinked hold NULL`, async () => {
      const { session, lines, note, tag } = await seeded();
      await session.execute(deleteFrom(Order as never).where(o.code.eq("a")), { synchronizeSession: strategy });
      assert.deepEqual(lines.map((line) => inspect(line).status), ["deleted", "deleted"]);
      assert.equal(inspect(note).status, "deleted", "two levels down");
      assert.equal(await session.get(Line, ["a", 1]), undefined, "it used to return the line, its row gone");
      assert.equal(tag.orderCode, null);
      assert.deepEqual(inspect(tag).modified, []);
      session.delete(lines[1]!); // used to fail with a StaleDataError: DELETE matched 0 rows
      tag.text = "kept";
      await session.commit();
      assert.deepEqual(await q("SELECT order_code AS c, text AS t FROM dc_tags"), [{ c: null, t: "kept" }]);
      assert.deepEqual(await q("SELECT count(*) AS n FROM dc_lines").then((r) => Number(r[0]!.n)), 0);
    });
  }

  test("a bulk DELETE under ON DELETE CASCADE rolled back: the objects it deleted are persistent again", async () => {
    const { session, lines, note } = await seeded();
    await session.execute(deleteFrom(Order as never).where(o.code.eq("a")));
    await session.rollback();
    assert.deepEqual(lines.map((line) => inspect(line).status), ["persistent", "persistent"]);
    assert.equal(inspect(note).status, "persistent");
    note.text = "after the rollback";
    await session.commit();
    assert.deepEqual(await q("SELECT text AS t FROM dc_notes"), [{ t: "after the rollback" }]);
  });
}, { createOnce: true });
