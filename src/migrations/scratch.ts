/**
 * A throwaway database beside the real one, where `migrate check`, `verify` and `merge` replay the
 * migration history: SQLite in memory; on a server, a new database on the same server (the URL's
 * credentials must be allowed to create one), dropped afterwards whatever happens.
 */
import { randomBytes } from "node:crypto";
import { createEngine } from "../dialects/create-engine.js";
import type { Engine } from "../engine/engine.js";

/** Runs `fn` with an engine on a new, empty database of the same kind as `url`; removes the database after. */
export async function withScratchDatabase<T>(url: string, fn: (scratch: Engine) => Promise<T>): Promise<T> {
  const admin = createEngine(url);
  if (admin.dialect.name === "sqlite") {
    await admin.dispose();
    const scratch = createEngine("sqlite::memory:");
    try {
      return await fn(scratch);
    } finally {
      await scratch.dispose();
    }
  }
  // Unique per run, so that two CI jobs on one server never meet; recognisable, so a leftover
  // from a killed process can be found and dropped by hand.
  const name = `athanor_scratch_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
  const q = admin.dialect.name === "postgresql" ? `"${name}"` : `\`${name}\``;
  let scratch: Engine | undefined;
  try {
    await admin.withConnection((conn) => conn.run(`CREATE DATABASE ${q}`));
    const scratchUrl = new URL(url);
    scratchUrl.pathname = `/${name}`;
    scratch = createEngine(scratchUrl.toString());
    return await fn(scratch);
  } finally {
    await scratch?.dispose();
    await admin.withConnection((conn) => conn.run(`DROP DATABASE IF EXISTS ${q}`)).finally(() => admin.dispose());
  }
}
