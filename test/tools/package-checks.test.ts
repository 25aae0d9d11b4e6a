/**
 * The published package: what the tarball holds, publint's lint and attw's type resolution
 * checks, on one `npm pack` of the current sources.
 *
 * attw runs with `--ignore-rules cjs-resolves-to-esm`, and only that: athanor is ESM, and
 * CommonJS consumers load it through Node's require(esm) (Node ^20.19 or >= 22.12, the `engines`
 * range), which TypeScript >= 5.8 models under `--module nodenext`/`node20`. attw 0.18 bundles
 * TypeScript 5.6, which predates that and flags every require of ESM. test/tools/install.test.ts
 * proves the CommonJS path: require() works, nodenext compiles it, node16 refuses at compile time.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { output, packInto, root, run } from "../support/pack.js";

const scratch = mkdtempSync(join(tmpdir(), "athanor-package-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
let tarball: string;
before(() => {
  tarball = packInto(scratch);
});

const bin = (name: string) => join(root, "node_modules/.bin", name);

test("the tarball ships the build, the command, the license and the changelog; no sources, tests or benchmarks", () => {
  const listing = run("tar", ["tzf", tarball], scratch);
  assert.equal(listing.status, 0, output(listing));
  const files = listing.stdout.trim().split("\n").map((f) => f.replace(/^package\//, ""));
  const topLevel = new Set(files.map((f) => f.split("/")[0]));
  assert.deepEqual([...topLevel].sort(), ["CHANGELOG.md", "LICENSE", "README.md", "bin", "dist", "package.json"]);
  for (const file of ["dist/index.js", "dist/index.d.ts", "dist/index.js.map", "dist/tools/cli/main.js", "dist/tools/cli/bin.js", "dist/migrations/index.js", "dist/migrations/index.d.ts"]) {
    assert.ok(files.includes(file), `${file} is missing from the tarball`);
  }
  assert.deepEqual(files.filter((f) => /\.test\.|\.ts$/.test(f) && !f.endsWith(".d.ts")), []);
});

test("publint finds no problem, suggestions included", () => {
  const lint = run(bin("publint"), ["run", tarball, "--strict"], scratch);
  assert.equal(lint.status, 0, output(lint));
  assert.match(lint.stdout, /All good!/, output(lint));
});

test("attw: the types resolve for every module resolution (CommonJS through require(esm), see above)", () => {
  const check = run(bin("attw"), [tarball, "--ignore-rules", "cjs-resolves-to-esm", "--format", "ascii", "--no-color"], scratch);
  assert.equal(check.status, 0, output(check));
  assert.match(check.stdout, /No problems found/, output(check));
});
