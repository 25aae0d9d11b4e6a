/**
 * Drizzle ORM (bench/package.json) on SQLite through better-sqlite3, written as its
 * documentation shows. W1: a synchronous `db.transaction` (better-sqlite3's), multi-row
 * `insert(...).values(rows)` of INSERT_CHUNK rows, generated ids by `.returning()`. W2: the
 * relational query `db.query.parents.findMany({ with: { links: { with: { child: true } } } })`
 * (one statement). W3: `db.select().from(items)`. W4: `select().from(items).where(eq(id))` per id.
 */
import Database from "better-sqlite3";
import { eq, relations } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { CHILDREN, INSERT_CHUNK, PARENTS, type Width } from "../harness/config.js";
import { extraData, links, type Handle } from "../harness/side.js";

const parents = sqliteTable("left_table", { id: integer("id").primaryKey() });
const children = sqliteTable("right_table", { id: integer("id").primaryKey() });
const associations = sqliteTable(
  "association_table",
  {
    leftId: integer("left_id").notNull().references(() => parents.id),
    rightId: integer("right_id").notNull().references(() => children.id),
    extraData: text("extra_data"),
  },
  (t) => [primaryKey({ columns: [t.leftId, t.rightId] })],
);
const item2 = sqliteTable("bench_item2", { id: integer("id").primaryKey(), name: text("name").notNull() });
const item5 = sqliteTable("bench_item5", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  qty: integer("qty").notNull(),
  price: real("price").notNull(),
  note: text("note"),
});
const parentsRelations = relations(parents, ({ many }) => ({ links: many(associations) }));
const associationsRelations = relations(associations, ({ one }) => ({
  parent: one(parents, { fields: [associations.leftId], references: [parents.id] }),
  child: one(children, { fields: [associations.rightId], references: [children.id] }),
}));
const schema = { parents, children, associations, item2, item5, parentsRelations, associationsRelations };

export async function drizzleSqliteHandle(url: string): Promise<Handle> {
  const client = new Database(url.replace(/^sqlite:\/\//, ""));
  client.pragma("journal_mode = WAL");
  client.pragma("foreign_keys = ON");
  client.pragma("busy_timeout = 5000");
  const db = drizzle({ client, schema });
  type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
  const keyRows = (tx: Tx, table: typeof parents | typeof children, n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i += INSERT_CHUNK) {
      const rows = Array.from({ length: Math.min(INSERT_CHUNK, n - i) }, () => ({}));
      for (const row of tx.insert(table).values(rows).returning({ id: table.id }).all()) ids.push(row.id);
    }
    return ids;
  };
  return {
    async insert() {
      let count = 0;
      db.transaction((tx) => {
        const parentIds = keyRows(tx, parents, PARENTS);
        const childIds = keyRows(tx, children, CHILDREN);
        const pairs = links();
        for (let i = 0; i < pairs.length; i += INSERT_CHUNK) {
          const rows = pairs.slice(i, i + INSERT_CHUNK).map(([p, c]) => ({ leftId: parentIds[p]!, rightId: childIds[c]!, extraData: extraData(p, c) }));
          count += tx.insert(associations).values(rows).run().changes;
        }
      });
      return { count };
    },
    async selectin() {
      const loaded = await db.query.parents.findMany({ with: { links: { columns: {}, with: { child: true } } } });
      let touched = 0;
      for (const parent of loaded) touched += parent.links.length;
      return { count: touched };
    },
    async hydrate(width: Width) {
      return { count: (width === 2 ? await db.select().from(item2) : await db.select().from(item5)).length };
    },
    async get(width: Width, ids: readonly number[]) {
      let found = 0;
      if (width === 2) for (const id of ids) found += (await db.select().from(item2).where(eq(item2.id, id))).length;
      else for (const id of ids) found += (await db.select().from(item5).where(eq(item5.id, id))).length;
      return { count: found };
    },
    close: async () => void client.close(),
  };
}
