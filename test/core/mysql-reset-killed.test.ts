/**
 * MariaDB: a connection whose session SQL text changed (`SET @v = ...`) is reset when it goes back
 * to the pool (COM_RESET_CONNECTION, then the engine's session setup). It used to be handed on at
 * once, the next user's statements queued behind the reset; a real fault on the reset (a KILL
 * QUERY landing on the setup's SET, or on the reset itself) closed the connection under them, and
 * the next user's statement failed (with a write error not even taken for a lost connection)
 * though it had done nothing. The pool now gets the connection back once the reset answered, and
 * discards it when the reset failed: the next user gets another connection.
 *
 * The fault is real and timed by chance: another connection sends KILL QUERY to the pooled
 * connection without pause while it is used, released and reset, until enough resets were hit.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sql } from "../../src/index.js";
import { engineFor } from "../support/databases.js";
import { forEachDatabase } from "../support/dialects.js";

/** The KILL QUERY's own error, when it lands on a statement of the user: its fault, not the reset's. */
const interrupted = (e: unknown) => (e as { cause?: { errno?: number } })?.cause?.errno === 1317 || /interrupted/i.test(String(e));

forEachDatabase("a MariaDB connection whose reset is killed", (ctx) => {
  test("the next user's statement never fails for the reset: the connection is discarded, another one serves it", async () => {
    const engine = engineFor(ctx.db, { pool: { max: 1 } });
    const killer = engineFor(ctx.db, { pool: { max: 1 } });
    let target = 0;
    let killing = true;
    const kills = (async () => {
      while (killing) await (target ? killer.execute(sql.raw(`KILL QUERY ${target}`)).catch(() => undefined) : new Promise((resolve) => setImmediate(resolve)));
    })();
    const failures: string[] = [];
    let ids = new Set<number>();
    try {
      const deadline = Date.now() + 60_000;
      // Enough connections replaced (resets hit, or statements of the user killed) for the old code to fail.
      while (ids.size < 6 && Date.now() < deadline && failures.length === 0) {
        const conn = await engine.connect();
        try {
          const id = Number((await conn.execute(sql<{ id: number }>`SELECT CONNECTION_ID() AS id`)).rows[0]!.id);
          ids.add(id);
          target = id;
          await conn.execute(sql.raw("SET @athanor_reset_probe = 1")); // the session changed: reset on release
        } catch (e) {
          if (!interrupted(e)) failures.push(`the user's own statement: ${String(e)}`);
        } finally {
          await conn.close();
        }
        // The next user: its statement runs, unless the KILL hit that very statement.
        await engine.execute(sql`SELECT 1 AS one`).catch((e: unknown) => {
          if (!interrupted(e)) failures.push(`the next user's statement: ${String(e)}`);
        });
      }
      assert.deepEqual(failures, []);
      assert.ok(ids.size >= 6, `only ${ids.size} connections in 60 s: the KILLs did not hit`);
    } finally {
      killing = false;
      await kills;
      await engine.dispose();
      await killer.dispose();
    }
  });
}, ["mysql"]);
