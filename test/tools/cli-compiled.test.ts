/**
 * The `athanor` command as installed: bin/ and dist/ in node_modules/athanor of a scratch
 * application, whose node_modules holds the run-time dependencies the CLI needs and NOT tsx. It
 * starts with plain Node, checks JavaScript models, and for TypeScript models says to install
 * tsx; once tsx is installed, TypeScript models load.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildDist, repoRoot } from "../support/dist.js";

const app = mkdtempSync(join(tmpdir(), "athanor-cli-compiled-"));
after(() => rmSync(app, { recursive: true, force: true }));

const TS_MODEL = `import { DeclarativeBase, integer, model, column, text } from "athanor";
export class Base extends DeclarativeBase {}
@model({ table: "notes" })
export class Note extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(text()) accessor body!: string;
}
`;

before(() => {
  buildDist();
  const pkg = join(app, "node_modules/athanor");
  mkdirSync(pkg, { recursive: true });
  for (const part of ["bin", "dist", "package.json"]) cpSync(join(repoRoot, part), join(pkg, part), { recursive: true });
  // The CLI's run-time dependencies, linked from the repository's node_modules; tsx is left out.
  for (const dep of ["oxc-parser", "@oxc-parser", "@oxc-project"]) {
    mkdirSync(join(app, "node_modules", dep, ".."), { recursive: true });
    symlinkSync(join(repoRoot, "node_modules", dep), join(app, "node_modules", dep));
  }
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", type: "module", private: true }));
  // Decorators are not JavaScript that Node runs yet: the .js models are what a compiler emits,
  // here the same class through the decorator-free mapping API.
  mkdirSync(join(app, "js-models"));
  writeFileSync(
    join(app, "js-models/note.js"),
    `import { Registry, Table, integer, text } from "athanor";
export const registry = new Registry();
export class Note {}
registry.mapImperatively(Note, new Table("notes", registry.metadata, { id: integer().primaryKey(), body: text() }));
`,
  );
  mkdirSync(join(app, "ts-models"));
  writeFileSync(join(app, "ts-models/note.ts"), TS_MODEL);
});

function athanor(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.NODE_OPTIONS; // no inherited `--import tsx`
  const bin = join(app, "node_modules/athanor/bin/athanor.mjs");
  const run = spawnSync(process.execPath, [bin, ...args], { cwd: app, env, encoding: "utf8", timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test("--help runs from dist/ with plain Node, without tsx installed", () => {
  const run = athanor(["--help"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /Usage: athanor <command>/);
});

test("JavaScript models are checked without tsx", () => {
  const run = athanor(["check", "js-models"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /OK, no problems/);
  assert.match(run.stdout, /models\s+1\s+\(Note\)/);
});

test("TypeScript models without tsx: one line naming the file and how to install tsx", () => {
  const run = athanor(["check", "ts-models"]);
  assert.equal(run.code, 2, run.stderr);
  assert.equal(run.stdout, "");
  assert.equal(
    run.stderr,
    "athanor: ts-models/note.ts is TypeScript, and loading it needs tsx: install it in the project (npm install --save-dev tsx), or compile the models and point athanor at the .js files\n",
  );
});

test("TypeScript models once tsx is installed", () => {
  symlinkSync(join(repoRoot, "node_modules/tsx"), join(app, "node_modules/tsx"));
  try {
    const run = athanor(["check", "ts-models"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /models\s+1\s+\(Note\)/);
  } finally {
    rmSync(join(app, "node_modules/tsx"));
  }
});
