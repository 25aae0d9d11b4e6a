/**
 * Kysely (bench/package.json) on the benchmark's workloads, written as its documentation shows.
 * W1: one transaction, multi-row `insertInto(...).values(rows)` of INSERT_CHUNK rows, generated
 * ids by `.returning("id")` (SQLite, PostgreSQL) or from `insertId` (MySQL dialect: the first id
 * of consecutive ones); a query builder has no unit of work, so the rows are laid out by hand.
 * W2: one statement, `jsonArrayFrom` of a correlated subquery (the helpers of each dialect),
 * with ParseJSONResultsPlugin where the driver returns JSON as text; on MariaDB, whose JSON
 * functions lack the `cast(... as json)` of the MySQL helper, the other documented form: two
 * queries (`where("a.left_id", "in", ids)`), grouped in JS. W3: `selectAll().execute()`.
 * W4: `where("id", "=", id).executeTakeFirst()` per id. Drivers are the repository's own.
 */
import Database from "better-sqlite3";
import pg from "pg";
import mysql from "mysql2";
import { Kysely, MysqlDialect, ParseJSONResultsPlugin, PostgresDialect, SqliteDialect, sql, type Dialect, type Generated, type Transaction } from "kysely";
import { jsonArrayFrom as mysqlJsonArrayFrom } from "kysely/helpers/mysql";
import { jsonArrayFrom as pgJsonArrayFrom } from "kysely/helpers/postgres";
import { jsonArrayFrom as sqliteJsonArrayFrom } from "kysely/helpers/sqlite";
import { CHILDREN, INSERT_CHUNK, PARENTS, type DatabaseName, type Width } from "../harness/config.js";
import { attachChildren, extraData, links, type Handle, type Side } from "../harness/side.js";
import { mysqlOptions } from "../sides/raw-mysql.js";
import { packageVersion } from "./version.js";

interface Tables {
  left_table: { id: Generated<number> };
  right_table: { id: Generated<number> };
  association_table: { left_id: number; right_id: number; extra_data: string | null };
  bench_item2: { id: number; name: string };
  bench_item5: { id: number; name: string; qty: number; price: number; note: string | null };
}

function dialectOf(db: DatabaseName, url: string): Dialect {
  if (db === "sqlite") {
    const database = new Database(url.replace(/^sqlite:\/\//, ""));
    database.pragma("journal_mode = WAL");
    database.pragma("foreign_keys = ON");
    database.pragma("busy_timeout = 5000");
    return new SqliteDialect({ database });
  }
  if (db === "pg") return new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) });
  return new MysqlDialect({ pool: mysql.createPool({ ...mysqlOptions(url), connectionLimit: 1 }) });
}

const jsonArrayFrom = { sqlite: sqliteJsonArrayFrom, pg: pgJsonArrayFrom, mysql: mysqlJsonArrayFrom };

async function kyselyHandle(db: DatabaseName, url: string): Promise<Handle> {
  const k = new Kysely<Tables>({ dialect: dialectOf(db, url), plugins: db === "pg" ? [] : [new ParseJSONResultsPlugin()] });
  await sql`SELECT 1`.execute(k); // connects (untimed)
  /** Rows of a table with only a generated key, in chunks; their ids. */
  const keyRows = async (trx: Transaction<Tables>, table: "left_table" | "right_table", n: number) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i += INSERT_CHUNK) {
      const rows = Array.from({ length: Math.min(INSERT_CHUNK, n - i) }, () => ({ id: db === "sqlite" ? sql<number>`NULL` : sql<number>`DEFAULT` }));
      if (db === "mysql") {
        const result = await trx.insertInto(table).values(rows).executeTakeFirstOrThrow();
        for (let r = 0; r < rows.length; r++) ids.push(Number(result.insertId) + r);
      } else for (const row of await trx.insertInto(table).values(rows).returning("id").execute()) ids.push(row.id);
    }
    return ids;
  };
  /** W2 on MariaDB, whose JSON functions lack the `cast(... as json)` of Kysely's MySQL helper: a query per level, grouped in JS. */
  const twoQueries = async () => {
    const parents: { id: number }[] = await k.selectFrom("left_table").select("id").execute();
    const children = await k
      .selectFrom("association_table as a")
      .innerJoin("right_table as c", "c.id", "a.right_id")
      .select(["c.id", "a.left_id"])
      .where("a.left_id", "in", parents.map((p) => p.id))
      .execute();
    return attachChildren(parents, children);
  };
  return {
    async insert() {
      let count = 0;
      await k.transaction().execute(async (trx) => {
        const parentIds = await keyRows(trx, "left_table", PARENTS);
        const childIds = await keyRows(trx, "right_table", CHILDREN);
        const pairs = links();
        for (let i = 0; i < pairs.length; i += INSERT_CHUNK) {
          const rows = pairs.slice(i, i + INSERT_CHUNK).map(([p, c]) => ({ left_id: parentIds[p]!, right_id: childIds[c]!, extra_data: extraData(p, c) }));
          const result = await trx.insertInto("association_table").values(rows).executeTakeFirstOrThrow();
          count += Number(result.numInsertedOrUpdatedRows ?? 0);
        }
      });
      return { count };
    },
    async selectin() {
      if (db === "mysql") return { count: await twoQueries() };
      const parents = await k
        .selectFrom("left_table")
        .select((eb) => [
          "left_table.id",
          jsonArrayFrom[db](
            eb.selectFrom("association_table as a").innerJoin("right_table as c", "c.id", "a.right_id").select("c.id").whereRef("a.left_id", "=", "left_table.id"),
          ).as("children"),
        ])
        .execute();
      let touched = 0;
      for (const parent of parents) touched += parent.children.length;
      return { count: touched };
    },
    async hydrate(width: Width) {
      const rows = width === 2 ? await k.selectFrom("bench_item2").selectAll().execute() : await k.selectFrom("bench_item5").selectAll().execute();
      return { count: rows.length };
    },
    async get(width: Width, ids: readonly number[]) {
      let found = 0;
      if (width === 2) for (const id of ids) found += (await k.selectFrom("bench_item2").selectAll().where("id", "=", id).executeTakeFirst()) ? 1 : 0;
      else for (const id of ids) found += (await k.selectFrom("bench_item5").selectAll().where("id", "=", id).executeTakeFirst()) ? 1 : 0;
      return { count: found };
    },
    close: () => k.destroy(),
  };
}

export async function kyselySide(db: DatabaseName, url: string): Promise<Side> {
  return {
    name: "kysely",
    version: `kysely ${packageVersion("kysely")}`,
    open: () => kyselyHandle(db, url),
  };
}
