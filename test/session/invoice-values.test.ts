/**
 * Dates and decimals through the ORM, compared with raw SQL: invoices written by a Session and by
 * raw SQL (in SQLite's text format) are filtered by month with the bound instant included and the
 * next month's midnight excluded; line totals (`unitPrice.times(quantity)`) and their sum are
 * `Decimal` strings equal on SQLite, PostgreSQL and MariaDB.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { and, columnsOf, func, select, sql } from "../../src/index.js";
import { IvInvoice, IvLine, InvoiceBase } from "./fixtures/invoices.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const utc = (text: string) => new Date(`${text}Z`);
const jan1 = utc("2021-01-01T00:00:00");
const feb1 = utc("2021-02-01T00:00:00");

forEachDatabaseWithSchema("invoice dates and decimals through the ORM", InvoiceBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    const first = Object.assign(new IvInvoice(), { id: 1, date: jan1, total: "3.96" as const });
    first.lines = [
      Object.assign(new IvLine(), { id: 1, unitPrice: "0.99" as const, quantity: 3 }),
      Object.assign(new IvLine(), { id: 2, unitPrice: "0.99" as const, quantity: 1 }),
    ];
    const second = Object.assign(new IvInvoice(), { id: 2, date: utc("2021-01-20T08:15:00.125"), total: "1.98" as const });
    second.lines = [Object.assign(new IvLine(), { id: 3, unitPrice: "1.98" as const, quantity: 1 })];
    session.add(first);
    session.add(second);
    await session.commit();
    await ctx.engine.execute(sql`INSERT INTO iv_invoices (id, invoice_date, total) VALUES (3, ${sql.raw("'2021-02-01 00:00:00'")}, 0.10)`);
    await ctx.engine.execute(sql`INSERT INTO iv_invoices (id, invoice_date, total) VALUES (4, ${sql.raw("'2021-01-31 23:59:59'")}, 0.20)`);
  }

  test("a month's invoices: the first instant in, the next month's midnight out, as raw SQL says", async () => {
    await seed();
    const raw = await ctx.engine.execute(
      sql<{ id: number }>`SELECT id FROM iv_invoices WHERE invoice_date >= '2021-01-01 00:00:00' AND invoice_date < '2021-02-01 00:00:00' ORDER BY invoice_date`,
    );
    assert.deepEqual(raw.rows.map((r) => Number(r.id)), [1, 2, 4]);
    const i = columnsOf(IvInvoice);
    const session = ctx.session();
    const january = await session.scalars(select(IvInvoice).where(and(i.date.ge(jan1), i.date.lt(feb1))).orderBy(i.date));
    assert.deepEqual(january.map((inv) => inv.id), [1, 2, 4]);
    assert.deepEqual(january.map((inv) => inv.date.toISOString()), ["2021-01-01T00:00:00.000Z", "2021-01-20T08:15:00.125Z", "2021-01-31T23:59:59.000Z"]);
    assert.deepEqual(january.map((inv) => inv.total), ["3.96", "1.98", "0.20"]);
  });

  test("line totals and their sum are Decimals with the price's scale", async () => {
    await seed();
    const l = columnsOf(IvLine);
    const session = ctx.session();
    const totals = await session.scalars(select(l.unitPrice.times(l.quantity).label("total")).orderBy(l.id));
    assert.deepEqual(totals, ["2.97", "0.99", "1.98"]);
    const [perInvoice] = await session.scalars(select(func.sum(l.unitPrice.times(l.quantity)).label("sum")).where(l.invoiceId.eq(1)));
    assert.equal(perInvoice, "3.96");
    const [invoice] = await session.scalars(select(IvInvoice).where(columnsOf(IvInvoice).id.eq(1)));
    assert.equal(perInvoice, invoice!.total, "the computed total equals the stored one, as strings");
    const lines = await session.scalars(select(IvLine).orderBy(l.id));
    assert.deepEqual(lines.map((line) => line.unitPrice), ["0.99", "0.99", "1.98"]);
  });
}, { createOnce: true });
