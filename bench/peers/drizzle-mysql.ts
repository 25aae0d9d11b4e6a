/**
 * Drizzle ORM (bench/package.json) on MariaDB/MySQL through mysql2, written as its
 * documentation shows. W1: `db.transaction`, multi-row `insert(...).values(rows)` of
 * INSERT_CHUNK rows, generated ids by `.$returningId()` (from insertId). W2: not the relational
 * query, which MariaDB cannot run for two levels (its default mode uses LATERAL joins, which
 * MariaDB lacks; its "planetscale" mode nests correlated subqueries in a derived table, which
 * MariaDB refuses: "Unknown column 'parents_links.right_id'"), but two queries of the query
 * builder (`inArray(leftId, ids)`), grouped in JS. W3: `db.select().from(items)`. W4:
 * `select().from(items).where(eq(id))` per id.
 */
import mysql from "mysql2/promise";
import { eq, inArray, relations } from "drizzle-orm";
import { drizzle } from "drizzle-orm/mysql2";
import { double, int, mysqlTable, primaryKey, text } from "drizzle-orm/mysql-core";
import { CHILDREN, INSERT_CHUNK, PARENTS, type Width } from "../harness/config.js";
import { attachChildren, extraData, links, type Handle } from "../harness/side.js";
import { mysqlOptions } from "../sides/raw-mysql.js";

const parents = mysqlTable("left_table", { id: int("id").autoincrement().primaryKey() });
const children = mysqlTable("right_table", { id: int("id").autoincrement().primaryKey() });
const associations = mysqlTable(
  "association_table",
  {
    leftId: int("left_id").notNull().references(() => parents.id),
    rightId: int("right_id").notNull().references(() => children.id),
    extraData: text("extra_data"),
  },
  (t) => [primaryKey({ columns: [t.leftId, t.rightId] })],
);
const item2 = mysqlTable("bench_item2", { id: int("id").primaryKey(), name: text("name").notNull() });
const item5 = mysqlTable("bench_item5", {
  id: int("id").primaryKey(),
  name: text("name").notNull(),
  qty: int("qty").notNull(),
  price: double("price").notNull(),
  note: text("note"),
});
const parentsRelations = relations(parents, ({ many }) => ({ links: many(associations) }));
const associationsRelations = relations(associations, ({ one }) => ({
  parent: one(parents, { fields: [associations.leftId], references: [parents.id] }),
  child: one(children, { fields: [associations.rightId], references: [children.id] }),
}));
const schema = { parents, children, associations, item2, item5, parentsRelations, associationsRelations };

export async function drizzleMysqlHandle(url: string): Promise<Handle> {
  const client = mysql.createPool({ ...mysqlOptions(url), connectionLimit: 1 });
  const db = drizzle({ client, schema, mode: "default" });
  await db.execute("SELECT 1"); // connects (untimed)
  type Tx = Parameters<Parameters<typeof db.transaction>[0]>[0];
  const keyRows = async (tx: Tx, table: typeof parents | typeof children, n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i += INSERT_CHUNK) {
      const rows = Array.from({ length: Math.min(INSERT_CHUNK, n - i) }, () => ({}));
      for (const row of await tx.insert(table).values(rows).$returningId()) ids.push(row.id);
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
          count += (await tx.insert(associations).values(rows))[0].affectedRows;
        }
      });
      return { count };
    },
    async selectin() {
      const loaded = await db.select({ id: parents.id }).from(parents);
      const rows = await db
        .select({ id: children.id, left_id: associations.leftId })
        .from(associations)
        .innerJoin(children, eq(children.id, associations.rightId))
        .where(
          inArray(
            associations.leftId,
            loaded.map((p) => p.id),
          ),
        );
      return { count: attachChildren(loaded, rows) };
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
