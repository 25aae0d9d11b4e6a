/**
 * The one-way folder rules (.dependency-cruiser.cjs, .dependency-cruiser-runtime.cjs) bite:
 * a scratch copy of src/ gets deliberate back-edges, and the cruise run by `npm run deps`
 * exits non-zero naming each rule and edge. Type-only imports stay allowed where the rules say so.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot as root } from "../support/repo-root.js";

const scratch = mkdtempSync(join(tmpdir(), "athanor-deps-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function cruise(config: string) {
  const result = spawnSync(
    process.execPath,
    [join(root, "scripts/depcruise/run.mjs"), "src", "--config", config, "--output-type", "err"],
    { cwd: scratch, encoding: "utf8", timeout: 120_000 },
  );
  return { code: result.status, output: result.stdout + result.stderr };
}

function write(path: string, text: string) {
  mkdirSync(dirname(join(scratch, path)), { recursive: true });
  writeFileSync(join(scratch, path), text);
}

before(() => {
  for (const file of ["src", "tsconfig.json", ".dependency-cruiser.cjs", ".dependency-cruiser-runtime.cjs"]) {
    cpSync(join(root, file), join(scratch, file), { recursive: true });
  }
  symlinkSync(join(root, "node_modules"), join(scratch, "node_modules"), "dir");
  // Back-edges, one per rule.
  write("src/core/back-edge.ts", `import { Session } from "../orm/session/session.js";\nexport const s = Session;\n`);
  write("src/core/type-back-edge.ts", `import type { Mapper } from "../orm/mapping/mapper.js";\nexport type M = Mapper;\n`);
  write("src/engine/back-edge.ts", `import { createEngine } from "../dialects/create-engine.js";\nexport const c = createEngine;\n`);
  write("src/dialects/back-edge.ts", `import { Session } from "../orm/session/session.js";\nexport const s = Session;\n`);
  write("src/orm/back-edge.ts", `import { createEngine } from "../dialects/create-engine.js";\nexport const c = createEngine;\n`);
  write("src/orm/loading/back-edge.ts", `import { Session } from "../session/session.js";\nexport const s = Session;\n`);
  write("src/engine/migrations-back-edge.ts", `import { defineMigration } from "../migrations/migration.js";\nexport const d = defineMigration;\n`);
  write("src/migrations/back-edge.ts", `import { Session } from "../orm/session/session.js";\nexport const s = Session;\n`);
  write("src/orm/identity/back-edge.ts", `import type { Session } from "../session/session.js";\nexport type S = Session;\n`);
  // Run-time rules: a run-time cycle and a run-time state -> mapping import are errors;
  // a cycle closed by `import type` and a type-only state -> mapping import are not.
  write("src/core/cycle-a.ts", `import { b } from "./cycle-b.js";\nexport const a = () => b;\n`);
  write("src/core/cycle-b.ts", `import { a } from "./cycle-a.js";\nexport const b = () => a;\n`);
  write("src/core/type-cycle-a.ts", `import type { B } from "./type-cycle-b.js";\nexport interface A { b?: B }\n`);
  write("src/core/type-cycle-b.ts", `import type { A } from "./type-cycle-a.js";\nexport const b = 1;\nexport interface B { a?: A }\n`);
  write("src/orm/state/runtime-mapping.ts", `import { Mapper } from "../mapping/mapper.js";\nexport const m = Mapper;\n`);
  write("src/orm/state/type-mapping.ts", `import type { Mapper } from "../mapping/mapper.js";\nexport type M = Mapper;\n`);
});

test("every import rule names the back-edge that breaks it, type-only imports included", () => {
  const { code, output } = cruise(".dependency-cruiser.cjs");
  assert.notEqual(code, 0, output);
  const expected: [rule: string, from: string, to: string][] = [
    ["core-imports-only-core", "src/core/back-edge.ts", "src/orm/session/session.ts"],
    ["core-imports-only-core", "src/core/type-back-edge.ts", "src/orm/mapping/mapper.ts"],
    ["engine-imports-only-core-and-engine", "src/engine/back-edge.ts", "src/dialects/create-engine.ts"],
    ["dialects-import-only-core-engine-dialects", "src/dialects/back-edge.ts", "src/orm/session/session.ts"],
    ["orm-not-on-tools-migrations-dialects", "src/orm/back-edge.ts", "src/dialects/create-engine.ts"],
    ["migrations-not-on-orm-tools-dialects", "src/migrations/back-edge.ts", "src/orm/session/session.ts"],
    ["lower-layers-not-on-migrations", "src/engine/migrations-back-edge.ts", "src/migrations/migration.ts"],
    ["orm-loading-and-unit-of-work-not-on-session", "src/orm/loading/back-edge.ts", "src/orm/session/session.ts"],
    ["orm-identity-is-a-leaf-of-the-session", "src/orm/identity/back-edge.ts", "src/orm/session/session.ts"],
  ];
  for (const [rule, from, to] of expected) assert.ok(output.includes(`error ${rule}: ${from} → ${to}`), `${rule} ${from}\n${output}`);
});

test("a run-time cycle and a run-time import of mapping/ from state/ fail; type-only ones do not", () => {
  const { code, output } = cruise(".dependency-cruiser-runtime.cjs");
  assert.notEqual(code, 0, output);
  assert.match(output, /error no-runtime-cycle: src\/core\/cycle-(a|b)\.ts → \s*src\/core\/cycle-(a|b)\.ts/);
  assert.ok(output.includes("error orm-state-uses-mapping-types-only: src/orm/state/runtime-mapping.ts → src/orm/mapping/mapper.ts"), output);
  assert.doesNotMatch(output, /type-cycle|type-mapping/);
});
