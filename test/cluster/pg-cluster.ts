/**
 * Where the PostgreSQL cluster tests find the cluster that scripts/cluster/pg-up.sh brings up:
 * the primary (the test database of ATHANOR_TEST_PG), its streaming replica on port 5433 and
 * PgBouncer (transaction mode) on 6432, the same database name on each. Unlike `npm test`, a
 * missing piece fails the tests: CI must have the cluster (`npm run test:cluster` starts it).
 */
import pg from "pg";
import { testDatabases } from "../support/databases.js";

const PRIMARY = process.env.ATHANOR_TEST_PG ?? "postgresql://postgres@127.0.0.1:5432/athanor_test";

function onDatabase(url: string, database: string): string {
  const moved = new URL(url);
  moved.pathname = `/${database}`;
  return moved.toString();
}

function onPort(url: string, port: number): string {
  const moved = new URL(url);
  moved.port = String(port);
  return moved.toString();
}

export interface PgCluster {
  readonly primary: string;
  readonly replica: string;
  readonly bouncer: string;
}

/** The three URLs, each checked: the replica in recovery and streaming, PgBouncer in transaction mode. */
export async function pgCluster(): Promise<PgCluster> {
  const pgDb = (await testDatabases()).find((d) => d.name === "postgresql")!;
  if (pgDb.skip) throw new Error(`the cluster tests need the primary: ${pgDb.skip}`);
  const cluster = {
    primary: PRIMARY,
    replica: process.env.ATHANOR_TEST_PG_REPLICA ?? onPort(PRIMARY, 5433),
    bouncer: process.env.ATHANOR_TEST_PGBOUNCER ?? onPort(PRIMARY, 6432),
  };
  // testDatabases() may have just created the database on the primary: the replica has it once replayed.
  await replayedOn(onDatabase(cluster.replica, "postgres"), cluster.primary);
  const streaming = await query(cluster.replica, "SELECT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS ok", "the replica");
  if (streaming[0]?.ok !== true) throw new Error(`${cluster.replica} is not a streaming replica: run scripts/cluster/pg-up.sh`);
  const admin = new URL(cluster.bouncer);
  admin.pathname = "/pgbouncer";
  const config = await query(admin.toString(), "SHOW CONFIG", "PgBouncer's admin console");
  const mode = config.find((row) => row.key === "pool_mode")?.value;
  if (mode !== "transaction") throw new Error(`PgBouncer at ${cluster.bouncer} pools in '${String(mode)}' mode; the tests need 'transaction': run scripts/cluster/pg-up.sh`);
  return cluster;
}

/** Runs one query on a fresh connection (simple protocol: PgBouncer's console speaks no other). */
export async function query(url: string, text: string, what = url): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return (await client.query(text)).rows;
  } catch (error) {
    throw new Error(`${what} (${url}) does not answer: ${(error as Error).message}. Bring the cluster up with scripts/cluster/pg-up.sh`, { cause: error });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Waits until the replica has replayed everything the primary has written so far (at most `ms`). */
export async function replayed(cluster: PgCluster, ms = 10_000): Promise<void> {
  await replayedOn(cluster.replica, cluster.primary, ms);
}

async function replayedOn(replica: string, primary: string, ms = 10_000): Promise<void> {
  const [{ lsn }] = (await query(primary, "SELECT pg_current_wal_lsn()::text AS lsn")) as [{ lsn: string }];
  const deadline = Date.now() + ms;
  for (;;) {
    const [row] = await query(replica, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS done`, "the replica");
    if (row?.done === true) return;
    if (Date.now() > deadline) throw new Error(`the replica did not replay ${lsn} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
