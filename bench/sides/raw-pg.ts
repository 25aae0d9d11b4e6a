/**
 * The raw side on PostgreSQL: `pg` as a careful hand-written program uses it. Named (prepared)
 * statements, multi-row INSERTs of INSERT_CHUNK rows in one transaction, one SELECT per level
 * with `= ANY($1)` grouped in JS (W2), row objects (W3), one prepared lookup per id (W4).
 */
import pg from "pg";
import { CHILDREN, INSERT_CHUNK, LINKS, PARENTS, type DatabaseName, type Width } from "../harness/config.js";
import { attachChildren, itemTable, ITEM_COLUMNS, linkRows, type AssociationRows, type Handle, type Side } from "../harness/side.js";

/** `($1, $2, $3), ($4, ...)`: n rows of width parameters. */
function rowsOf(n: number, width: number): string {
  return Array.from({ length: n }, (_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}`).join(", ")})`).join(", ");
}

async function pgHandle(url: string): Promise<Handle> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const keyRows = async (table: string, n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i += INSERT_CHUNK) {
      const k = Math.min(INSERT_CHUNK, n - i);
      const text = `INSERT INTO ${table} (id) VALUES ${Array(k).fill("(DEFAULT)").join(", ")} RETURNING id`;
      const result = await client.query({ name: `keys_${table}_${k}`, text, rowMode: "array" });
      for (const row of result.rows as number[][]) ids.push(row[0]!);
    }
    return ids;
  };
  const insertRows = async (parents: number, children: number, associations: number, fill: AssociationRows) => {
    let count = 0;
    await client.query("BEGIN");
    try {
      const parentIds = await keyRows("left_table", parents);
      const childIds = await keyRows("right_table", children);
      for (let i = 0; i < associations; i += INSERT_CHUNK) {
        const k = Math.min(INSERT_CHUNK, associations - i);
        const values: unknown[] = [];
        fill(parentIds, childIds, i, i + k, values);
        const text = `INSERT INTO association_table (left_id, right_id, extra_data) VALUES ${rowsOf(k, 3)}`;
        count += (await client.query({ name: `links_${k}`, text, values })).rowCount ?? 0;
      }
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK");
      throw error;
    }
    return count;
  };
  /** W3's rows, as the driver gives them. */
  const items = async (width: Width): Promise<object[]> => {
    const text = `SELECT ${ITEM_COLUMNS[width].join(", ")} FROM ${itemTable(width)}`;
    return (await client.query({ name: `items${width}`, text })).rows as object[];
  };
  return {
    insertRows,
    async insert() {
      return { count: await insertRows(PARENTS, CHILDREN, LINKS, linkRows()) };
    },
    async selectin() {
      const parents = (await client.query({ name: "parents", text: "SELECT id FROM left_table" })).rows as { id: number }[];
      const ids = parents.map((p) => p.id);
      const text = "SELECT c.id, a.left_id FROM association_table a JOIN right_table c ON c.id = a.right_id WHERE a.left_id = ANY($1)";
      const rows = (await client.query({ name: "children", text, values: [ids] })).rows as { id: number; left_id: number }[];
      return { count: attachChildren(parents, rows) };
    },
    items,
    async hydrate(width: Width) {
      return { count: (await items(width)).length };
    },
    async get(width: Width, ids: readonly number[]) {
      const text = `SELECT ${ITEM_COLUMNS[width].join(", ")} FROM ${itemTable(width)} WHERE id = $1`;
      const name = `item${width}_by_id`;
      let found = 0;
      for (const id of ids) if ((await client.query({ name, text, values: [id] })).rows.length) found++;
      return { count: found };
    },
    close: () => client.end(),
  };
}

export async function rawPgSide(_db: DatabaseName, url: string): Promise<Side> {
  const version = (await import("pg/package.json", { with: { type: "json" } })).default.version;
  return { name: "raw", version: `pg ${version}`, open: () => pgHandle(url) };
}
