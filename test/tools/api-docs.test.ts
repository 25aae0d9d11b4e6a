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
import { repoRoot } from "../support/dist.js";

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
  // Offline: no script or stylesheet from another host.
  assert.doesNotMatch(index, /<(script|link)[^>]+(src|href)="https?:/);
});
