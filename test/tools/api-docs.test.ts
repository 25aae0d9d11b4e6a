/**
 * `npm run docs`: TypeDoc builds the API reference of src/index.ts with the guides of docs/ into
 * one offline HTML site, and fails when an export has no doc comment.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { after, test } from "node:test";
import { repoRoot } from "../support/repo-root.js";

const out = mkdtempSync(join(tmpdir(), "athanor-api-docs-"));
after(() => rmSync(out, { recursive: true, force: true }));

test("the site holds the reference of every export and the guides, with no undocumented export", () => {
  const run = spawnSync(process.execPath, [join(repoRoot, "scripts/docs/build.mjs"), "--out", out], { cwd: repoRoot, encoding: "utf8", timeout: 180_000 });
  assert.equal(run.status, 0, `npm run docs failed:\n${run.stdout}${run.stderr}`);
  assert.doesNotMatch(run.stdout + run.stderr, /does not have any documentation/);

  const index = readFileSync(join(out, "index.html"), "utf8");
  assert.match(index, /athanor/);
  // The reference: one page per exported class and function, of each entry point.
  const pages = ["classes/athanor.Session.html", "classes/athanor.Engine.html", "functions/athanor.createEngine.html", "classes/athanor.DatabaseUrlError.html"];
  for (const page of [...pages, "modules/athanor_migrations.html", "functions/athanor_migrations.defineMigration.html"]) {
    assert.ok(existsSync(join(out, page)), `${page} in the site`);
  }
  assert.match(readFileSync(join(out, "functions/athanor.createEngine.html"), "utf8"), /sqlite:app\.db/);
  // The guides: each Markdown file of docs/ is a page of the site.
  const guides = readdirSync(join(repoRoot, "docs")).filter((f) => f.endsWith(".md"));
  assert.ok(guides.length > 0);
  const documents = readdirSync(join(out, "documents")).join(" ");
  for (const guide of guides) assert.match(documents, new RegExp(basename(guide, ".md"), "i"), `guide ${guide} in the site`);
  // The classes an application holds show their API only: the hooks the ORM calls on them are
  // `@internal` (out of the reference), so a reader is never invited to call them.
  const members = (page: string) => [...readFileSync(join(out, page), "utf8").matchAll(/<a href="#([a-z_]+)" class="tsd-index-link/g)].map((m) => m[1]);
  for (const [page, internal] of [
    ["classes/athanor.Session.html", ["changing", "markmodified", "writing", "reached", "cascadeadd", "objectbykey", "orphaned"]],
    ["classes/athanor.Mapper.html", ["newdict", "newinstance", "columnplans", "givencolumnsmask", "slots", "relationshipscascading", "mapkeycolumns"]],
    ["classes/athanor.Transaction.html", ["markended", "markfailed"]],
    ["classes/athanor.Connection.html", ["endtransaction"]],
    ["classes/athanor.InstrumentedList.html", ["adopt", "markcommitted", "appendquietly", "resetquietly", "handovercommitted", "gained"]],
  ] as const) {
    const listed = members(page);
    assert.ok(listed.length > 0, `${page} lists its members`);
    for (const name of internal) assert.ok(!listed.includes(name), `${page} hides the internal member ${name}`);
  }
  assert.ok(members("classes/athanor.Session.html").includes("commit") && members("classes/athanor.Mapper.html").includes("relationships"));
  // Offline: no script or stylesheet from another host.
  assert.doesNotMatch(index, /<(script|link)[^>]+(src|href)="https?:/);
});
