/**
 * Loading relationships of many parents, counted in statements: keys, single-column or composite,
 * are bound as one list (`inValues`, up to 20,000 a statement), so one statement loads them all
 * and loads of different sizes share one statement text.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { columnsOf, lazy, select, selectinLoad } from "../../src/index.js";
import { LkBin, LkItem, LkWarehouse, WarehouseBase } from "./fixtures/warehouse.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const WAREHOUSES = 1_200;

forEachDatabaseWithSchema("loading many parents", WarehouseBase.metadata, (ctx) => {
  /** Warehouses (half in DE, half in FR), each with two bins, each bin with one item of the same id. */
  async function seedData(warehouses = WAREHOUSES): Promise<void> {
    const session = ctx.session();
    for (let i = 0; i < warehouses; i++) {
      const warehouse = Object.assign(new LkWarehouse(), { country: i % 2 ? "FR" : "DE", code: i });
      for (const id of [2 * i + 1, 2 * i + 2]) {
        const bin = Object.assign(new LkBin(), { id });
        bin.items.push(Object.assign(new LkItem(), { id }));
        warehouse.bins.push(bin);
      }
      session.add(warehouse);
    }
    await session.commit();
    await session.close();
    ctx.reset();
  }

  test("select-in on a single-column key: one statement for 2,400 parents", async () => {
    await seedData();
    const session = ctx.session();
    const bins = await session.scalars(select(LkBin).options(selectinLoad(LkBin, "items")));
    assert.equal(bins.length, 2 * WAREHOUSES);
    assert.equal(ctx.statements.length, 2);
    assert.ok(bins.every((bin) => bin.items.length === 1 && bin.items[0]!.id === bin.id));
  });

  test("select-in on a composite key: one statement for 1,200 parents, each gets its own members", async () => {
    await seedData();
    const session = ctx.session();
    const warehouses = await session.scalars(select(LkWarehouse).options(selectinLoad(LkWarehouse, "bins")));
    assert.equal(warehouses.length, WAREHOUSES);
    assert.equal(ctx.statements.length, 1 + 1, "the warehouses, then their bins");
    assert.ok(warehouses.every((w) => w.bins.length === 2 && w.bins.every((bin) => bin.country === w.country && bin.code === w.code)));
  });

  test("many-to-one on a composite key, targets not loaded yet: one statement, one object per target", async () => {
    await seedData();
    const session = ctx.session();
    const bins = await session.scalars(select(LkBin).options(selectinLoad(LkBin, "warehouse")));
    assert.equal(ctx.statements.length, 1 + 1);
    assert.ok(bins.every((bin) => bin.warehouse.country === bin.country && bin.warehouse.code === bin.code));
    assert.equal(new Set(bins.map((bin) => bin.warehouse)).size, WAREHOUSES);
  });

  test("loads of 3 and of 4 parents run the same SQL, with exact results", async () => {
    await seedData(4);
    const session = ctx.session();
    const bins = await session.scalars(select(LkBin).where(columnsOf(LkBin).id.le(7)).orderBy(columnsOf(LkBin).id));
    ctx.reset();
    const three = await Promise.all(bins.slice(0, 3).map((bin) => lazy(bin).items));
    const four = await Promise.all(bins.slice(3, 7).map((bin) => lazy(bin).items));
    assert.equal(ctx.statements.length, 2);
    assert.equal(ctx.statements[0], ctx.statements[1]);
    assert.deepEqual([...three, ...four].map((items) => items.map((item) => item.id)), [[1], [2], [3], [4], [5], [6], [7]]);
  });
}, { createOnce: true });
