/**
 * The README's Core example is examples/core-quickstart.ts, character for character, and it runs
 * as written (importing "athanor"), printing what the README says it prints.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { repoRoot as root } from "../support/repo-root.js";
import { promisify } from "node:util";
import { test } from "node:test";

const examplePath = "examples/core-quickstart.ts";

/** The fenced blocks of the README's "## Core" section, in order. */
async function coreSectionBlocks(): Promise<string[]> {
  const readme = await readFile(`${root}/README.md`, "utf8");
  const start = readme.indexOf("\n## Core\n");
  assert.ok(start >= 0, "README has a '## Core' section");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^```[a-z]*\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

test("the README's Core example is examples/core-quickstart.ts", async () => {
  const [code] = await coreSectionBlocks();
  assert.equal(code, await readFile(`${root}/${examplePath}`, "utf8"));
});

test("examples/core-quickstart.ts runs and prints what the README shows", async () => {
  const [, printed] = await coreSectionBlocks();
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", examplePath], { cwd: root });
  assert.equal(stdout, printed);
});
