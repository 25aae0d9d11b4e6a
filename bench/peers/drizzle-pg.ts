/**
 * Drizzle ORM (bench/package.json) on PostgreSQL through node-postgres, written as its
 * documentation shows. W1: `db.transaction`, multi-row `insert(...).values(rows)` of
 * INSERT_CHUNK rows, generated ids by `.returning()`. W2: the relational query
 * `db.query.parents.findMany({ with: { links: { with: { child: true } } } })` (one statement, a
 * lateral join). W3: `db.select().from(items)`. W4: `select().from(items).where(eq(id))` per id.
 */
import pg from "pg";
import { eq, relations } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { doublePrecision, integer, pgTable, primaryKey, serial, text } from "drizzle-orm/pg-core";
import { CHILDREN, INSERT_CHUNK, PARENTS, type Width } from "../harness/config.js";
import { extraData, links, type Handle } from "../harness/side.js";

const parents = pgTable("left_table", { id: serial("id").primaryKey() });
const children = pgTable("right_table", { id: serial("id").primaryKey() });
const associations = pgTable(
  "association_table",
  {
    leftId: integer("left_id").notNull().references(() => parents.id),
    rightId: integer("right_id").notNull().references(() => children.id),
    extraData: text("extra_data"),
  },
  (t) => [primaryKey({ columns: [t.leftId, t.rightId] })],
);
const item2 = pgTable("bench_item2", { id: integer("id").primaryKey(), name: text("name").notNull() });
const item5 = pgTable("bench_item5", {
  id: integer("id").primaryKey(),
  name: text("name").notNull(),
  qty: integer("qty").notNull(),
  price: doublePrecision("price").notNull(),
  note: text("note"),
});
const parentsRelations = relations(parents, ({ many }) => ({ links: many(associations) }));
const associationsRelations = relations(associations, ({ one }) => ({
  parent: one(parents, { fields: [associations.leftId], references: [parents.id] }),
  child: one(children, { fields: [associations.rightId], references: [children.id] }),
}));
const schema = { parents, children, associations, item2, item5, parentsRelations, associationsRelations };

export async function drizzlePgHandle(url: string): Promise<Handle> {
  const client = new pg.Pool({ connectionString: url, max: 1 });
  const db = drizzle({ client, schema });
  await db.execute("SELECT 1"); // connects (untimed)
  type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
  const keyRows = async (tx: Tx, table: typeof parents | typeof children, n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i += INSERT_CHUNK) {
      const rows = Array.from({ length: Math.min(INSERT_CHUNK, n - i) }, () => ({}));
      for (const row of await tx.insert(table).values(rows).returning({ id: table.id })) ids.push(row.id);
    }
    return ids;
  };
  return {
    async insert() {
      let count = 0;
      await db.transaction(async (tx) => {
        const parentIds = await keyRows(tx, parents, PARENTS);
        const childIds = await keyRows(tx, children, CHILDREN);
        const pairs = links();
        for (let i = 0; i < pairs.length; i += INSERT_CHUNK) {
          const rows = pairs.slice(i, i + INSERT_CHUNK).map(([p, c]) => ({ leftId: parentIds[p]!, rightId: childIds[c]!, extraData: extraData(p, c) }));
          count += (await tx.insert(associations).values(rows)).rowCount ?? 0;
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
    close: () => client.end(),
  };
}
