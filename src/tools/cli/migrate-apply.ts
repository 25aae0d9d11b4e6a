/**
 * `migrate up [target]`, `migrate down [target]`, `migrate stamp <target>`: runs the migrations
 * and prints one line per migration and per step (`--verbose` adds the SQL below each step).
 */
import { MigrationRunner, type RunnerEvents } from "../../migrations/history/runner.js";
import { lockTimeoutPreamble } from "../../migrations/lint/lock-timeout.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { loadGraph, withDatabase } from "./migrate-load.js";

/** Runs `up`, `down` or `stamp`; resolves to the exit code. `allowDataLoss`: an up or a down may drop tables or columns holding rows. */
export async function runApply(command: "up" | "down" | "stamp", target: string | undefined, config: CliConfig, io: Output, verbose: boolean, allowDataLoss = false): Promise<number> {
  const graph = await loadGraph(config);
  return withDatabase(config, verbose, io, async (connection, shown) => {
    // Session-wide, before the lock and every migration: a DDL statement queued behind a long
    // transaction fails after the timeout instead of blocking every query queued behind it.
    for (const statement of lockTimeoutPreamble(connection.dialect, { lockTimeoutMs: config.lockTimeoutMs })) await connection.run(statement);
    const runner = new MigrationRunner({ connection, graph, events: progress(io) });
    if (command === "stamp") {
      const ids = await runner.stamp(target!);
      io.out(ids.length ? `stamped ${shown} at ${ids[ids.length - 1]} (${ids.length} migration(s) recorded as applied, none run)` : `stamped ${shown} at base (no migration recorded)`);
      return 0;
    }
    if (command === "up") {
      const ids = await runner.up(target, { allowDataLoss });
      io.out(ids.length ? `applied ${ids.length} migration(s) to ${shown}; now at ${ids[ids.length - 1]}` : `${shown} is up to date: nothing to apply`);
      return 0;
    }
    const ids = await runner.down(target, { allowDataLoss });
    if (!ids.length) {
      io.out(`nothing to revert on ${shown}`);
      return 0;
    }
    const current = (await runner.status()).current;
    io.out(`reverted ${ids.length} migration(s) on ${shown}; now at ${current.length ? current.join(", ") : "base"}`);
    return 0;
  });
}

function progress(io: Output): RunnerEvents {
  return {
    migrationStart({ id, message, direction, total, start }) {
      const verb = direction === "up" ? "applying" : "reverting";
      const resumed = start > 0 ? `; resuming after step ${start}, done by an earlier run` : "";
      io.out(`${verb} ${id}: ${message} (${total} step${total === 1 ? "" : "s"}${resumed})`);
    },
    step({ index, total, description, skipped }) {
      io.out(skipped ? `        already applied (found in the database): skipped` : `  [${index + 1}/${total}] ${description}`);
    },
    migrationDone({ id, direction, ms }) {
      io.out(`  ${direction === "up" ? "applied" : "reverted"} ${id} in ${ms} ms`);
    },
  };
}
