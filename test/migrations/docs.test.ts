/**
 * docs/migrations.md holds what it promises: its code example is examples/migrations-from-code.ts
 * and runs as shown, and it documents every lint rule and every `migrate` subcommand.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { LINT_RULES } from "../../src/migrations/index.js";
import { MIGRATE_SUBCOMMANDS } from "../../src/tools/cli/migrate-args.js";
import { repoRoot as root } from "../support/repo-root.js";

const guide = readFileSync(join(root, "docs/migrations.md"), "utf8");
const example = readFileSync(join(root, "examples/migrations-from-code.ts"), "utf8");

test("the guide's code example is examples/migrations-from-code.ts, and it prints what the comment says", () => {
  assert.ok(guide.includes("```ts\n" + example + "```"), "docs/migrations.md embeds the example file verbatim");
  const out = execFileSync(process.execPath, ["--import", "tsx", "examples/migrations-from-code.ts"], { cwd: root, encoding: "utf8" });
  assert.equal(out.trim(), "[ 'dropColumn note' ]");
});

test("every lint rule id and every migrate subcommand is documented", () => {
  for (const rule of Object.keys(LINT_RULES)) assert.ok(guide.includes(`\`${rule}\``), rule);
  for (const sub of Object.keys(MIGRATE_SUBCOMMANDS)) assert.ok(guide.includes(`athanor migrate ${sub}`), sub);
});
