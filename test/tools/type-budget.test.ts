/**
 * The type-check budget (issue 18): what athanor's compile-time checks cost an application per
 * model, counted in type instantiations, which do not depend on the machine or its load.
 *
 * The models of `npm run bench:types` (bench/typecheck/generate.ts: one model per file, each with
 * 4 columns, a many-to-one, a one-to-many and a many-to-many pair across files) are generated at
 * 20, 40 and 60 models and type-checked against athanor's emitted declarations, as an application
 * compiles against the published package, with TypeScript 7 and 5.9 (`--extendedDiagnostics`).
 * The cost of one more model is the slope between two sizes, which leaves out the fixed costs (the
 * library's types resolved once, or once per checker on TypeScript 7). It fails when
 *
 * - a slope exceeds the compiler's budget (BUDGET, set about 10 % above the measured figure), or
 * - growth is not linear: the slope from 40 to 60 models is more than 10 % above the slope from
 *   20 to 40 (a check whose cost grows with the number of models, such as a lookup in `Models`
 *   on the happy path, makes the whole project quadratic).
 *
 * The last test shows the check can fail: the same run against declarations where the relationship
 * check looks up the class's name in `Models` for every sound declaration.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, test } from "node:test";
import { generateModels } from "../../bench/typecheck/generate.js";
import { compilers, countTypes, emitDeclarations, type Compiler } from "../../bench/typecheck/tsc.js";
import { repoRoot } from "../support/repo-root.js";

/** Instantiations per model: session 23's measure (TS 7: 550, TS 5.9: 520) plus about 10 %. */
const BUDGET: Record<Compiler["label"], number> = { "TS 7": 605, "TS 5.9": 572 };
/** How much more the second slope may be than the first before growth counts as not linear. */
const GROWTH = 1.1;
const SIZES = [20, 40, 60] as const;

/**
 * TS 7 checks with 4 checkers (its default, pinned so that a new default does not move the
 * figures), each resolving the types it needs again: its counts are above TS 5.9's.
 */
const pinned = (compiler: Compiler): string[] => (compiler.label === "TS 7" ? ["--checkers", "4"] : []);

// Under the repository (its gitignored tmp/), so that the projects resolve @types/node and the
// declarations' imports from its node_modules, as bench:types does.
mkdirSync(join(repoRoot, "tmp"), { recursive: true });
const work = mkdtempSync(join(repoRoot, "tmp", "type-budget-"));
after(() => rmSync(work, { recursive: true, force: true }));
const declarations = emitDeclarations(join(work, "athanor-types"));

interface Measure {
  readonly compiler: Compiler;
  /** Instantiations at each of SIZES. */
  readonly counts: readonly number[];
  /** Instantiations per model between consecutive sizes. */
  readonly slopes: readonly number[];
}

function measure(compiler: Compiler, athanorTypes: string, outRoot: string): Measure {
  const counts = SIZES.map((n) => countTypes(compiler, generateModels(n, { athanorTypes, outRoot }), pinned(compiler)).instantiations);
  const slopes = counts.slice(1).map((count, i) => Math.round((count - counts[i]!) / (SIZES[i + 1]! - SIZES[i]!)));
  return { compiler, counts, slopes };
}

/** What is wrong with the measure, each with its figures; empty when it is within the budget. */
function overBudget({ compiler, counts, slopes }: Measure): string[] {
  const fmt = (v: number) => v.toLocaleString("en-US");
  const figures =
    `${compiler.label}: ${SIZES.map((n, i) => `${fmt(counts[i]!)} instantiations at ${n} models`).join(", ")}; ` +
    `per model ${slopes.map((s, i) => `${fmt(s)} from ${SIZES[i]} to ${SIZES[i + 1]}`).join(", ")}`;
  const problems: string[] = [];
  const worst = Math.max(...slopes);
  if (worst > BUDGET[compiler.label]) problems.push(`${figures}: over the budget of ${fmt(BUDGET[compiler.label])} per model`);
  const growth = slopes[1]! / slopes[0]!;
  if (growth > GROWTH) problems.push(`${figures}: not linear, the cost of a model grows ${growth.toFixed(2)}× with the number of models (limit ${GROWTH}×)`);
  return problems;
}

const advice =
  "See docs/performance.md, \"The type-check budget\": `npm run bench:types -- --runs 1 60` before and after a change shows what it costs; " +
  "the sections under \"Type-check cost\" list what keeps the checks cheap and linear (lazy error messages, the relationship fast path, no lookup in Models on the happy path). " +
  "Lower BUDGET in test/tools/type-budget.test.ts when a change makes the checks cheaper; raise it only with a measured reason, recorded there.";

for (const compiler of compilers) {
  test(`${compiler.label}: each model costs at most ${BUDGET[compiler.label]} instantiations, the same at every size`, () => {
    const problems = overBudget(measure(compiler, declarations, join(work, compiler.label.replace(/\W/g, ""))));
    assert.ok(problems.length === 0, `${problems.join("\n")}\n${advice}`);
  });
}

test("the budget fails on a check that looks up the class's name in Models for every sound relationship (quadratic)", () => {
  // The known-bad variant: CheckedRelationshipResult asks for Where<This, N> (the class's name, an
  // O(models) lookup, meant for error messages only) before its verdict. Compiled with TS 7 (fast).
  const bad = join(work, "athanor-types-quadratic");
  cpSync(join(work, "athanor-types"), bad, { recursive: true });
  const checks = join(bad, "orm", "typing", "checks.d.ts");
  const text = readFileSync(checks, "utf8");
  const alias = /(export type CheckedRelationshipResult<[^=]*?> = )([\s\S]*?);\n/;
  assert.match(text, alias, "CheckedRelationshipResult in the emitted checks.d.ts (renamed? update this test's variant)");
  const patched = text.replace(alias, (_, head: string, body: string) => `${head}Where<This, N> extends string ? (${body}) : never;\n`);
  writeFileSync(checks, `import type { Where } from "./type-utils.js";\n${patched}`);

  const problems = overBudget(measure(compilers[0]!, join(bad, "index.d.ts"), join(work, "quadratic")));
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems[0]!, /over the budget/);
  assert.match(problems[1]!, /not linear, the cost of a model grows \d+\.\d\d×/);
});
