/**
 * The tables the compile-only tests (`test/core/compile-*.test.ts`) build statements on. Never
 * created in a database: only their names, columns and foreign keys matter.
 */
import { MetaData, boolean, datetime, float, integer, numeric, string, table, text } from "../../src/index.js";

export const metadata = new MetaData();

export const users = table("users", metadata, {
  id: integer().primaryKey(),
  name: string(50).notNull(),
  email: string(100),
  age: integer(),
  score: float(),
  active: boolean().notNull().default(true),
});

export const orders = table("orders", metadata, {
  id: integer().primaryKey(),
  userId: integer().notNull().named("user_id").references("users.id", { onDelete: "cascade" }),
  total: numeric(10, 2).notNull(),
  note: text(),
  placedAt: datetime().named("placed_at"),
});

export const items = table("items", metadata, {
  id: integer().primaryKey(),
  orderId: integer().notNull().named("order_id").references("orders.id"),
  sku: string(20).notNull(),
  quantity: integer().notNull().default(1),
});
