/**
 * The raw side on SQLite: better-sqlite3 as a careful hand-written program uses it. Prepared
 * statements kept per SQL text, multi-row INSERTs of INSERT_CHUNK rows in one transaction, one
 * SELECT per level grouped in JS (W2), `stmt.all()` row objects (W3), `stmt.get(id)` (W4).
 */
import Database from "better-sqlite3";
import { CHILDREN, INSERT_CHUNK, LINKS, PARENTS, type DatabaseName, type Width } from "../harness/config.js";
import { attachChildren, itemTable, ITEM_COLUMNS, linkRows, type AssociationRows, type Handle, type Side } from "../harness/side.js";

function sqliteHandle(file: string): Handle {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  const statements = new Map<string, Database.Statement>();
  const prepared = (sql: string) => {
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql)));
    return stmt;
  };
  /** Tables with only a generated key: VALUES (NULL), ... RETURNING id, in chunks. */
  const keyRows = (table: string, n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i += INSERT_CHUNK) {
      const k = Math.min(INSERT_CHUNK, n - i);
      const stmt = prepared(`INSERT INTO ${table} (id) VALUES ${Array(k).fill("(NULL)").join(", ")} RETURNING id`);
      for (const id of stmt.pluck().all()) ids.push(id as number);
    }
    return ids;
  };
  const insertRows = (parents: number, children: number, associations: number, fill: AssociationRows) => {
    let count = 0;
    db.transaction(() => {
      const parentIds = keyRows("left_table", parents);
      const childIds = keyRows("right_table", children);
      for (let i = 0; i < associations; i += INSERT_CHUNK) {
        const k = Math.min(INSERT_CHUNK, associations - i);
        const values: unknown[] = [];
        fill(parentIds, childIds, i, i + k, values);
        const stmt = prepared(`INSERT INTO association_table (left_id, right_id, extra_data) VALUES ${Array(k).fill("(?, ?, ?)").join(", ")}`);
        count += stmt.run(...values).changes;
      }
    })();
    return count;
  };
  /** W3's rows, as the driver gives them. */
  const items = async (width: Width): Promise<object[]> => {
    return prepared(`SELECT ${ITEM_COLUMNS[width].join(", ")} FROM ${itemTable(width)}`).all() as object[];
  };
  return {
    insertRows: async (parents, children, associations, fill) => insertRows(parents, children, associations, fill),
    async insert() {
      return { count: insertRows(PARENTS, CHILDREN, LINKS, linkRows()) };
    },
    async selectin() {
      const parents = prepared("SELECT id FROM left_table").all() as { id: number }[];
      const ids = parents.map((p) => p.id);
      const rows = prepared(
        `SELECT c.id, a.left_id FROM association_table a JOIN right_table c ON c.id = a.right_id WHERE a.left_id IN (${ids.map(() => "?").join(", ")})`,
      ).all(...ids) as { id: number; left_id: number }[];
      return { count: attachChildren(parents, rows) };
    },
    items,
    async hydrate(width: Width) {
      return { count: (await items(width)).length };
    },
    async get(width: Width, ids: readonly number[]) {
      const stmt = prepared(`SELECT ${ITEM_COLUMNS[width].join(", ")} FROM ${itemTable(width)} WHERE id = ?`);
      let found = 0;
      for (const id of ids) if (stmt.get(id)) found++;
      return { count: found };
    },
    async close() {
      db.close();
    },
  };
}

export async function rawSqliteSide(_db: DatabaseName, url: string): Promise<Side> {
  const file = url.replace(/^sqlite:\/\//, "");
  const version = (await import("better-sqlite3/package.json", { with: { type: "json" } })).default.version;
  return { name: "raw", version: `better-sqlite3 ${version}`, open: async () => sqliteHandle(file) };
}
