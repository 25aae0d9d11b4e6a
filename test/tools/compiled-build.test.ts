/**
 * Models compiled by `tsc` run under plain `node`, without tsx. TypeScript's decorator emit asks
 * for `Symbol.metadata`, which Node 20 lacks, and without it hands every decorator
 * `metadata: undefined`; the library installs the symbol when it loads.
 *
 * The library is built with TypeScript 7 (as `npm run build` does) into a package folder
 * `node_modules/athanor` of a scratch project under the repo's gitignored tmp/ (under the repo, so
 * that the library's own dependencies resolve from the repo's node_modules; a unique folder, so
 * that neither dist/ nor a concurrent run is touched). The seed's models and a small script are
 * compiled there by each compiler, as a user would, and run in a child process with `node` alone.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { repoRoot as root } from "../support/repo-root.js";

const compilers = {
  "TypeScript 7": join(root, "node_modules/typescript/bin/tsc"),
  "TypeScript 5.9": join(root, "node_modules/typescript-5.9/bin/tsc"),
} as const;

mkdirSync(join(root, "tmp"), { recursive: true });
const project = mkdtempSync(join(root, "tmp", "compiled-build-"));
after(() => rmSync(project, { recursive: true, force: true }));

/** Runs `node args` in the scratch project: no tsx, no inherited NODE_OPTIONS. */
function node(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env };
  delete env.NODE_OPTIONS;
  const result = spawnSync(process.execPath, args, { cwd: project, env, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function compile(compiler: string, args: readonly string[]): void {
  const run = node([compiler, ...args]);
  assert.equal(run.code, 0, `tsc ${args.join(" ")}:\n${run.stdout}${run.stderr}`);
}

/** The script run under node: maps the seed's models, writes through a Session, reads back. */
const main = `
import { Session, columnsOf, createEngine, select, selectinLoad } from "athanor";
import { Association, Base, Child, Parent } from "./index.js";

const engine = createEngine("sqlite://:memory:");
await Base.metadata.createAll(engine);

const writer = new Session(engine);
const parent = Object.assign(new Parent(), { id: 1 });
const [c10, c11, c12] = [10, 11, 12].map((id) => Object.assign(new Child(), { id })) as [Child, Child, Child];
parent.children.push(c10, c11);
Object.assign(new Association(), { parent, child: c12, extraData: "through the association object" });
writer.add(parent);
await writer.commit();
await writer.close();

const reader = new Session(engine);
const parents = await reader.scalars(
  select(Parent).options(selectinLoad(Parent, "children"), selectinLoad(Parent, "childAssociations", "child")),
);
const children = await reader.scalars(select(Child).orderBy(columnsOf(Child).id));
const associations = await reader.scalars(select(Association));
console.log(JSON.stringify({
  parents: parents.length,
  children: children.length,
  associations: associations.length,
  parentChildren: parents[0]!.children.map((c) => c.id).sort(),
  extraData: parents[0]!.childAssociations.map((a) => [a.child.id, a.extraData]).sort(),
}));
await reader.close();
await engine.dispose();
`;

/** Holds the pool's one connection and asks for another: who holds it? */
const holder = `
import { PoolTimeoutError, createEngine } from "athanor";

const engine = createEngine("sqlite://:memory:", { pool: { max: 1, acquireTimeoutMs: 1000 } });
const held = await engine.connect();
try {
  await engine.connect();
} catch (error) {
  console.log((error as PoolTimeoutError).holders[0]!.holder);
}
await held.close();
await engine.dispose();
`;

before(() => {
  const library = join(project, "node_modules/athanor");
  // With source maps, as `npm run build` makes the package.
  compile(compilers["TypeScript 7"], ["-p", join(root, "tsconfig.build.json"), "--outDir", library]);
  writeFileSync(
    join(library, "package.json"),
    JSON.stringify({ name: "athanor", type: "module", exports: { ".": { types: "./index.d.ts", import: "./index.js" } } }),
  );
  writeFileSync(join(project, "package.json"), JSON.stringify({ private: true, type: "module" }));
  writeFileSync(
    join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, types: [], rootDir: "app" },
      include: ["app"],
    }),
  );
  mkdirSync(join(project, "app"));
  for (const file of ["base", "parent", "child", "association", "index"]) {
    copyFileSync(join(root, "examples/seed", `${file}.ts`), join(project, "app", `${file}.ts`));
  }
  writeFileSync(join(project, "app/main.ts"), main);
  writeFileSync(join(project, "app/holder.ts"), holder);
});

const cases = [
  { compiler: "TypeScript 7", target: "ES2022" },
  { compiler: "TypeScript 5.9", target: "ES2022" },
  { compiler: "TypeScript 7", target: "ES2024" },
] as const;

for (const { compiler, target } of cases) {
  test(`the seed's models compiled by ${compiler} (target ${target}) run under plain node`, () => {
    const out = `out-${compiler.replace(/\W+/g, "")}-${target}`;
    compile(compilers[compiler], ["-p", join(project, "tsconfig.json"), "--target", target, "--outDir", join(project, out)]);
    // The emit under test: TypeScript's own decorator helpers, which read the global Symbol.metadata.
    assert.match(readFileSync(join(project, out, "parent.js"), "utf8"), /typeof Symbol === "function" && Symbol\.metadata/);

    const run = node([join(project, out, "main.js")]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      parents: 1,
      children: 3,
      associations: 3,
      parentChildren: [10, 11, 12],
      extraData: [
        [10, null],
        [11, null],
        [12, "through the association object"],
      ],
    });
  });
}

// Under --enable-source-maps a frame of the package's dist/ names the src/ file its map points to:
// the holder used to be reported as athanor's own Engine.connect, not the application's line.
test("a pool timeout names the application's line as the holder, with node --enable-source-maps too", () => {
  const out = "out-holder";
  compile(compilers["TypeScript 7"], ["-p", join(project, "tsconfig.json"), "--outDir", join(project, out)]);
  for (const flags of [[], ["--enable-source-maps"]]) {
    const run = node([...flags, join(project, out, "holder.js")]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout.trim(), /^connect\(\) called at .*holder\.js:\d+:\d+\)?$/, `node ${flags.join(" ")}`);
  }
});
