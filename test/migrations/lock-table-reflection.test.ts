/**
 * athanor's own tables stay out of reflection: the version table `athanor_migrations`, and the
 * lock table `athanor_migrations_lock` that `athanor migrate` creates on a Galera node (its
 * migration lock there, docs/clusters.md). Otherwise `migrate check` reported it as drift and
 * `pull` generated a model for it. The lock itself is tested on a real cluster
 * (test/cluster/galera-migrations.cluster-test.ts).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MIGRATIONS_LOCK_TABLE } from "../../src/engine/inspector.js";
import { forEachDatabase } from "../support/dialects.js";

forEachDatabase("reflection leaves athanor's tables out", (ctx) => {
  const run = (sql: string) => ctx.engine.withConnection((conn) => conn.run(sql));

  test("a database holding the migrations' lock table reflects without it", async () => {
    await run(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_LOCK_TABLE} (id INTEGER NOT NULL PRIMARY KEY, owner VARCHAR(255) NOT NULL)`);
    try {
      const tables = (await ctx.engine.inspect().reflect()).tables.map((t) => t.name);
      assert.ok(!tables.includes(MIGRATIONS_LOCK_TABLE), tables.join(", "));
    } finally {
      await run(`DROP TABLE IF EXISTS ${MIGRATIONS_LOCK_TABLE}`);
    }
  });
});
