/**
 * `createEngine(url)`: picks the dialect from the URL scheme. Driver packages are loaded only
 * when the engine first connects, so an application using SQLite never loads pg or mysql2.
 */
import { ArgumentError } from "../core/errors.js";
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

/**
 * ```ts
 * createEngine("sqlite://:memory:");                       // or sqlite:///app.db (relative), sqlite:////tmp/app.db
 * createEngine("postgresql://user:pw@127.0.0.1:5432/app");
 * createEngine("mysql://root@127.0.0.1:3306/app", { echo: true, pool: { max: 5 } });
 * ```
 */
export function createEngine(url: string, options: EngineOptions = {}): Engine {
  const scheme = /^([a-z]+)(\+\w+)?:/i.exec(url)?.[1]?.toLowerCase();
  const dialect = scheme ? dialects[scheme] : undefined;
  if (!dialect) {
    throw new ArgumentError(
      `Unsupported database URL '${redact(url)}': expected sqlite://, postgresql:// or mysql:// (mariadb://).`,
    );
  }
  return new Engine(dialect(), url, options);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
