/** Checks of the engine options that describe where the URL leads: a replica, a pooler. */
import { ArgumentError } from "../core/errors.js";
import type { EngineDialect } from "./driver.js";
import type { EngineOptions } from "./engine.js";

/** Throws `ArgumentError` for a value that is not a boolean, or a combination that cannot work. */
export function checkClusterOptions(dialect: EngineDialect, options: EngineOptions): void {
  for (const key of ["readOnly", "transactionPooler"] as const) {
    const value = options[key];
    if (value !== undefined && typeof value !== "boolean") throw new ArgumentError(`${key} must be true or false; got ${String(value)}.`);
  }
  if (!options.transactionPooler) return;
  if (dialect.name !== "postgresql") {
    throw new ArgumentError(`transactionPooler is a PostgreSQL option (PgBouncer and other poolers in transaction mode); this engine is ${dialect.name}. Leave it out.`);
  }
  if (options.pool?.preparedStatements === true) {
    throw new ArgumentError(
      "pool.preparedStatements: true cannot go with transactionPooler: true: behind a pooler in transaction mode a statement prepared under a name " +
        "is missing on the next server connection. Leave pool.preparedStatements out.",
    );
  }
}
