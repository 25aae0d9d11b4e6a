/**
 * The package as a new user gets it: `npm pack`, then `npm install <tarball>` into a fresh
 * application in a temporary folder, with nothing from this repository on its resolution path.
 *
 * Before any driver is there, each database URL fails with MissingPackageError naming the package
 * to install (a real missing module: the app has none of the optional peers). Then better-sqlite3
 * is linked in from the repository's node_modules (so nothing compiles from source), and the
 * seed's models, one per file, run a flush and a query on SQLite: compiled by `tsc --module
 * nodenext` and run by plain node, and run from source by tsx. CommonJS: require("athanor") works
 * (require(esm)), `--module nodenext` compiles it, `--module node16` refuses it at compile time.
 * A project with `experimentalDecorators` is refused by tsc at each decorator, and under tsx by
 * athanor's first decorator, with the fix.
 */
import assert from "node:assert/strict";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { output, packInto, root, run } from "../support/pack.js";

const scratch = mkdtempSync(join(tmpdir(), "athanor-install-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const app = join(scratch, "app");
const tsc = join(root, "node_modules/typescript/bin/tsc");
const tsxLoader = import.meta.resolve("tsx");
const seedModels = ["base", "parent", "child", "association", "index"];

const node = (args: readonly string[], cwd = app, env: Record<string, string> = {}) => run(process.execPath, args, cwd, env);

function json(dir: string, file: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), JSON.stringify(value, null, 2));
}

/** A folder of the app with the seed's models and `main`, and its tsconfig. */
function project(name: string, main: string, compilerOptions: Record<string, unknown>): string {
  const dir = join(app, name);
  mkdirSync(join(dir, "src"), { recursive: true });
  for (const file of seedModels) cpSync(join(root, "examples/seed", `${file}.ts`), join(dir, "src", `${file}.ts`));
  writeFileSync(join(dir, "src/main.ts"), main);
  json(dir, "tsconfig.json", {
    compilerOptions: {
      module: "nodenext",
      target: "es2022",
      strict: true,
      skipLibCheck: false,
      types: [],
      rootDir: "src",
      outDir: "out",
      ...compilerOptions,
    },
    include: ["src"],
  });
  return dir;
}

/** Maps the seed's models, writes through a Session (one flush), reads back with a query. */
const seedMain = `
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
const [read] = await reader.scalars(
  select(Parent).options(selectinLoad(Parent, "children"), selectinLoad(Parent, "childAssociations", "child")),
);
const children = await reader.scalars(select(Child).orderBy(columnsOf(Child).id));
console.log(JSON.stringify({
  children: children.map((c) => c.id),
  parentChildren: read!.children.map((c) => c.id).sort(),
  extraData: read!.childAssociations.filter((a) => a.extraData !== null).map((a) => [a.child.id, a.extraData]),
}));
await reader.close();
await engine.dispose();
`;

const seedResult = { children: [10, 11, 12], parentChildren: [10, 11, 12], extraData: [[12, "through the association object"]] };

before(() => {
  const tarball = packInto(scratch);
  json(app, "package.json", { name: "app", private: true, type: "module" });
  const install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", tarball], app);
  assert.equal(install.status, 0, output(install));
});

test("installed: athanor and its required dependencies, no driver (diagnostic: the size)", (t) => {
  // One folder per du: given both, du would not count the inner one a second time.
  const megabytes = (folder: string) => {
    const du = run("du", ["-sk", folder], app);
    assert.equal(du.status, 0, output(du));
    return (Number(du.stdout.split("\t")[0]) / 1024).toFixed(1);
  };
  t.diagnostic(`installed: node_modules ${megabytes("node_modules")} MB, of which athanor ${megabytes("node_modules/athanor")} MB`);
  const ls = run("npm", ["ls", "--all", "--parseable"], app);
  for (const driver of ["better-sqlite3", "pg", "mysql2", "@viz-js/viz", "oxc-parser", "tsx"]) {
    assert.doesNotMatch(ls.stdout, new RegExp(`node_modules/${driver}$`, "m"), `${driver} was installed`);
  }
});

