/**
 * A natural primary key changed, its children's foreign key declared `onUpdate: "cascade"`: the
 * database moves the children's rows itself, and the session's objects of those rows follow as
 * rows that hold the new key. A child whose primary key includes the foreign key (an order's
 * lines) used to be updated again by the flush, named by its old key, which no row had any more:
 * a false StaleDataError, and the key change could not be committed while the lines were loaded.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, Registry, inspect, integer, lazy, manyToOne, oneToMany, sql, string, table } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

function schema() {
  const registry = new Registry();
  const m = registry.metadata;
  table("nk_orders", m, { code: string(10).primaryKey(), note: string(20) });
  table("nk_lines", m, {
    orderCode: string(10).named("order_code").references("nk_orders.code", { onUpdate: "cascade", onDelete: "cascade" }).primaryKey(),
    no: integer().primaryKey(),
    text: string(20),
  });
  table("nk_tags", m, { id: integer().primaryKey(), orderCode: string(10).named("order_code").references("nk_orders.code", { onUpdate: "cascade" }) });
  class Order {
    declare code: string;
    declare note: string | null;
    declare lines: Line[];
    declare tags: Tag[];
  }
  class Line {
    declare orderCode: string;
    declare no: number;
    declare text: string | null;
    declare order: Order | null;
  }
  class Tag {
    declare id: number;
    declare orderCode: string | null;
  }
  registry.mapImperatively(Order, m.tables.get("nk_orders")!, {
    properties: {
      lines: oneToMany("Line" as never, { backPopulates: "order", cascade: "all, delete-orphan" }),
      tags: oneToMany("Tag" as never),
    },
  });
  registry.mapImperatively(Line, m.tables.get("nk_lines")!, { properties: { order: manyToOne("Order" as never, { backPopulates: "lines" }) } });
  registry.mapImperatively(Tag, m.tables.get("nk_tags")!);
  return { registry, Order, Line, Tag };
}

const { registry, Order, Line, Tag } = schema();

forEachDatabaseWithSchema("a natural key changed, children following by ON UPDATE CASCADE", registry.metadata, (ctx) => {
  const rows = async () => ({
    orders: (await ctx.engine.execute(sql<{ code: string }>`SELECT code FROM nk_orders ORDER BY code`)).rows.map((r) => r.code),
    lines: (await ctx.engine.execute(sql<{ c: string; n: number; t: string }>`SELECT order_code AS c, no AS n, text AS t FROM nk_lines ORDER BY order_code, no`)).rows.map(
      (r) => `${r.c}/${Number(r.n)}:${r.t}`,
    ),
    tags: (await ctx.engine.execute(sql<{ c: string }>`SELECT order_code AS c FROM nk_tags ORDER BY id`)).rows.map((r) => r.c),
  });
  /** Order "a" with lines 1 and 2 and a tag. */
  async function seed(): Promise<void> {
    const session = ctx.session();
    const order = Object.assign(new Order(), { code: "a", note: "n" });
    order.lines.push(Object.assign(new Line(), { no: 1, text: "one" }), Object.assign(new Line(), { no: 2, text: "two" }));
    order.tags.push(Object.assign(new Tag(), { id: 1 }));
    session.add(order);
    await session.commit();
    await session.close();
  }

  test("its lines loaded: the key change commits, the lines are found under the new key", async () => {
    await seed();
    const session = ctx.session({ expireOnCommit: false });
    const order = (await session.get(Order, "a"))!;
    const lines = await lazy(order).lines;
    await lazy(order).tags;
    order.code = "b";
    await session.commit();
    assert.deepEqual(await rows(), { orders: ["b"], lines: ["b/1:one", "b/2:two"], tags: ["b"] });
    ctx.reset();
    assert.equal(await session.get(Line, ["b", 1]), lines[0], "the same object, under its row's key");
    assert.equal(ctx.statements.length, 0);
    lines[1]!.text = "deux";
    await session.commit();
    assert.deepEqual((await rows()).lines, ["b/1:one", "b/2:deux"]);
  });

  test("a line loaded alone (the list not loaded) and changed after: written under the new key", async () => {
    await seed();
    const session = ctx.session({ expireOnCommit: false });
    const order = (await session.get(Order, "a"))!;
    const line = (await session.get(Line, ["a", 2]))!;
    order.code = "b";
    await session.flush();
    assert.equal(line.orderCode, "b");
    line.text = "deux";
    await session.commit();
    assert.deepEqual((await rows()).lines, ["b/1:one", "b/2:deux"]);
  });

  test("a line changed in the flush of the key change: both written", async () => {
    await seed();
    const session = ctx.session();
    const order = (await session.get(Order, "a"))!;
    const lines = await lazy(order).lines;
    order.code = "b";
    lines[0]!.text = "uno";
    await session.commit();
    assert.deepEqual((await rows()).lines, ["b/1:uno", "b/2:two"]);
  });

  test("the flush fails after the key change: nothing written, and the retried commit writes it once", async () => {
    await seed();
    // A row "c" the session does not hold: only the database can refuse the new one, after the key change ran.
    // (Two new objects with one key are refused by the flush before any statement: duplicate-new-keys.test.ts.)
    await ctx.engine.execute(sql`INSERT INTO nk_orders (code) VALUES ('c')`);
    const session = ctx.session();
    const order = (await session.get(Order, "a"))!;
    const lines = await lazy(order).lines;
    order.code = "b";
    lines[0]!.text = "uno";
    const clash = [Object.assign(new Order(), { code: "c" })];
    session.addAll(clash);
    await assert.rejects(session.commit(), IntegrityError);
    assert.deepEqual(await rows(), { orders: ["a", "c"], lines: ["a/1:one", "a/2:two"], tags: ["a"] });
    assert.equal(inspect(lines[0]!).status, "persistent");
    clash[0]!.code = "d";
    await session.commit();
    assert.deepEqual(await rows(), { orders: ["b", "c", "d"], lines: ["b/1:uno", "b/2:two"], tags: ["b"] });
  });
}, { createOnce: true });
