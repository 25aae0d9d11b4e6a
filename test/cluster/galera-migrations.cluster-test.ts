/**
 * `athanor migrate up` run at once against two nodes of a Galera cluster. `GET_LOCK`, the
 * migration lock on MySQL/MariaDB, is local to a node: both runs took it, and both applied the
 * migration (DDL replicated to the other node, version rows written twice or a run failing half
 * way). Exactly one run must apply it; the other must refuse clearly, having applied nothing.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { exec, Project, query, type MigrationSpec } from "../migrations/project.js";
import { ensureGaleraDatabase, nodeUrl } from "./galera-support.js";

const ID = "20260301000001_build_gm";
/** Steps that cannot run twice (no IF NOT EXISTS), slow enough for the two runs to overlap. */
const MIGRATION: MigrationSpec = {
  id: ID,
  message: "build gm_t",
  up: exec("CREATE TABLE gm_t (id INTEGER PRIMARY KEY)", "DO SLEEP(0.3)", "ALTER TABLE gm_t ADD COLUMN c1 VARCHAR(10)", "DO SLEEP(0.3)", "ALTER TABLE gm_t ADD COLUMN c2 INTEGER"),
  down: exec("DROP TABLE gm_t"),
};

describe("migrations on a Galera cluster", { timeout: 60_000 }, () => {
  const projects: Project[] = [];
  const reset = async () => {
    for (const table of ["gm_t", "athanor_migrations", "athanor_migrations_lock"]) await query(nodeUrl(0), `DROP TABLE IF EXISTS ${table}`);
  };
  before(async () => {
    await ensureGaleraDatabase();
    await reset();
  });
  after(async () => {
    projects.forEach((p) => p.remove());
    await reset();
  });

  test("two `migrate up` at once on two nodes: one applies the migration, once; the other refuses and applies nothing", async () => {
    const [a, b] = [0, 1].map((node) => {
      const p = new Project(`galera-node${node + 1}`, nodeUrl(node));
      p.write(MIGRATION);
      projects.push(p);
      return p;
    });
    const runs = await Promise.all([a!.cli("migrate", "up"), b!.cli("migrate", "up")]);
    const applied = runs.filter((r) => r.code === 0 && /applying /.test(r.out));
    const refused = runs.filter((r) => r.code !== 0);
    assert.equal(applied.length, 1, `exactly one run applied the migration:\n${runs.map((r) => `[${r.code}] ${r.out}\n${r.err}`).join("\n---\n")}`);
    assert.equal(refused.length, 1);
    assert.match(refused[0]!.err, /another 'athanor migrate' holds the migration lock/);
    for (const node of [0, 1, 2]) {
      const rows = await query(nodeUrl(node), "SELECT id, state, steps_done FROM athanor_migrations");
      assert.deepEqual(rows.map((r) => `${r.id} ${r.state} ${r.steps_done}`), [`${ID} applied 5`], `node ${node + 1}: one version row`);
      const columns = await query(nodeUrl(node), "SHOW COLUMNS FROM gm_t");
      assert.deepEqual(columns.map((r) => r.Field), ["id", "c1", "c2"]);
    }
    // The lock is free again: a later run on the third node finds nothing to do.
    const later = new Project("galera-node3", nodeUrl(2));
    later.write(MIGRATION);
    projects.push(later);
    const run = await later.cli("migrate", "up");
    assert.equal(run.code, 0, run.err);
    assert.doesNotMatch(run.out, /applying /);
  });
});
