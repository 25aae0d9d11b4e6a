/**
 * `migrate verify` runs each migration up, down and up on a scratch database. A migration whose up
 * seeds rows (a lookup table created, then filled by an execute step) has a down that drops a
 * table holding rows there, which `migrate down` refuses unless confirmed (DownDataLossError):
 * verify failed on such a history. The scratch database's rows are verify's own, so its downs
 * run confirmed; `migrate down` on the configured database still refuses.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { testDatabases } from "../support/databases.js";
import { col, str, tableModel } from "./model-builders.js";
import { projectSuite, query, resetDatabase } from "./project.js";

const TABLES = ["vs_kinds"];
const KINDS = tableModel("vs_kinds", [col("label", str(20))]);

for (const db of await testDatabases()) {
  describe(`migrate verify over a migration that seeds rows [${db.name}]`, { skip: db.skip }, () => {
    const { url, p } = projectSuite(db, "verifyseed", TABLES);

    test("verify passes; migrate down on the database itself is still refused", async () => {
      await resetDatabase(url, TABLES);
      p!.write({
        id: "20260101000001_kinds",
        up: [{ op: "createTable", table: KINDS }, { op: "execute", sql: "INSERT INTO vs_kinds (id, label) VALUES (1, 'book'), (2, 'film')" }],
        down: [{ op: "dropTable", table: KINDS }],
      });
      const verify = await p!.cli("migrate", "verify");
      assert.equal(verify.code, 0, verify.out + verify.err); // was: reverting 20260101000001_kinds would lose data
      assert.match(verify.out, /all 1 downs restore the schema$/);
      await p!.cliOk("migrate", "up");
      const down = await p!.cli("migrate", "down");
      assert.equal(down.code, 1);
      assert.match(down.err, /drop table vs_kinds: 2 rows/);
      assert.equal((await query(url, "SELECT COUNT(*) AS n FROM vs_kinds")).map((r) => Number(r["n"]))[0], 2);
    });
  });
}
