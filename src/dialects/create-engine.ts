/**
 * `createEngine(url)`: picks the dialect from the URL scheme. Driver packages are loaded only
 * when the engine first connects, so an application using SQLite never loads pg or mysql2.
 */
import { DatabaseUrlError } from "../core/errors.js";
import type { EngineDialect } from "../engine/driver.js";
import { Engine, type EngineOptions } from "../engine/engine.js";
import { mysqlDialect } from "./mysql/dialect.js";
import { postgresDialect } from "./postgresql/dialect.js";
import { sqliteDialect } from "./sqlite/dialect.js";

const dialects: Record<string, () => EngineDialect> = {
  sqlite: sqliteDialect,
  postgresql: postgresDialect,
  postgres: postgresDialect,
  mysql: mysqlDialect,
  mariadb: mysqlDialect,
};

const FORMS =
  "sqlite:app.db, sqlite:///relative/app.db, sqlite:////absolute/app.db, sqlite::memory:, " +
  "postgresql://user:password@host:5432/db, mysql://user@host:3306/db or mariadb://user@host:3306/db";

/**
 * An engine for a database URL (SQLAlchemy's forms). The scheme picks the dialect; an optional
 * `+driver` suffix (`postgresql+pg://`) is accepted and ignored, as each dialect has one driver.
 *
 * | URL | database |
 * | --- | --- |
 * | `sqlite:app.db`, `sqlite:///app.db` | the file `app.db`, relative to the working directory |
 * | `sqlite:////tmp/app.db` | the absolute path `/tmp/app.db` (four slashes: `sqlite:///` + `/tmp/...`) |
 * | `sqlite::memory:`, `sqlite://:memory:`, `sqlite://` | a private in-memory database |
 * | `postgresql://user:pw@host:5432/db` (or `postgres://`) | PostgreSQL, through `pg` |
 * | `mysql://user:pw@host:3306/db`, `mariadb://...` | MySQL or MariaDB, through `mysql2` |
 *
 * TLS: libpq's `sslmode`, `sslrootcert`, `sslcert` and `sslkey` in a server URL, or the `tls`
 * option (docs/tls.md).
 *
 * ```ts
 * createEngine("sqlite:app.db");
 * createEngine("postgresql://user:pw@127.0.0.1:5432/app");
 * createEngine("mysql://root@127.0.0.1:3306/app", { echo: true, pool: { max: 5 } });
 * createEngine("postgresql://app@db.internal/app?sslmode=verify-full&sslrootcert=/etc/ssl/db-ca.pem");
 * ```
 *
 * @throws DatabaseUrlError for an unknown scheme or a server URL that does not parse.
 */
export function createEngine(url: string, options: EngineOptions = {}): Engine {
  const scheme = /^([a-z][a-z0-9]*)(\+\w+)?:/i.exec(url)?.[1]?.toLowerCase();
  const dialect = scheme ? dialects[scheme] : undefined;
  if (!dialect) {
    const found = scheme ? `unknown scheme '${scheme}:'` : "no scheme";
    throw new DatabaseUrlError(`Unsupported database URL '${redact(url)}' (${found}): expected one of ${FORMS}.`);
  }
  // Server URLs are checked now, not at the first connection, so that a typo fails where it is made.
  if (scheme !== "sqlite" && !URL.canParse(url)) {
    throw new DatabaseUrlError(`Invalid database URL '${redact(url)}': expected e.g. ${scheme}://user:password@host/db.`);
  }
  return new Engine(dialect(), url, options);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
