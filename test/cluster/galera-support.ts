/**
 * The Galera cluster the cluster tests run against (scripts/cluster/galera-up.sh): three nodes on
 * 127.0.0.1:3307-3309, each its own server, every write replicated to the others at COMMIT. The
 * tests fail, never skip, when the cluster is not up: `npm run test:cluster` brings it up first.
 */
import { after, before } from "node:test";
import { createEngine, type Engine, type MetaData } from "../../src/index.js";

/** The nodes' SQL ports; override with ATHANOR_GALERA_PORTS=3307,3308,3309. */
export const GALERA_PORTS = (process.env.ATHANOR_GALERA_PORTS ?? "3307,3308,3309").split(",").map(Number);
/** The test database, the same on every node (CREATE DATABASE is replicated). */
export const GALERA_DATABASE = process.env.ATHANOR_GALERA_DATABASE ?? "athanor_galera_test";

/** The URL of node `i` (0-based), on `database`. */
export function nodeUrl(i: number, database = GALERA_DATABASE): string {
  return `mysql://root@127.0.0.1:${GALERA_PORTS[i]}/${database}`;
}

/** Runs SQL text on a connection of `engine` and returns its rows. */
export async function runSql(engine: Engine, text: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const conn = await engine.connect();
  try {
    return (await conn.run(text, params)).rows as Record<string, unknown>[];
  } finally {
    await conn.close();
  }
}

/** Throws unless every node answers as a synced member of one cluster of all of them. */
export async function assertClusterUp(): Promise<void> {
  for (let i = 0; i < GALERA_PORTS.length; i++) {
    const engine = createEngine(nodeUrl(i, ""), { pool: { max: 1 } });
    try {
      const rows = await runSql(
        engine,
        "SELECT VARIABLE_NAME AS name, VARIABLE_VALUE AS value FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('WSREP_CLUSTER_SIZE', 'WSREP_LOCAL_STATE_COMMENT')",
      );
      const status = Object.fromEntries(rows.map((r) => [String((r as { name: string }).name).toUpperCase(), String((r as { value: unknown }).value)]));
      if (status["WSREP_LOCAL_STATE_COMMENT"] !== "Synced" || Number(status["WSREP_CLUSTER_SIZE"]) !== GALERA_PORTS.length) {
        throw new Error(`node on port ${GALERA_PORTS[i]} is not a synced member of a ${GALERA_PORTS.length}-node cluster: ${JSON.stringify(status)}`);
      }
    } catch (error) {
      throw new Error(`the Galera cluster is not up (run scripts/cluster/galera-up.sh, or npm run test:cluster): ${(error as Error).message}`);
    } finally {
      await engine.dispose();
    }
  }
}

/** Creates the test database (on node 1; it replicates), once per process. */
let created: Promise<void> | undefined;
export function ensureGaleraDatabase(): Promise<void> {
  created ??= (async () => {
    await assertClusterUp();
    const engine = createEngine(nodeUrl(0, ""), { pool: { max: 1 } });
    try {
      await runSql(engine, `CREATE DATABASE IF NOT EXISTS \`${GALERA_DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    } finally {
      await engine.dispose();
    }
  })();
  return created;
}

export interface GaleraContext {
  /** One engine per node, in port order. */
  readonly nodes: readonly Engine[];
  /**
   * The same, for causal reads: each connection waits until its node has applied every write the
   * cluster committed before the read (`wsrep_sync_wait = 1`, set when the connection opens).
   */
  readonly causal: readonly Engine[];
}

/**
 * An engine per node for the suite, and the tables of `metadata` dropped and created (on node 1;
 * DDL replicates) before it and dropped after it.
 */
export function useGalera(metadata?: MetaData): GaleraContext {
  const nodes: Engine[] = [];
  const causal: Engine[] = [];
  before(async () => {
    await ensureGaleraDatabase();
    for (let i = 0; i < GALERA_PORTS.length; i++) {
      nodes.push(createEngine(nodeUrl(i)));
      causal.push(createEngine(nodeUrl(i), { pool: { connectStatements: ["SET SESSION wsrep_sync_wait = 1"] } }));
    }
    if (metadata) {
      await metadata.dropAll(nodes[0]!);
      await metadata.createAll(nodes[0]!);
    }
  });
  after(async () => {
    if (metadata && nodes[0]) await metadata.dropAll(nodes[0]).catch(() => undefined);
    await Promise.all([...nodes, ...causal].map((engine) => engine.dispose()));
  });
  return { nodes, causal };
}
