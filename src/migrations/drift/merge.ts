/**
 * `migrate merge`: two people's migrations, both following the same parent, joined by a merge
 * migration — but only once replaying the branches in both orders, on scratch databases, gives the
 * same schema. Otherwise the objects the orders disagree on (or the step that fails in one order)
 * are reported, and nothing is written.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import { MigrationHistoryError } from "../history/errors.js";
import type { Engine } from "../../engine/engine.js";
import type { MigrationGraph } from "../history/graph.js";
import { withScratchDatabase } from "../scratch.js";
import { differenceOf } from "./differences.js";
import { DatabaseReplay } from "./replay-on-database.js";

/** The outcome of `checkMerge`. */
export type MergeCheck =
  | { readonly ok: true; readonly heads: readonly string[] }
  | {
      readonly ok: false;
      readonly heads: readonly string[];
      /** One line per conflicting object, or the failure of one order. */
      readonly conflicts: readonly string[];
    };

/** Options of `checkMerge`. */
export interface MergeOptions {
  /** A database of the dialect to replay on; the scratch databases are made beside it (SQLite: in memory). */
  readonly engine: Engine;
  readonly graph: MigrationGraph;
  readonly schemas?: readonly string[];
}

/** Replays the heads in their order and in the reverse order; ok when both give the same schema. */
export async function checkMerge(options: MergeOptions): Promise<MergeCheck> {
  const { engine, graph } = options;
  const heads = graph.heads;
  if (heads.length < 2) throw new MigrationHistoryError(`there is nothing to merge: the history has ${heads.length === 0 ? "no migration" : `one head (${heads[0]})`}`);
  const orders = [heads, [...heads].reverse()];
  const outcomes: (SchemaModel | string)[] = [];
  let dialect: Pick<Dialect, "name"> | undefined;
  for (const order of orders) {
    outcomes.push(
      await withScratchDatabase(engine, async (scratch) => {
        dialect = scratch.dialect;
        const replay = new DatabaseReplay(scratch, graph, options.schemas);
        for (const head of order) {
          try {
            await replay.up(head);
          } catch (error) {
            return `applying ${head} after ${order.filter((h) => h !== head).join(", ")} fails: ${(error as Error).message.split("\n")[0]}`;
          }
        }
        return replay.reflect();
      }),
    );
  }
  const [first, second] = outcomes as [SchemaModel | string, SchemaModel | string];
  const failures = [first, second].filter((o): o is string => typeof o === "string");
  if (failures.length > 0) return { ok: false, heads, conflicts: failures };
  const difference = differenceOf(first as SchemaModel, second as SchemaModel, dialect!);
  if (difference.same) return { ok: true, heads };
  return {
    ok: false,
    heads,
    conflicts: difference.lines.map((line) => `${heads.join(" then ")} and the reverse order disagree: ${line}`),
  };
}
