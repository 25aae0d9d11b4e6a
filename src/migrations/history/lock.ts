/**
 * One migration run at a time per database: two deploys starting `migrate up` together would
 * otherwise both apply the same migration. PostgreSQL: a session advisory lock (scoped to the
 * database by the server); MySQL/MariaDB: `GET_LOCK`, whose names are the server's, so the name
 * carries the database's (hashed: MySQL allows 64 characters), and on a Galera cluster, where
 * `GET_LOCK` is local to a node, a replicated lock row as well (cluster-lock.ts); SQLite: none
 * needed (a writing transaction locks the file).
 */
import type { Connection } from "../../engine/connection.js";
import { isGaleraNode, takeClusterLock } from "./cluster-lock.js";
import { MigrationHistoryError } from "./errors.js";

/** The lock's name on MySQL/MariaDB: one per database of the server. */
const MYSQL_NAME = "CONCAT('athanor_migrations.', MD5(COALESCE(DATABASE(), '')))";
/** An arbitrary constant key for `pg_try_advisory_lock`, the same in every athanor. */
const PG_KEY = 0x4154484e;

const BUSY = "another 'athanor migrate' holds the migration lock on this database";

/** Runs `fn` holding the migration lock; fails at once when another run holds it. */
export async function withMigrationLock<T>(connection: Connection, fn: () => Promise<T>): Promise<T> {
  const dialect = connection.dialect.name;
  if (dialect === "sqlite") return fn();
  const take = dialect === "postgresql" ? `SELECT pg_try_advisory_lock(${PG_KEY}) AS got` : `SELECT GET_LOCK(${MYSQL_NAME}, 0) AS got`;
  const { rows } = await connection.run(take);
  const got = (rows[0] as Record<string, unknown> | undefined)?.["got"];
  if (got !== true && Number(got) !== 1) {
    throw new MigrationHistoryError(`${BUSY}; wait for it to finish, then run the command again`);
  }
  let releaseCluster: (() => Promise<void>) | undefined;
  try {
    if (dialect === "mysql" && (await isGaleraNode(connection))) releaseCluster = await takeClusterLock(connection, BUSY);
    return await fn();
  } finally {
    if (!connection.invalidated && !connection.closed) {
      await releaseCluster?.().catch(() => undefined);
      const release = dialect === "postgresql" ? `SELECT pg_advisory_unlock(${PG_KEY})` : `SELECT RELEASE_LOCK(${MYSQL_NAME})`;
      await connection.run(release).catch(() => undefined);
    }
  }
}
