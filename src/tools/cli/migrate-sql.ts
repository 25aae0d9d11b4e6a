/**
 * `migrate sql [target] [--from id] [--dialect d]`: prints the SQL that `migrate up` would run,
 * for review or for a DBA, without connecting: the dialect comes from --dialect or the URL's scheme.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import { mysqlDialect } from "../../dialects/mysql/dialect.js";
import { postgresDialect } from "../../dialects/postgresql/dialect.js";
import { sqliteDialect } from "../../dialects/sqlite/dialect.js";
import { offlineSql } from "../../migrations/history/offline-sql.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { CliError } from "./errors.js";
import type { Flags } from "./migrate.js";
import { loadGraph } from "./migrate-load.js";

const DIALECTS: Record<string, () => Dialect> = {
  sqlite: sqliteDialect,
  postgresql: postgresDialect,
  postgres: postgresDialect,
  mysql: mysqlDialect,
  mariadb: mysqlDialect,
};

/** `migrate sql`; resolves to the exit code. */
export async function runSql(target: string | undefined, flags: Flags, config: CliConfig, io: Output): Promise<number> {
  const dialect = dialectOf(flags, config);
  const graph = await loadGraph(config);
  const from = typeof flags["from"] === "string" ? flags["from"] : undefined;
  io.out(offlineSql({ graph, dialect, target, from }).trimEnd());
  return 0;
}

/** The dialect of --dialect, else of the database URL's scheme. */
export function dialectOf(flags: Flags, config: CliConfig): Dialect {
  const given = typeof flags["dialect"] === "string" ? flags["dialect"] : config.url?.protocol.replace(/:$/, "").split("+")[0];
  if (given === undefined) throw new CliError("missing dialect: give --dialect sqlite|postgresql|mysql (or a database URL, whose scheme names it)");
  const make = DIALECTS[given.toLowerCase()];
  if (!make) throw new CliError(`unknown dialect '${given}' (expected sqlite, postgresql or mysql)`);
  return make();
}