test("a URL whose driver is not installed fails with MissingPackageError naming the package; SVG without @viz-js/viz too", () => {
  writeFileSync(
    join(app, "missing.mjs"),
    `
import { MissingPackageError, createEngine } from "athanor";
const out = {};
for (const url of ["sqlite://:memory:", "postgresql://127.0.0.1:1/none", "mysql://127.0.0.1:1/none", "mariadb://127.0.0.1:1/none"]) {
  const engine = createEngine(url);
  try {
    await engine.connect();
    out[url] = "connected";
  } catch (error) {
    out[url] = { typed: error instanceof MissingPackageError, packageName: error.packageName, message: error.message };
  }
  await engine.dispose();
}
// The CLI's SVG renderer, by path (the package exports only its root).
const svg = new URL("./node_modules/athanor/dist/tools/cli/render-svg.js", import.meta.url);
try {
  await (await import(svg.href)).renderSvg({});
} catch (error) {
  out.svg = { name: error.name, cause: error.cause instanceof MissingPackageError, message: error.message };
}
console.log(JSON.stringify(out));
`,
  );
  const result = node(["missing.mjs"]);
  assert.equal(result.status, 0, output(result));
  const install = (pkg: string) => `needs the package '${pkg}', which is not installed. Install it: npm install ${pkg}`;
  assert.deepEqual(JSON.parse(result.stdout), {
    "sqlite://:memory:": { typed: true, packageName: "better-sqlite3", message: `A sqlite: engine ${install("better-sqlite3")}` },
    "postgresql://127.0.0.1:1/none": { typed: true, packageName: "pg", message: `A postgresql: engine ${install("pg")}` },
    "mysql://127.0.0.1:1/none": { typed: true, packageName: "mysql2", message: `A mysql: or mariadb: engine ${install("mysql2")}` },
    "mariadb://127.0.0.1:1/none": { typed: true, packageName: "mysql2", message: `A mysql: or mariadb: engine ${install("mysql2")}` },
    svg: { name: "CliError", cause: true, message: `SVG output (--format svg; mermaid and dot need nothing) ${install("@viz-js/viz")}` },
  });
});

test("with better-sqlite3: the seed's models compiled by tsc --module nodenext run a flush and a query under plain node", () => {
  symlinkSync(join(root, "node_modules/better-sqlite3"), join(app, "node_modules/better-sqlite3"), "dir");
  const dir = project("esm", seedMain, {});
  const compile = node([tsc, "-p", dir]);
  assert.equal(compile.status, 0, output(compile));
  const result = node([join(dir, "out/main.js")]);
  assert.equal(result.status, 0, output(result));
  assert.deepEqual(JSON.parse(result.stdout), seedResult);
});

test("the same sources run through tsx", () => {
  const dir = join(app, "esm");
  const result = node(["--import", tsxLoader, join(dir, "src/main.ts")], dir);
  assert.equal(result.status, 0, output(result));
  assert.deepEqual(JSON.parse(result.stdout), seedResult);
});

const cjsMain = `
import { MetaData, createEngine, insert, integer, select, string, table } from "athanor";

const metadata = new MetaData();
const users = table("users", metadata, { id: integer().primaryKey(), name: string(50).notNull() });

async function main(): Promise<void> {
  const engine = createEngine("sqlite://:memory:");
  await metadata.createAll(engine);
  await engine.execute(insert(users).values([{ id: 1, name: "Ann" }]));
  const { rows } = await engine.execute(select(users.c.name));
  console.log(JSON.stringify({ rows, module: typeof module }));
  await engine.dispose();
}
void main();
`;

test("CommonJS: --module nodenext compiles require('athanor'), which runs (require of ESM); --module node16 refuses it at compile time", () => {
  const dir = join(app, "cjs");
  mkdirSync(join(dir, "src"), { recursive: true });
  json(dir, "package.json", { type: "commonjs" });
  writeFileSync(join(dir, "src/main.ts"), cjsMain);
  const options = ["--target", "es2022", "--strict", "--types", "node", "--typeRoots", join(root, "node_modules/@types"), "--rootDir", join(dir, "src")];

  const compile = node([tsc, ...options, "--module", "nodenext", "--outDir", join(dir, "out"), join(dir, "src/main.ts")]);
  assert.equal(compile.status, 0, output(compile));
  const result = node([join(dir, "out/main.js")]);
  assert.equal(result.status, 0, output(result));
  assert.deepEqual(JSON.parse(result.stdout), { rows: [{ name: "Ann" }], module: "object" });

  const refused = node([tsc, ...options, "--module", "node16", "--noEmit", join(dir, "src/main.ts")]);
  assert.notEqual(refused.status, 0, output(refused));
  assert.match(refused.stdout, /error TS1479: The current file is a CommonJS module .* the referenced file is an ECMAScript module and cannot be imported with 'require'/);
});

