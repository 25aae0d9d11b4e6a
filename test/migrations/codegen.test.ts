/**
 * Codegen: a migration file generated from operations of every kind type-checks (both tsc
 * versions, strict) and, loaded, gives back exactly the same operations.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, test } from "node:test";
import { downOf, migrationId, migrationSource, type MigrationDefinition } from "../../src/migrations/index.js";
import { repoRoot } from "../support/repo-root.js";
import { everyOp } from "./every-op.js";

mkdirSync("/tmp/mdiffer", { recursive: true });
const dir = mkdtempSync("/tmp/mdiffer/codegen-");
after(() => rmSync(dir, { recursive: true, force: true }));

const reversible = everyOp.filter((o) => o.op !== "execute");
const migration: MigrationDefinition = {
  id: migrationId(new Date(Date.UTC(2026, 11, 4, 19, 23, 0)), "Add books & authors!"),
  parents: ["20261201000000_init"],
  message: "Add books & authors!",
  up: everyOp,
  down: downOf(reversible),
};

test("migrationId: UTC timestamp and a slug of the message", () => {
  assert.equal(migration.id, "20261204192300_add_books_authors");
  assert.equal(migrationId(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), "Élan vital — v2"), "20260102030405_elan_vital_v2");
  assert.equal(migrationId(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), "!!!"), "20260102030405");
});

test("the file reads like hand-written code", () => {
  const source = migrationSource(migration);
  assert.match(source, /^import \{ defineMigration, op, types \} from "athanor\/migrations";\n/);
  assert.match(source, /export default defineMigration\(\{\n  id: "20261204192300_add_books_authors",/);
  assert.match(source, /op\.addColumn\("authors", \{ name: "isbn", type: types\.string\(13\) \}\),/);
  assert.match(source, /op\.renameColumn\("authors", "title", "name"\),/);
  assert.match(source, /\{ name: "vec", type: \{ kind: "raw", sql: "tsvector" \} \}/);
  assert.match(source, /op\.createTable\("authors", \{\n/);
  assert.match(source, /\{ name: "born", type: types\.date\(\) \}/, "defaults are left out");
  assert.doesNotMatch(source, /autoincrement: false|unique: false|foreignKeys: \[\]/, "defaults are left out");
  for (const line of source.split("\n")) assert.ok(line.length <= 130, `long line: ${line}`);
  const empty = migrationSource({ id: "x", parents: [], message: "", up: [], down: [] }, { importFrom: "./m.js" });
  assert.equal(empty, 'import { defineMigration } from "./m.js";\n\nexport default defineMigration({\n  id: "x",\n  parents: [],\n  message: "",\n  up: [],\n  down: [],\n});\n');
});

test("the generated file type-checks with both TypeScript versions", () => {
  writeFileSync(join(dir, "migration.ts"), migrationSource(migration));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "NodeNext",
        moduleResolution: "NodeNext",
        lib: ["ES2023"],
        // The library's sources are checked along (they use Node's types); a user's file needs none.
        typeRoots: [join(repoRoot, "node_modules/@types")],
        types: ["node"],
        strict: true,
        noUnusedLocals: true,
        verbatimModuleSyntax: true,
        skipLibCheck: true,
        noEmit: true,
        paths: { "athanor/migrations": [join(repoRoot, "src/migrations/index.ts")] },
      },
      files: ["migration.ts"],
    }),
  );
  for (const tsc of ["node_modules/typescript/bin/tsc", "node_modules/typescript-5.9/bin/tsc"]) {
    const run = spawnSync(process.execPath, [join(repoRoot, tsc), "-p", join(dir, "tsconfig.json")], { encoding: "utf8", timeout: 120_000 });
    assert.equal(run.status, 0, `${tsc}:\n${run.stdout}${run.stderr}`);
  }
});

test("loading the generated file gives back the same operations", async () => {
  const file = join(dir, "loaded.ts");
  writeFileSync(file, migrationSource(migration, { importFrom: join(repoRoot, "src/migrations/index.ts") }));
  const loaded = ((await import(pathToFileURL(file).href)) as { default: MigrationDefinition }).default;
  assert.deepStrictEqual(JSON.parse(JSON.stringify(loaded)), JSON.parse(JSON.stringify(migration)));
  assert.deepStrictEqual(loaded.up, migration.up);
  assert.deepStrictEqual(loaded.down, migration.down);
});

test("generateMigration: diff, generated down, file source", async () => {
  const { generateMigration } = await import("../../src/migrations/index.js");
  const { authors, books, s } = await import("./differ-fixtures.js");
  const generated = generateMigration(s(), s(authors, books), { dialect: "sqlite", message: "Create books", parents: [], date: new Date(Date.UTC(2026, 11, 4)) });
  assert.equal(generated.definition.id, "20261204000000_create_books");
  assert.deepEqual(generated.definition.up.map((o) => o.op), ["createTable", "createTable"]);
  assert.deepEqual(generated.definition.down.map((o) => o.op), ["dropTable", "dropTable"]);
  assert.match(generated.source, /op\.dropTable\("books", \{/);
  const file = join(dir, "generated.ts");
  writeFileSync(file, generated.source.replace('"athanor/migrations"', JSON.stringify(join(repoRoot, "src/migrations/index.ts"))));
  const loaded = ((await import(pathToFileURL(file).href)) as { default: MigrationDefinition }).default;
  assert.deepStrictEqual(loaded, generated.definition);
});
