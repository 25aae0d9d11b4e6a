/**
 * The CLI's import scan (oxc-parser): value imports told apart from type-only ones, names used
 * only in type positions found, and no TypeScript compiler among the run-time dependencies.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildImportGraph, findValueCycles, loadParser, parseModule } from "../../src/tools/cli/import-graph.js";
import { repoRoot as root } from "../support/repo-root.js";

before(() => loadParser());

const dir = mkdtempSync(join(tmpdir(), "athanor-import-graph-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test("a name read at run time (extends, decorator argument) is a value; types, typeof, implements, declare and generics are not", () => {
  file("b.ts", "export class A {}\nexport const C = 1;\n");
  const a = file(
    "a.ts",
    `import { A, B, C, D, E, F, G, H } from "./b.js";
import type { T } from "./b.js";
import * as NS from "./b.js";
export class X extends A implements B {
  @dec(() => C) c!: D;
  declare d: H;
  m(x: typeof E): F { return x as unknown as F; }
  n(): T { return call<G>(); }
}
export { NS };
`,
  );
  const info = parseModule(a);
  assert.deepEqual(
    info.imports.map((i) => ({ line: i.line, typeOnly: i.typeOnly, opaque: i.opaque, usedOnlyAsTypes: i.usedOnlyAsTypes, to: i.to })),
    [
      { line: 1, typeOnly: false, opaque: false, usedOnlyAsTypes: ["B", "D", "E", "F", "G", "H"], to: join(dir, "b.ts") },
      { line: 2, typeOnly: true, opaque: false, usedOnlyAsTypes: [], to: join(dir, "b.ts") },
      { line: 3, typeOnly: false, opaque: true, usedOnlyAsTypes: [], to: join(dir, "b.ts") },
    ],
  );
  assert.equal(info.isScript, false);
});

test("a cycle closed only by `import type` or `export type` is not a run-time cycle; a value import closes one", () => {
  const p = file("p.ts", `import type { Q } from "./q.js";\nexport class P { q?: Q }\n`);
  file("q.ts", `import { P } from "./p.js";\nexport type { P };\nexport class Q extends P {}\n`);
  assert.deepEqual(findValueCycles(buildImportGraph([p], () => true)), []);
  const r = file("r.ts", `import { S } from "./s.js";\nexport class R { s = S; }\n`);
  file("s.ts", `import { type R } from "./r.js";\nexport { R } from "./r.js";\nexport const S = 1;\n`);
  const cycles = findValueCycles(buildImportGraph([r], () => true));
  assert.deepEqual(cycles.map((c) => c.files), [[r, join(dir, "s.ts")]]);
});

test("top-level await or console output makes a script; the same inside a function does not", () => {
  assert.equal(parseModule(file("script.ts", "const x = await Promise.resolve(1);\n")).isScript, true);
  assert.equal(parseModule(file("log.mts", "console.log('hi');\n")).isScript, true);
  assert.equal(parseModule(file("lib.ts", "export async function f() { await g(); console.log(1); }\n")).isScript, false);
});

test("no TypeScript compiler among the run-time dependencies (the scan uses oxc-parser)", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  const runtime = Object.entries(pkg.dependencies ?? {});
  assert.deepEqual(runtime.filter(([name, spec]) => name.startsWith("typescript") || spec.includes("typescript@")), []);
  const source = readFileSync(join(root, "src/tools/cli/import-graph.ts"), "utf8");
  assert.doesNotMatch(source, /from "typescript/);
});
