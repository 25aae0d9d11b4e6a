/**
 * The raw side on MariaDB/MySQL: `mysql2` as a careful hand-written program uses it. Prepared
 * statements (`execute`, which mysql2 caches per connection), multi-row INSERTs of INSERT_CHUNK
 * rows with `RETURNING id` (MariaDB 10.5+) in one transaction, one SELECT per level grouped in
 * JS (W2), row objects (W3), one prepared lookup per id (W4).
 */
import mysql from "mysql2/promise";
import { CHILDREN, INSERT_CHUNK, LINKS, PARENTS, type DatabaseName, type Width } from "../harness/config.js";
import { attachChildren, itemTable, ITEM_COLUMNS, linkRows, type AssociationRows, type Handle, type Side } from "../harness/side.js";

/** The connection options of a mysql:// URL. */
export function mysqlOptions(url: string): mysql.ConnectionOptions {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 3306), user: parsed.username || "root", database: parsed.pathname.slice(1) };
}

async function mysqlHandle(url: string): Promise<Handle> {
  const conn = await mysql.createConnection(mysqlOptions(url));
  type Rows = mysql.RowDataPacket[];
  const keyRows = async (table: string, n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i += INSERT_CHUNK) {
      const k = Math.min(INSERT_CHUNK, n - i);
      const [rows] = await conn.execute<Rows>(`INSERT INTO ${table} (id) VALUES ${Array(k).fill("(NULL)").join(", ")} RETURNING id`);
      for (const row of rows) ids.push(row.id as number);
    }
    return ids;
  };
  const insertRows = async (parents: number, children: number, associations: number, fill: AssociationRows) => {
    let count = 0;
    await conn.query("START TRANSACTION");
    try {
      const parentIds = await keyRows("left_table", parents);
      const childIds = await keyRows("right_table", children);
      for (let i = 0; i < associations; i += INSERT_CHUNK) {
        const k = Math.min(INSERT_CHUNK, associations - i);
        const values: unknown[] = [];
        fill(parentIds, childIds, i, i + k, values);
        const text = `INSERT INTO association_table (left_id, right_id, extra_data) VALUES ${Array(k).fill("(?, ?, ?)").join(", ")}`;
        const [result] = await conn.execute<mysql.ResultSetHeader>(text, values as (string | number | null)[]);
        count += result.affectedRows;
      }
      await conn.query("COMMIT");
    } catch (error) {
      await conn.query("ROLLBACK");
      throw error;
    }
    return count;
  };
  /** W3's rows, as the driver gives them. */
  const items = async (width: Width): Promise<object[]> => {
    const [rows] = await conn.execute<Rows>(`SELECT ${ITEM_COLUMNS[width].join(", ")} FROM ${itemTable(width)}`);
    return rows as object[];
  };
  return {
    insertRows,
    async insert() {
      return { count: await insertRows(PARENTS, CHILDREN, LINKS, linkRows()) };
    },
    async selectin() {
      const [parents] = await conn.execute<Rows>("SELECT id FROM left_table");
      const ids = parents.map((p) => p.id as number);
      const text = `SELECT c.id, a.left_id FROM association_table a JOIN right_table c ON c.id = a.right_id WHERE a.left_id IN (${ids.map(() => "?").join(", ")})`;
      const [rows] = await conn.execute<Rows>(text, ids);
      return { count: attachChildren(parents as { id: number }[], rows as { id: number; left_id: number }[]) };
    },
    items,
    async hydrate(width: Width) {
      return { count: (await items(width)).length };
    },
    async get(width: Width, ids: readonly number[]) {
      const text = `SELECT ${ITEM_COLUMNS[width].join(", ")} FROM ${itemTable(width)} WHERE id = ?`;
      let found = 0;
      for (const id of ids) if ((await conn.execute<Rows>(text, [id]))[0].length) found++;
      return { count: found };
    },
    close: () => conn.end(),
  };
}

export async function rawMysqlSide(_db: DatabaseName, url: string): Promise<Side> {
  const version = (await import("mysql2/package.json", { with: { type: "json" } })).default.version;
  return { name: "raw", version: `mysql2 ${version}`, open: () => mysqlHandle(url) };
}
