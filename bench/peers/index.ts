/**
 * The peers of the ORM-vs-raw benchmark for a database: Kysely and Drizzle ORM, from bench's own
 * package (bench/package.json, installed into bench/node_modules by `npm run bench`). Loaded by
 * bench/harness/sides.ts through a computed path, so that the repository's type-check (which a
 * clean clone runs without bench/node_modules) never reaches these files.
 */
import type { DatabaseName } from "../harness/config.js";
import type { Side } from "../harness/side.js";
import { drizzleMysqlHandle } from "./drizzle-mysql.js";
import { drizzlePgHandle } from "./drizzle-pg.js";
import { drizzleSqliteHandle } from "./drizzle-sqlite.js";
import { kyselySide } from "./kysely.js";
import { packageVersion } from "./version.js";

export async function peerSides(db: DatabaseName, url: string): Promise<Side[]> {
  const drizzleOpen = { sqlite: drizzleSqliteHandle, pg: drizzlePgHandle, mysql: drizzleMysqlHandle }[db];
  const drizzle: Side = { name: "drizzle", version: `drizzle-orm ${packageVersion("drizzle-orm")}`, open: () => drizzleOpen(url) };
  return [await kyselySide(db, url), drizzle];
}
