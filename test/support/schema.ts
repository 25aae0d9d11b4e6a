/**
 * Per-suite tables for the dialect-neutral Core tests. A test file declares its tables once, in
 * its own MetaData (names prefixed `core_<topic>_` so that files never share a table), and calls
 * `useSchema(ctx, metadata)` inside `forEachDatabase`: the tables are created before the suite's
 * tests (after dropping what an aborted run may have left) and dropped after them.
 */
import { after, before, beforeEach } from "node:test";
import { deleteFrom, insert, type Engine, type MetaData, type Table } from "../../src/index.js";
import type { DatabaseContext } from "./dialects.js";

export interface SchemaOptions {
  /** Rows inserted once, after the tables are created: table by table, referenced tables first. */
  readonly seed?: readonly (readonly [Table, readonly Record<string, unknown>[]])[];
  /** Empty every table before each test, so that tests do not see each other's rows. */
  readonly emptyBeforeEach?: boolean;
}

export function useSchema(ctx: DatabaseContext, metadata: MetaData, options: SchemaOptions = {}): void {
  before(async () => {
    await metadata.dropAll(ctx.engine);
    await metadata.createAll(ctx.engine);
    for (const [table, rows] of options.seed ?? []) {
      if (rows.length) await ctx.engine.execute(insert(table).values(rows as never));
    }
  });
  if (options.emptyBeforeEach) beforeEach(() => emptyTables(ctx.engine, metadata));
  after(async () => {
    await metadata.dropAll(ctx.engine);
    // The harness disposes the engine too; disposing twice is harmless, and this makes sure the
    // pool opened again by dropAll() (when the harness's hook ran first) is closed.
    await ctx.engine.dispose();
  });
}

/** Deletes every row, dependent tables first. */
export async function emptyTables(engine: Engine, metadata: MetaData): Promise<void> {
  for (const table of [...metadata.sortedTables].reverse()) await engine.execute(deleteFrom(table));
}
