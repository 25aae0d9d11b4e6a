/**
 * What the ORM-vs-raw benchmark measures and where: the sizes of the workloads (W1–W4 of issue
 * 18), the databases and their URLs, and the command line of bench/orm-vs-raw.ts.
 */

export const PARENTS = 2_000;
export const CHILDREN = 10_000;
/** 20,000 association objects; every child is linked to two parents. */
export const LINKS_PER_PARENT = 10;
export const LINKS = PARENTS * LINKS_PER_PARENT;
export const ITEMS = 100_000;
export const GETS = 10_000;
/** Rows per multi-row INSERT on the raw side and in the peers' batched inserts. */
export const INSERT_CHUNK = 500;
/** Unmeasured rounds before the measured ones (each process starts with cold code). */
export const WARM_UPS = { warm: 3, cold: 1 } as const;

export type DatabaseName = "sqlite" | "pg" | "mysql";
export const DATABASES: readonly DatabaseName[] = ["sqlite", "pg", "mysql"];

/** W1 insert, W2 select-in, W3 hydrate, W4 get by primary key. */
export type WorkloadName = "insert" | "selectin" | "hydrate" | "get";
export const WORKLOADS: readonly WorkloadName[] = ["insert", "selectin", "hydrate", "get"];
export const WORKLOAD_LABELS: Record<WorkloadName, string> = {
  insert: "W1 insert 2k parents + 10k children + 20k associations",
  selectin: "W2 select-in: every parent with its many-to-many children",
  hydrate: "W3 hydrate 100k rows",
  get: "W4 10k primary-key lookups",
};
/** The targets (athanor / raw driver). */
export const TARGETS: Record<WorkloadName, number> = { insert: 2, selectin: 2, hydrate: 1.5, get: 2 };

/**
 * warm: one engine for all rounds, a young-generation collection before each timing (as until
 * session 6). cold: a fresh engine (connection, statement cache) for every round, and a full
 * collection (`gc()`) before each timing.
 */
export type Mode = "warm" | "cold";
export const MODES: readonly Mode[] = ["warm", "cold"];

/** Columns of the item rows of W3 and W4. */
export type Width = 2 | 5;
export const WIDTHS: readonly Width[] = [2, 5];

export type SideName = "raw" | "athanor" | "kysely" | "drizzle";
export const PEERS: readonly SideName[] = ["kysely", "drizzle"];

export function urlOf(db: DatabaseName, sqliteFile: string): string {
  if (db === "sqlite") return `sqlite:///${sqliteFile}`;
  if (db === "pg") return process.env.ATHANOR_BENCH_PG ?? "postgresql://postgres@127.0.0.1:5432/athanor_bench";
  return process.env.ATHANOR_BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306/athanor_bench";
}

export interface Options {
  readonly runs: number;
  readonly only: readonly WorkloadName[];
  readonly databases: readonly DatabaseName[];
  readonly modes: readonly Mode[];
  /** Leave Kysely and Drizzle out (they are also left out when bench/node_modules is missing). */
  readonly noPeers: boolean;
}

/** The old scenario names (`--only selectin,hydrate,get,insert`) and w1..w4. */
function workloadOf(name: string): WorkloadName {
  const byNumber: Record<string, WorkloadName> = { w1: "insert", w2: "selectin", w3: "hydrate", w4: "get" };
  const lower = name.toLowerCase();
  const found = byNumber[lower] ?? WORKLOADS.find((w) => w === lower);
  if (!found) throw new Error(`unknown workload '${name}' (known: ${WORKLOADS.join(", ")} or w1..w4)`);
  return found;
}

const USAGE = "bench/orm-vs-raw.ts [--runs R] [--only insert,selectin,hydrate,get] [--db sqlite,pg,mysql] [--mode warm,cold] [--no-peers]";

export function parseOptions(argv: readonly string[]): Options {
  let runs = 5;
  let only: WorkloadName[] = [...WORKLOADS];
  let databases: DatabaseName[] = ["sqlite"];
  let modes: Mode[] = [...MODES];
  let noPeers = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const list = () => (argv[++i] ?? "").split(",").filter(Boolean);
    if (arg === "--runs") runs = Number(argv[++i]);
    else if (arg === "--only") only = list().map(workloadOf);
    else if (arg === "--db") databases = list() as DatabaseName[];
    else if (arg === "--mode") modes = list() as Mode[];
    else if (arg === "--no-peers") noPeers = true;
    else throw new Error(`unknown argument ${arg}; usage: ${USAGE}`);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error("--runs needs a positive integer");
  for (const db of databases) if (!DATABASES.includes(db)) throw new Error(`unknown database '${db}' (known: ${DATABASES.join(", ")})`);
  for (const mode of modes) if (!MODES.includes(mode)) throw new Error(`unknown mode '${mode}' (known: warm, cold)`);
  return { runs, only, databases, modes, noPeers };
}
