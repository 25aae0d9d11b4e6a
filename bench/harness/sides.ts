/**
 * The sides of a run on one database: the raw driver, athanor, and (when bench/node_modules holds
 * them) the peers. The peers' module is imported by a computed path: the repository's
 * type-check must not follow it (their types live in bench/node_modules, which a clean clone
 * lacks); bench/compiled.ts compiles it in its own step.
 */
import type { DatabaseName } from "./config.js";
import type { Side, SideFactory } from "./side.js";
import { athanorSide } from "../sides/athanor.js";
import { rawMysqlSide } from "../sides/raw-mysql.js";
import { rawPgSide } from "../sides/raw-pg.js";
import { rawSqliteSide } from "../sides/raw-sqlite.js";

const RAW: Record<DatabaseName, SideFactory> = { sqlite: rawSqliteSide, pg: rawPgSide, mysql: rawMysqlSide };

async function peerSides(db: DatabaseName, url: string): Promise<Side[]> {
  // This file runs as .ts under tsx and as .js once compiled: the peers' module is beside it.
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const module = (await import(new URL(`../peers/index${extension}`, import.meta.url).href)) as { peerSides: SideFactory<Side[]> };
  return module.peerSides(db, url);
}

export async function sidesFor(db: DatabaseName, url: string, withPeers: boolean): Promise<Side[]> {
  const sides = [await RAW[db](db, url), await athanorSide(db, url)];
  if (withPeers) sides.push(...(await peerSides(db, url)));
  return sides;
}

/** Writes the seed rows W2 and W4 read (2,000 parents, 10,000 children, 20,000 links) with the raw driver. */
export async function writeSeedRows(db: DatabaseName, url: string): Promise<void> {
  const handle = await (await RAW[db](db, url)).open();
  try {
    await handle.insert();
  } finally {
    await handle.close();
  }
}
