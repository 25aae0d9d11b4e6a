/**
 * One migration run at a time per database: two deploys starting `migrate up` together would
 * otherwise both apply the same migration. PostgreSQL: a session advisory lock (scoped to the
 * database by the server); MySQL/MariaDB: `GET_LOCK`, whose names are the server's, so the name
 * carries the database's (hashed: MySQL allows 64 characters), and on a Galera cluster, where
 * `GET_LOCK` is local to a node, a replicated lock row as well (cluster-lock.ts); SQLite: none
 * needed (a writing transaction locks the file).
 *
 * A session lock needs one server session for the whole run, which a pooler in transaction mode
 * (PgBouncer) does not give: an engine made with `transactionPooler: true` is refused at once.
 * Through such a pooler unannounced, the lock is taken on a server connection that other clients
 * then use, and PostgreSQL grants a session a lock it already holds: a second run landing there
 * would take it too. So the lock is taken only by a session that does not hold it already.
 */
import type { Connection } from "../../engine/connection.js";
import { isGaleraNode, takeClusterLock } from "./cluster-lock.js";
import { MigrationHistoryError } from "./errors.js";

/** The lock's name on MySQL/MariaDB: one per database of the server. */
const MYSQL_NAME = "CONCAT('athanor_migrations.', MD5(COALESCE(DATABASE(), '')))";
/** An arbitrary constant key for `pg_try_advisory_lock`, the same in every athanor. */
const PG_KEY = 0x4154484e;
/** Whether this server session holds the lock already (a key below 2^32: classid 0, objid the key, objsubid 1). */
const PG_HELD = `SELECT count(*)::int AS held FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = ${PG_KEY} AND objsubid = 1 AND pid = pg_backend_pid() AND granted`;

const BUSY = "another 'athanor migrate' holds the migration lock on this database";

/** Runs `fn` holding the migration lock; fails at once when another run holds it. */
export async function withMigrationLock<T>(connection: Connection, fn: () => Promise<T>): Promise<T> {
  const dialect = connection.dialect.name;
  if (dialect === "sqlite") return fn();
  if (connection.behindTransactionPooler) throw throughPooler("this engine was made with transactionPooler: true");
  const got = dialect === "postgresql" ? await takePostgres(connection) : truthy(await value(connection, `SELECT GET_LOCK(${MYSQL_NAME}, 0) AS got`));
  if (!got) {
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

/** The check and the lock in one transaction: a pooler keeps a transaction on one server connection. */
async function takePostgres(connection: Connection): Promise<boolean> {
  return connection.transaction(async (conn) => {
    if (Number(await value(conn, PG_HELD)) !== 0) {
      throw throughPooler("this connection's server session holds the migration lock already, as one shared through a pooler in transaction mode does after another run");
    }
    return truthy(await value(conn, `SELECT pg_try_advisory_lock(${PG_KEY}) AS got`));
  });
}

async function value(connection: Connection, sql: string): Promise<unknown> {
  const { rows } = await connection.run(sql);
  return Object.values((rows[0] as Record<string, unknown> | undefined) ?? {})[0];
}

const truthy = (got: unknown): boolean => got === true || Number(got) === 1;

function throughPooler(why: string): MigrationHistoryError {
  return new MigrationHistoryError(
    `migrations cannot run through a pooler in transaction mode (${why}): the migration lock, which keeps two runs from applying ` +
      `the same migration, needs one server session for the whole run. Nothing was applied. Run 'athanor migrate' on a URL ` +
      `that reaches PostgreSQL directly (not through PgBouncer), or through a pool in session mode.`,
  );
}
