/**
 * Where the tests find their databases. Each server gets its own test database (created when
 * missing) so that runs never touch other data; override with ATHANOR_TEST_PG / ATHANOR_TEST_MYSQL
 * to give parallel runs their own databases.
 */
import { createEngine, type Engine } from "../../src/index.js";

export type DialectName = "sqlite" | "postgresql" | "mysql";

export interface TestDatabase {
  readonly name: DialectName;
  readonly url: string;
  /** Why the dialect's tests are skipped, or undefined when the server answered. */
  readonly skip: string | undefined;
}

const PG_URL = process.env.ATHANOR_TEST_PG ?? "postgresql://postgres@127.0.0.1:5432/athanor_test";
const MYSQL_URL = process.env.ATHANOR_TEST_MYSQL ?? "mysql://root@127.0.0.1:3306/athanor_test";

/** Connects to the server's maintenance database and creates the test database if it is missing. */
async function ensureDatabase(name: DialectName, url: string): Promise<string | undefined> {
  const parsed = new URL(url);
  const database = parsed.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = name === "postgresql" ? "/postgres" : "/";
  const engine = createEngine(admin.toString(), { pool: { max: 1 } });
  try {
    const conn = await engine.connect();
    try {
      if (name === "postgresql") {
        const { rows } = await conn.run("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
        if (!rows.length) await conn.run(`CREATE DATABASE "${database}"`);
      } else {
        await conn.run(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      }
    } finally {
      await conn.close();
    }
    return undefined;
  } catch (error) {
    return `${name} is not reachable at ${parsed.host} (${(error as Error).message.split("\n")[0]})`;
  } finally {
    await engine.dispose();
  }
}

let probed: Promise<TestDatabase[]> | undefined;

/** The three test databases, probed once per process. */
export function testDatabases(): Promise<TestDatabase[]> {
  probed ??= (async () => {
    const [pgSkip, mysqlSkip] = await Promise.all([ensureDatabase("postgresql", PG_URL), ensureDatabase("mysql", MYSQL_URL)]);
    // CI has both servers: an unreachable one is a failure there, not a skip.
    const missing = [pgSkip, mysqlSkip].filter(Boolean);
    if (process.env.ATHANOR_REQUIRE_SERVERS && missing.length) throw new Error(missing.join("; "));
    return [
      { name: "sqlite", url: "sqlite://:memory:", skip: undefined },
      { name: "postgresql", url: PG_URL, skip: pgSkip },
      { name: "mysql", url: MYSQL_URL, skip: mysqlSkip },
    ];
  })();
  return probed;
}

export function engineFor(db: TestDatabase, options: Parameters<typeof createEngine>[1] = {}): Engine {
  return createEngine(db.url, options);
}
