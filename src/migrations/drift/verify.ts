/**
 * `migrate verify`: every migration's `down` checked on a scratch database. Each migration, in
 * order, goes up, down and up again; the schema after `down` must equal the schema before `up`,
 * and the second `up` must give what the first gave. A down that forgets an index, or drops a
 * column its up did not add, fails here rather than on the day someone needs it.
 */
import type { MigrationGraph } from "../history/graph.js";
import { withScratchDatabase } from "../scratch.js";
import { differenceOf } from "./differences.js";
import { DatabaseReplay } from "./replay-on-database.js";

/** The verdict on one migration. */
export interface VerifiedMigration {
  readonly id: string;
  /** Empty when up → down → up held; else one line per difference found. */
  readonly problems: readonly string[];
}

/** Options of `verifyMigrations`. */
export interface VerifyOptions {
  /** A database of the dialect to verify on; the scratch database is made on the same server. */
  readonly url: string;
  readonly graph: MigrationGraph;
  /** The schemas (PostgreSQL schemas) the migrations create tables in, besides the default one. */
  readonly schemas?: readonly string[];
  /** Called before each migration is verified (progress). */
  readonly onMigration?: (id: string, index: number, total: number) => void;
}

/** Verifies every migration of the graph, parents first; stops at the first one whose replay fails. */
export async function verifyMigrations(options: VerifyOptions): Promise<VerifiedMigration[]> {
  const { url, graph } = options;
  graph.assertSingleHead();
  return withScratchDatabase(url, async (scratch) => {
    const replay = new DatabaseReplay(scratch, graph, options.schemas);
    const dialect = scratch.dialect;
    const results: VerifiedMigration[] = [];
    let before = await replay.reflect();
    for (const [index, id] of graph.order.entries()) {
      options.onMigration?.(id, index, graph.size);
      await replay.up(id);
      const after = await replay.reflect();
      await replay.downOne();
      const reverted = differenceOf(before, await replay.reflect(), dialect);
      await replay.up(id);
      const again = differenceOf(after, await replay.reflect(), dialect);
      results.push({
        id,
        problems: [
          ...reverted.lines.map((line) => `after down, the schema is not what it was before up: ${line}`),
          ...again.lines.map((line) => `up after down does not give what up gave: ${line}`),
        ],
      });
      before = after;
    }
    return results;
  });
}
