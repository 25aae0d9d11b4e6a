/**
 * The migration lock on a MariaDB Galera cluster. `GET_LOCK` is local to the node it runs on, so
 * two `migrate up` against two nodes both took it and both applied the migration. Here the lock is
 * a row, written in a statement of its own: Galera replicates and certifies it at commit, so of
 * two runs on two nodes exactly one inserts it (the other gets a duplicate key, or a certification
 * conflict if both were in flight at once). A run that dies holding it leaves the row: the next
 * run refuses, naming who took it and when, and says how to clear it.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { DBAPIError, IntegrityError } from "../../core/errors.js";
import type { Connection } from "../../engine/connection.js";
import { MIGRATIONS_LOCK_TABLE } from "../../engine/inspector.js";
import { MigrationHistoryError } from "./errors.js";

/** Whether the MySQL/MariaDB server is a Galera node (`wsrep_on`); MySQL has no such variable. */
export async function isGaleraNode(connection: Connection): Promise<boolean> {
  const { rows } = await connection.run("SHOW VARIABLES LIKE 'wsrep_on'");
  const row = rows[0] as Record<string, unknown> | undefined;
  return String(row?.["Value"] ?? row?.["VALUE"] ?? "").toUpperCase() === "ON";
}

/** Takes the cluster-wide lock row, or throws `MigrationHistoryError`; returns its release. */
export async function takeClusterLock(connection: Connection, busy: string): Promise<() => Promise<void>> {
  const table = MIGRATIONS_LOCK_TABLE;
  await connection.run(`CREATE TABLE IF NOT EXISTS ${table} (id INTEGER NOT NULL PRIMARY KEY, owner VARCHAR(255) NOT NULL, taken_at DATETIME(6) NOT NULL)`);
  const owner = `${hostname()} pid ${process.pid} ${randomUUID()}`;
  try {
    await connection.run(`INSERT INTO ${table} (id, owner, taken_at) VALUES (1, ?, UTC_TIMESTAMP(6))`, [owner]);
  } catch (error) {
    // A duplicate key: the row is there. A deadlock: another node's insert won certification.
    if (!(error instanceof IntegrityError || (error instanceof DBAPIError && error.retryable))) throw error;
    const { rows } = await connection.run(`SELECT owner, taken_at FROM ${table} WHERE id = 1`).catch(() => ({ rows: [] as unknown[] }));
    const holder = rows[0] as { owner?: unknown; taken_at?: unknown } | undefined;
    const by = holder ? ` (taken by ${String(holder.owner)} at ${formatTime(holder.taken_at)} UTC)` : "";
    throw new MigrationHistoryError(
      `${busy}${by}. On a Galera cluster the lock is the row of ${table}: if no migrate run is in progress (one was killed), delete it (DELETE FROM ${table}) and run the command again`,
    );
  }
  return async () => {
    await connection.run(`DELETE FROM ${table} WHERE id = 1 AND owner = ?`, [owner]);
  };
}

function formatTime(value: unknown): string {
  return value instanceof Date ? value.toISOString().replace("T", " ").replace("Z", "") : String(value);
}
