/**
 * A throwaway database beside a real one, where `migrate check`, `verify` and `merge` replay the
 * migration history: SQLite in memory; on a server, a new database on the same server (the
 * engine's credentials must be allowed to create one), dropped afterwards whatever happens.
 */
import { randomBytes } from "node:crypto";
import { Engine } from "../engine/engine.js";

/** Runs `fn` with an engine on a new, empty database of the same kind as `beside`'s; removes the database after. */
export async function withScratchDatabase<T>(beside: Engine, fn: (scratch: Engine) => Promise<T>): Promise<T> {
  const dialect = beside.dialect;
  if (dialect.name === "sqlite") {
    const scratch = new Engine(dialect, "sqlite::memory:");
    try {
      return await fn(scratch);
    } finally {
      await scratch.dispose();
    }
  }
  // Unique per run, so that two CI jobs on one server never meet; recognisable, so a leftover
  // from a killed process can be found and dropped by hand.
  const name = `athanor_scratch_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const quoted = dialect.createCompiler(new Map()).quote(name);
  let scratch: Engine | undefined;
  try {
    await beside.withConnection((conn) => conn.run(`CREATE DATABASE ${quoted}`));
    const url = new URL(beside.url);
    url.pathname = `/${name}`;
    scratch = new Engine(dialect, url.toString());
    return await fn(scratch);
  } finally {
    await scratch?.dispose();
    await beside.withConnection((conn) => conn.run(`DROP DATABASE IF EXISTS ${quoted}`));
  }
}
