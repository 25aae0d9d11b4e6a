/**
 * The examples in the API reference compile: every ```ts block of a doc comment under src/ is
 * written to a module of its own, which imports the public API (`athanor`, `athanor/migrations`)
 * and test/support/doc-example-prelude.ts for whatever it does not declare or import itself, and
 * the modules are type-checked together with TypeScript 7 and 5.9. And every function the public
 * API exports has such an example, as the API reference promises, and so has every public method
 * of what it exports:
 *
 * - every method of an exported class (its own, and those it inherits from a class of src/, such
 *   as Column's from Expression) and every method signature of an exported interface
 *   (`NestedTransaction.commit`, `LoaderOption.selectinLoad`) has a ```ts example in its doc
 *   comment as TypeScript's quick info shows it: a member without a comment of its own shows the
 *   one of the member it overrides (Session's methods, documented in session-api.ts). The check
 *   reads it with TypeScript 5.9's language service, which also shows an `implements`
 *   interface's comment; TypeScript 7 shows a base class's only, so docs kept apart from their
 *   class go in an abstract base class (the `*-api.ts` files), not an interface;
 * - a get/set accessor reads like a property: it needs a doc comment, an example where it helps;
 * - exempt: constructors (the class's own comment shows `new`), properties, members that are
 *   private, protected, `#private` or marked `@internal`, `toString` and symbol-named members (the
 *   language's protocols), and call signatures (the interface's comment shows the call).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, test } from "node:test";
import { docExamples, exportedNames, functionsWithExamples, membersWithoutExamples, namesDeclaredIn, type DocExample } from "../support/doc-examples.js";
import { repoRoot } from "../support/repo-root.js";

const entryPoints = { athanor: "src/index.ts", "athanor/migrations": "src/migrations/index.ts" } as const;
const prelude = join(repoRoot, "test/support/doc-example-prelude.ts");
const out = mkdtempSync(join(process.env.ATHANOR_TEST_TMP ?? tmpdir(), "athanor-doc-examples-"));
after(() => rmSync(out, { recursive: true, force: true }));

const examples = docExamples(repoRoot, "src");

/** The example as a module: the imports it lacks, then its code, at a known line offset. */
function moduleOf(example: DocExample): { readonly text: string; readonly offset: number } {
  const own = namesDeclaredIn(example.code);
  const imports: string[] = [];
  const taken = new Set(own);
  for (const [specifier, path] of Object.entries(entryPoints)) {
    const { values, types } = exportedNames(join(repoRoot, path));
    const names = [...values, ...types.map((t) => `type ${t}`)].filter((n) => {
      const bare = n.replace(/^type /, "");
      if (taken.has(bare)) return false;
      taken.add(bare);
      return true;
    });
    if (names.length) imports.push(`import { ${names.join(", ")} } from "${specifier}";`);
  }
  const fromPrelude = exportedNames(prelude).values.filter((n) => !taken.has(n));
  if (fromPrelude.length) imports.push(`import { ${fromPrelude.join(", ")} } from ${JSON.stringify(prelude.replace(/\.ts$/, ".js"))};`);
  const header = [...imports, "export {};", ""].join("\n");
  return { text: header + example.code + "\n", offset: header.split("\n").length - 1 };
}

test("the API reference has examples, each written as a module", () => {
  assert.ok(examples.length >= 80, `${examples.length} examples found in src/`);
});

const written = examples.map((example, i) => {
  const { text, offset } = moduleOf(example);
  const path = join(out, `example-${i}.ts`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return { example, path, offset };
});
writeFileSync(join(out, "package.json"), JSON.stringify({ private: true, type: "module" }));
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify({
    extends: join(repoRoot, "tsconfig.json"),
    // An example shows a call; what it leaves unused is not a mistake.
    compilerOptions: { noUnusedLocals: false, noUnusedParameters: false, typeRoots: [join(repoRoot, "node_modules/@types")] },
    include: [join(out, "*.ts")],
    exclude: [],
  }),
);

/** tsc's errors, each pointed back at the doc comment's line in src/. */
function compileErrors(tsc: string): string[] {
  const run = spawnSync(process.execPath, [join(repoRoot, tsc), "-p", join(out, "tsconfig.json"), "--pretty", "false"], { encoding: "utf8", timeout: 300_000 });
  if (run.status === 0) return [];
  const lines = (run.stdout + run.stderr).split("\n").filter((l) => l.trim());
  return lines.map((line) => {
    const at = /^(.*?)\((\d+),(\d+)\): (.*)$/.exec(line);
    const found = at && written.find((w) => resolve(w.path) === resolve(at[1]!));
    if (!found) return line;
    return `${found.example.file}:${found.example.line + Number(at[2]) - 1 - found.offset}: ${at[4]}`;
  });
}

for (const [compiler, tsc] of [["TypeScript 7", "node_modules/typescript/bin/tsc"], ["TypeScript 5.9", "node_modules/typescript-5.9/bin/tsc"]] as const) {
  test(`every example in a doc comment compiles with ${compiler}`, () => {
    const errors = compileErrors(tsc);
    assert.ok(errors.length === 0, `examples that do not compile:\n${errors.join("\n")}`);
  });
}

test("every function of the public API has an example in its doc comment", () => {
  const missing: string[] = [];
  for (const path of Object.values(entryPoints)) {
    const index = join(repoRoot, path);
    for (const [name, file] of reExports(index)) {
      if (functionsWithExamples(file).get(name) === false) missing.push(`${name} (${file.slice(repoRoot.length + 1)})`);
    }
  }
  assert.ok(missing.length === 0, `exported functions without an example:\n${missing.join("\n")}`);
});

test("every public method of an exported class or interface has an example, every accessor a doc comment", () => {
  const missing = membersWithoutExamples(repoRoot, Object.values(entryPoints));
  const lines = missing.map((m) => `${m.name} (${m.file}): ${m.lacks === "example" ? "no ```ts example" : "no doc comment"}`);
  assert.ok(missing.length === 0, `public members without what the rule asks (see this file's header):\n${lines.join("\n")}`);
});

/** The value names an entry point re-exports, each with the file that declares it. */
function reExports(index: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const [name, specifier] of exportedNames(index).from) result.set(name, resolve(dirname(index), specifier.replace(/\.js$/, ".ts")));
  return result;
}