// With target ESNext, tsc leaves decorators as written (the proposal is not final), and Node 20
// cannot parse them: the model file fails to load before any of athanor's code runs, so no better
// message is possible at run time. The README says to compile with ES2022 to ES2024; this test
// pins what a user sees, so a change in either compiler or Node shows up here.
test("target ESNext: tsc compiles, decorators stay as written, and Node refuses to parse them (use ES2022-ES2024)", () => {
  const dir = project("esnext", seedMain, { target: "esnext" });
  const compile = node([tsc, "-p", dir]);
  assert.equal(compile.status, 0, output(compile));
  const result = node([join(dir, "out/main.js")], dir);
  assert.notEqual(result.status, 0, output(result));
  assert.match(result.stderr, /SyntaxError: Invalid or unexpected token/);
  assert.match(result.stderr, /out\/(parent|child|association)\.js/);
});

test("experimentalDecorators: tsc refuses every decorator; under tsx athanor's first decorator says to remove the option", () => {
  const dir = project("legacy", seedMain, { experimentalDecorators: true });
  const compile = node([tsc, "-p", dir, "--noEmit"]);
  assert.notEqual(compile.status, 0, output(compile));
  // Each @model and each attribute decorator: the legacy call signatures do not match.
  assert.match(compile.stdout, /src\/parent\.ts\(\d+,\d+\): error TS1238: Unable to resolve signature of class decorator/);
  assert.match(compile.stdout, /src\/parent\.ts\(\d+,\d+\): error TS1240: Unable to resolve signature of property decorator/);

  const result = node(["--import", tsxLoader, join(dir, "src/main.ts")], dir, { TSX_TSCONFIG_PATH: join(dir, "tsconfig.json") });
  assert.notEqual(result.status, 0, output(result));
  assert.match(
    result.stderr,
    /ArgumentError: @column on \w+\.\w+ was called as a legacy decorator: the project compiles with "experimentalDecorators"\. athanor uses standard decorators: remove "experimentalDecorators"/,
  );
});

test("npx athanor check on the compiled models, from the installed package (its compiled CLI)", () => {
  // The import scan's parser is an optional peer: without it, one line saying what to install.
  const without = run("npx", ["--no-install", "athanor", "check", "esm/out/index.js"], app);
  assert.equal(without.status, 2, output(without));
  assert.match(without.stderr, /needs the package 'oxc-parser', which is not installed\. Install it: npm install oxc-parser/);
  symlinkSync(join(root, "node_modules/oxc-parser"), join(app, "node_modules/oxc-parser"), "dir");
  const result = run("npx", ["--no-install", "athanor", "check", "esm/out/index.js"], app);
  assert.equal(result.status, 0, output(result));
  assert.match(result.stdout, /athanor check esm\/out\/index\.js: OK, no problems/);
  assert.match(result.stdout, /models\s+3\s+\(Association, Child, Parent\)/);
});

test("npx athanor migrate new, up and check on SQLite from the installed package; the file imports athanor/migrations", () => {
  // Migration files are TypeScript: the command loads them with tsx, an optional peer.
  symlinkSync(join(root, "node_modules/tsx"), join(app, "node_modules/tsx"), "dir");
  writeFileSync(join(app, "athanor.config.json"), JSON.stringify({ url: "sqlite:///migrated.db", models: "esm/out/index.js" }));
  const made = run("npx", ["--no-install", "athanor", "migrate", "new", "initial schema"], app);
  assert.equal(made.status, 0, output(made));
  assert.match(made.stdout, /^wrote migrations\/\d{14}_initial_schema\.ts \(3 operations; follows nothing: the first migration\)$/m);
  const up = run("npx", ["--no-install", "athanor", "migrate", "up"], app);
  assert.equal(up.status, 0, output(up));
  assert.match(up.stdout, /applied 1 migration\(s\) to sqlite:\/\/\/migrated\.db/);
  const check = run("npx", ["--no-install", "athanor", "migrate", "check"], app);
  assert.equal(check.status, 0, output(check));
  assert.match(check.stdout, /models, history and database agree$/m);
});
