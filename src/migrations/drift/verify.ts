/**
 * `migrate verify`: every migration's `down` checked on a scratch database. Each migration, in
 * order, goes up, down and up again; the schema after `down` must equal the schema before `up`,
 * and the second `up` must give what the first gave. A down that forgets an index, or drops a
 * column its up did not add, fails here rather than on the day someone needs it.
 */
import type { Engine } from "../../engine/engine.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
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
  /** A database of the dialect to verify on; the scratch database is made beside it (SQLite: in memory). */
  readonly engine: Engine;
  readonly graph: MigrationGraph;
  /** The schemas (PostgreSQL schemas) the migrations create tables in, besides the default one. */
  readonly schemas?: readonly string[];
  /** Called before each migration is verified (progress). */
  readonly onMigration?: (id: string, index: number, total: number) => void;
}

/** Verifies every migration of the graph, parents first; stops after the first one whose replay throws. */
export async function verifyMigrations(options: VerifyOptions): Promise<VerifiedMigration[]> {
  const { engine, graph } = options;
  graph.assertSingleHead();
  return withScratchDatabase(engine, async (scratch) => {
    const replay = new DatabaseReplay(scratch, graph, options.schemas);
    const dialect = scratch.dialect;
    const results: VerifiedMigration[] = [];
    let before = await replay.reflect();
    for (const [index, id] of graph.order.entries()) {
      options.onMigration?.(id, index, graph.size);
      const problems: string[] = [];
      // A phase that fails leaves the scratch database in an unknown state: the rest is not verified.
      const phase = async (what: string, run: () => Promise<unknown>) => {
        try {
          await run();
          return true;
        } catch (error) {
          problems.push(`${what} fails: ${(error as Error).message.split("\n")[0]}`);
          return false;
        }
      };
      let after: SchemaModel | undefined;
      const ok =
        (await phase("up", async () => (after = await replay.up(id).then(() => replay.reflect())))) &&
        (await phase("down", async () => {
          await replay.downOne();
          problems.push(...differenceOf(await replay.reflect(), before, dialect).lines.map((line) => `down does not restore the schema before up; it would also need to: ${line}`));
        })) &&
        (await phase("up after down", async () => {
          await replay.up(id);
          problems.push(...differenceOf(await replay.reflect(), after!, dialect).lines.map((line) => `up after down does not give what the first up gave; the difference: ${line}`));
        }));
      results.push({ id, problems });
      if (!ok) break;
      before = after!;
    }
    return results;
  });
}
