/**
 * `athanor pull` (issue 14, item 11) on SQLite, PostgreSQL and MariaDB: the seed's schema
 * (examples/seed, created with createAll) pulled into a scratch folder by the CLI gives model files
 * that (a) type-check, (b) pass `athanor check` (also against the database), (c) load into a
 * MetaData whose schema equals the reflected one, and (d) map the same relationships as the seed:
 * same kinds, same targets, same association table. The reflection fixture with every column
 * type, default and constraint kind comes back as the same schema too.
 */
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { MetaData as MetaDataClass, createEngine, integer, numeric, string, table, type Engine, type MetaData, type Registry } from "../../src/index.js";
import { schemaModelOf } from "../../src/migrations/index.js";
import { canonicalSchema } from "../../src/migrations/schema/canonical.js";
import type { SchemaModel } from "../../src/core/schema/schema-model.js";
import { Base as SeedBase } from "../../examples/seed/index.js";
import { buildDist } from "../support/dist.js";
import { forEachDatabase } from "../support/dialects.js";
import { allTypesMetadata, indexKindsMetadata, namingMetadata, unnamedMetadata } from "./fixtures-all-types.js";
import { athanor, distImportFrom, importFrom, loadGenerated, relationshipShapes, scratch, scratchRoot, typeCheck, writeProject } from "./pull-support.js";

// bin/athanor.mjs runs the compiled CLI.
before(buildDist);

/** The schema with its primary keys unnamed. */
function withoutKeyNames(schema: SchemaModel): SchemaModel {
  return { ...schema, tables: schema.tables.map((t) => (t.primaryKey ? { ...t, primaryKey: { columns: t.primaryKey.columns } } : t)) };
}

forEachDatabase("athanor pull", (ctx) => {
  const { db } = ctx;
  // SQLite: a file, so that the CLI (another process) reads the same database.
  const sqliteFile = join(scratchRoot, `pull-${process.pid}.db`);
  const url = db.name === "sqlite" ? `sqlite:///${sqliteFile}` : db.url;
  let engine: Engine;
  const fixtures: MetaData[] = [allTypesMetadata(), namingMetadata(), unnamedMetadata(), indexKindsMetadata(db.name)];

  const reset = async () => {
    for (const metadata of [SeedBase.metadata, ...fixtures]) await metadata.dropAll(engine);
  };
  before(async () => {
    mkdirSync(scratchRoot, { recursive: true });
    writeFileSync(sqliteFile, "");
    engine = createEngine(url, { pool: { max: 1 } });
    await reset();
  });
  after(async () => {
    await reset();
    await engine.dispose();
    rmSync(sqliteFile, { force: true });
  });

  test("the seed's schema: files that type-check, pass check, reflect the same schema and map the same relationships", async () => {
    await SeedBase.metadata.createAll(engine);
    const out = scratch(`seed-${db.name}`);
    writeProject(out);
    const run = athanor(["pull", "--url", url, "--out", out, "--import-from", importFrom, "--force"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /wrote 5 files/);
    assert.match(run.stdout, /models\s+3\s/);
    assert.deepEqual(readdirSync(out).filter((f) => f.endsWith(".ts")).sort(), ["association-table.ts", "base.ts", "index.ts", "left-table.ts", "right-table.ts"]);

    // One model per file, naming the others with `import type` only.
    for (const file of ["association-table.ts", "left-table.ts", "right-table.ts"]) {
      const source = readFileSync(join(out, file), "utf8");
      assert.match(source, /^import \{ Base \} from "\.\/base\.js";$/m);
      for (const line of source.split("\n").filter((l) => /from "\.\/(?!base)/.test(l))) assert.match(line, /^import type /, line);
    }

    // (a) the files type-check (the decorators' checks included), with both compilers on one database.
    typeCheck(out);
    if (db.name === "sqlite") {
      // TypeScript 5.9 checks the same files pulled for the built package (dist/, its declarations,
      // as an application imports athanor): against src/ it checked the whole library again, 15 s.
      const forPackage = scratch(`seed-dist-${db.name}`);
      writeProject(forPackage);
      const pulled = athanor(["pull", "--url", url, "--out", forPackage, "--import-from", distImportFrom]);
      assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
      for (const file of readdirSync(out).filter((f) => f.endsWith(".ts"))) {
        assert.equal(readFileSync(join(forPackage, file), "utf8"), readFileSync(join(out, file), "utf8").replaceAll(JSON.stringify(importFrom), JSON.stringify(distImportFrom)), file);
      }
      typeCheck(forPackage, "TypeScript 5.9");
    }

    // (b) athanor check: the configuration is sound, no import cycle, and the database has every table and column.
    const check = athanor(["check", out, "--url", url]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /OK, no problems/);
    assert.match(check.stdout, /manyToMany\s+2\s+\(2 through an association object\)/);
    assert.match(check.stdout, /database\s+3\s+tables compared/);

    // (c) the generated models' schema is the reflected one.
    const generated = await loadGenerated(out);
    const base = generated["Base"] as { metadata: MetaData; registry: Registry };
    const reflected = await engine.inspect().reflect();
    const d = engine.dialect;
    assert.deepEqual(canonicalSchema(schemaModelOf(base.metadata, d), d), canonicalSchema(reflected, d));
    assert.deepEqual(canonicalSchema(schemaModelOf(SeedBase.metadata, d), d), canonicalSchema(reflected, d));

    // (d) the relationships: same kinds between the same tables (through the same association table) as the seed's.
    assert.deepEqual(relationshipShapes(base.registry), relationshipShapes(SeedBase.registry));
    assert.deepEqual(relationshipShapes(base.registry), [
      "association_table.manyToOne -> left_table",
      "association_table.manyToOne -> right_table",
      "left_table.manyToMany -> right_table via association_table",
      "left_table.oneToMany -> association_table",
      "right_table.manyToMany -> left_table via association_table",
      "right_table.oneToMany -> association_table",
    ]);

    // Existing files are never replaced without --force, and nothing is written then.
    const again = athanor(["pull", "--url", url, "--out", out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^athanor: .* already has base\.ts, association-table\.ts, left-table\.ts and 2 more: pass --force to overwrite them \(nothing was written\)\n$/);
    await SeedBase.metadata.dropAll(engine);
  });

  test("primary keys named by a naming convention: the base carries the convention, and every name comes back", async () => {
    const naming = fixtures[1]!;
    await naming.createAll(engine);
    const out = scratch(`naming-${db.name}`);
    writeProject(out);
    const run = athanor(["pull", "--url", url, "--out", out, "--import-from", importFrom, "--force"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    typeCheck(out);
    const check = athanor(["check", out]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    const base = (await loadGenerated(out))["Base"] as { metadata: MetaData };
    const reflected = await engine.inspect().reflect();
    const d = engine.dialect;
    assert.deepEqual(canonicalSchema(schemaModelOf(base.metadata, d), d), canonicalSchema(reflected, d));
    // MySQL calls every primary key PRIMARY: no convention to carry there.
    const convention = /static override registry = new Registry\(\{ metadata: new MetaData\(\{ namingConvention: \{ pk: "pk_\{table_name\}" \} \}\) \}\);/;
    if (db.name === "mysql") assert.doesNotMatch(readFileSync(join(out, "base.ts"), "utf8"), convention);
    else assert.match(readFileSync(join(out, "base.ts"), "utf8"), convention);
    await naming.dropAll(engine);
  });

  test("every column type, default, key, constraint and index kind comes back as the same schema", async () => {
    for (const metadata of fixtures) await metadata.createAll(engine);
    const out = scratch(`all-types-${db.name}`);
    writeProject(out);
    const run = athanor(["pull", "--url", url, "--out", out, "--import-from", importFrom, "--force"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    typeCheck(out);
    const check = athanor(["check", out]);
    assert.equal(check.code, 0, check.stdout + check.stderr);

    const generated = await loadGenerated(out);
    const base = generated["Base"] as { metadata: MetaData };
    const reflected = await engine.inspect().reflect();
    const d = engine.dialect;
    // A primary key's name comes from a MetaData naming convention, never from a model: the two
    // tables made under a `pk` convention keep their names in the database, and say so in a comment.
    assert.deepEqual(withoutKeyNames(canonicalSchema(schemaModelOf(base.metadata, d), d)), withoutKeyNames(canonicalSchema(reflected, d)));
    for (const metadata of fixtures) await metadata.dropAll(engine);
    // Enums come back as enums (a CHECK on PostgreSQL and SQLite, a native ENUM on MariaDB).
    assert.match(readFileSync(join(out, "author.ts"), "utf8"), /enumType\(\["happy", "sad", "it's complicated"\]\)\.notNull\(\)\.serverDefault\("happy"\)\) accessor mood!: "happy" \| "sad" \| "it's complicated";/);
    if (db.name !== "mysql") {
      // (every MySQL primary key is called PRIMARY)
      assert.deepEqual(reflected.tables.filter((t) => t.primaryKey?.name !== undefined).map((t) => t.name), ["nc_children", "nc_parents"]);
      assert.match(readFileSync(join(out, "nc-parent.ts"), "utf8"), /- primary key name pk_nc_parents: a model's primary key takes its name from the MetaData's naming convention/);
    }
  });
});

forEachDatabase(
  "athanor pull --schema",
  (ctx) => {
    const { db } = ctx;
    const schema = `${new URL(db.url).pathname.slice(1)}_billing`;
    const metadata = new MetaDataClass();
    // MySQL resolves a key's table in the referencing table's database: the users go with the invoices there.
    table("mp_users", metadata, { id: integer().primaryKey(), email: string(100).notNull() }, undefined, db.name === "mysql" ? { schema } : {});
    table("mp_unrelated", metadata, { id: integer().primaryKey() });
    table("mp_invoices", metadata, {
      id: integer().primaryKey(),
      user_id: integer().notNull().references(db.name === "mysql" ? `${schema}.mp_users.id` : "mp_users.id"),
      total: numeric(10, 2).notNull(),
    }, undefined, { schema });
    const run = (sql: string) => ctx.engine.withConnection((conn) => conn.run(sql));
    before(async () => {
      await run(db.name === "postgresql" ? `CREATE SCHEMA IF NOT EXISTS "${schema}"` : `CREATE DATABASE IF NOT EXISTS \`${schema}\``);
      await metadata.dropAll(ctx.engine);
      await metadata.createAll(ctx.engine);
    });
    after(async () => {
      const engine = createEngine(db.url, { pool: { max: 1 } });
      try {
        await metadata.dropAll(engine);
        await engine.withConnection((conn) => conn.run(db.name === "postgresql" ? `DROP SCHEMA IF EXISTS "${schema}" CASCADE` : `DROP DATABASE IF EXISTS \`${schema}\``));
      } finally {
        await engine.dispose();
      }
    });

    test("the tables of one schema (and on PostgreSQL, the tables their keys reach elsewhere), mapped in their schema", async () => {
      const out = scratch(`schema-${db.name}`);
      writeProject(out);
      const pulled = athanor(["pull", "--url", db.url, "--out", out, "--schema", schema, "--import-from", importFrom]);
      assert.equal(pulled.code, 0, pulled.stdout + pulled.stderr);
      assert.deepEqual(readdirSync(out).filter((f) => f.endsWith(".ts")).sort(), ["base.ts", "index.ts", "mp-invoice.ts", "mp-user.ts"]);
      assert.match(readFileSync(join(out, "mp-invoice.ts"), "utf8"), new RegExp(`^@model\\("mp_invoices", \\{ schema: "${schema}" \\}\\)$`, "m"));
      typeCheck(out);
      const check = athanor(["check", out]);
      assert.equal(check.code, 0, check.stdout + check.stderr);
      const generated = (await loadGenerated(out))["Base"] as { metadata: MetaData };
      const reflected = await ctx.engine.inspect().reflect({ schemas: [schema] });
      const mine = { ...reflected, tables: reflected.tables.filter((t) => t.name !== "mp_unrelated" && t.name.startsWith("mp_")) };
      const d = ctx.engine.dialect;
      assert.deepEqual(canonicalSchema(schemaModelOf(generated.metadata, d), d), canonicalSchema(mine, d));
    });

    test("a schema with no tables is one line and exit 2", () => {
      const run = athanor(["pull", "--url", db.url, "--out", scratch(`empty-${db.name}`), "--schema", `${schema}_nowhere`]);
      assert.equal(run.code, 2, run.stdout + run.stderr);
      assert.match(run.stderr, /^athanor: .* has no tables in schema '.*_nowhere': nothing to pull\n$/);
    });
  },
  ["postgresql", "mysql"],
);

test("usage errors: one line each, nothing written", () => {
  const out = scratch("usage");
  const cases: [string[], RegExp][] = [
    [["pull", "--out", out], /^athanor: missing database URL: give --url/],
    [["pull", "--url", "sqlite:///x.db"], /^athanor: missing --out <dir>/],
    [["pull", "models", "--url", "sqlite:///x.db", "--out", out], /^athanor: unexpected argument 'models': athanor pull takes --url and --out/],
    [["pull", "--url", "postgresql://postgres:secret@127.0.0.1:1/nowhere", "--out", out], /^athanor: cannot read the schema of postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/nowhere: /],
    [["pull", "--entry", "x"], /^athanor: unknown flag '--entry' for 'athanor pull'/],
  ];
  for (const [args, pattern] of cases) {
    const run = athanor(args);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stdout}${run.stderr}`);
    assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
    assert.match(run.stderr, pattern);
    assert.doesNotMatch(run.stderr, /secret/);
  }
  assert.deepEqual(readdirSync(out), []);
  const help = athanor(["pull", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Usage: athanor pull --url URL --out <dir> \[--schema name\] \[--force\]/);
  assert.match(athanor(["--help"]).stdout, /pull\s+write model files/);
});

/** A schema written by hand in each database's own SQL: types athanor lacks, serials, partial indexes, a PostgreSQL enum. */
const LEGACY: Readonly<Record<"sqlite" | "postgresql" | "mysql", readonly string[]>> = {
  sqlite: [
    "CREATE TABLE lg_authors (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(80) NOT NULL, score SMALLINT DEFAULT 0, born TIME)",
    "CREATE TABLE lg_books (isbn CHAR(13) PRIMARY KEY, author_id INTEGER REFERENCES lg_authors(id) ON DELETE CASCADE, title TEXT NOT NULL CHECK (length(title) > 0), deleted BOOLEAN NOT NULL DEFAULT 0)",
    "CREATE INDEX lg_books_live ON lg_books (title) WHERE NOT deleted",
    "CREATE TABLE lg_events (at TIMESTAMP, payload JSON, book_isbn CHAR(13) REFERENCES lg_books(isbn))",
    "CREATE TABLE lg_book_authors (book_isbn CHAR(13) REFERENCES lg_books(isbn), author_id INTEGER REFERENCES lg_authors(id), PRIMARY KEY (book_isbn, author_id))",
  ],
  postgresql: [
    "CREATE TYPE lg_mood AS ENUM ('sad', 'ok')",
    "CREATE TABLE lg_authors (id SERIAL PRIMARY KEY, name VARCHAR NOT NULL, tags TEXT[], mood lg_mood, score SMALLINT DEFAULT 0, created TIMESTAMPTZ NOT NULL DEFAULT now(), price MONEY)",
    "CREATE TABLE lg_books (isbn CHAR(13) PRIMARY KEY, author_id INT REFERENCES lg_authors(id) ON DELETE CASCADE, title TEXT NOT NULL CHECK (length(title) > 0), deleted BOOLEAN NOT NULL DEFAULT false)",
    "CREATE INDEX lg_books_live ON lg_books (title) WHERE NOT deleted",
    "CREATE TABLE lg_events (at TIMESTAMP, payload JSONB, book_isbn CHAR(13) REFERENCES lg_books)",
    "CREATE TABLE lg_book_authors (book_isbn CHAR(13) REFERENCES lg_books, author_id INT REFERENCES lg_authors, PRIMARY KEY (book_isbn, author_id))",
  ],
  mysql: [
    "CREATE TABLE lg_authors (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(80) NOT NULL, mood ENUM('sad', 'ok'), score SMALLINT DEFAULT 0, created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, born TIME)",
    "CREATE TABLE lg_books (isbn CHAR(13) PRIMARY KEY, author_id INT, title VARCHAR(200) NOT NULL, deleted TINYINT(1) NOT NULL DEFAULT 0, CONSTRAINT lg_books_author FOREIGN KEY (author_id) REFERENCES lg_authors(id) ON DELETE CASCADE, CONSTRAINT lg_title_set CHECK (length(title) > 0))",
    "CREATE TABLE lg_events (at DATETIME, payload JSON, book_isbn CHAR(13), FOREIGN KEY (book_isbn) REFERENCES lg_books(isbn))",
    "CREATE TABLE lg_book_authors (book_isbn CHAR(13), author_id INT, PRIMARY KEY (book_isbn, author_id), FOREIGN KEY (book_isbn) REFERENCES lg_books(isbn), FOREIGN KEY (author_id) REFERENCES lg_authors(id))",
  ],
};

forEachDatabase("athanor pull of a schema athanor did not make", (ctx) => {
  const { db } = ctx;
  const sqliteFile = join(scratchRoot, `pull-legacy-${process.pid}.db`);
  const url = db.name === "sqlite" ? `sqlite:///${sqliteFile}` : db.url;
  let engine: Engine;
  const drop = async () => {
    for (const t of ["lg_book_authors", "lg_events", "lg_books", "lg_authors"]) await engine.withConnection((conn) => conn.run(`DROP TABLE IF EXISTS ${t}`));
    if (db.name === "postgresql") await engine.withConnection((conn) => conn.run("DROP TYPE IF EXISTS lg_mood"));
  };
  before(async () => {
    mkdirSync(scratchRoot, { recursive: true });
    writeFileSync(sqliteFile, "");
    engine = createEngine(url, { pool: { max: 1 } });
    await drop();
    for (const statement of LEGACY[db.name]) await engine.withConnection((conn) => conn.run(statement));
  });
  after(async () => {
    await drop();
    await engine.dispose();
    rmSync(sqliteFile, { force: true });
  });

  test("types athanor lacks come back as the closest one, with a comment; the files type-check and pass check", async () => {
    const out = scratch(`legacy-${db.name}`);
    writeProject(out);
    const run = athanor(["pull", "--url", url, "--out", out, "--import-from", importFrom]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /models\s+2\s+\(lg-author\.ts, lg-book\.ts\)/);
    assert.match(run.stdout, /plain tables\s+2\s/);
    assert.match(run.stdout, /approximated\s+\d+\s+column types athanor has no type for/);
    typeCheck(out);
    const check = athanor(["check", out, "--url", url]);
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /manyToMany\s+2\n/);
    const author = readFileSync(join(out, "lg-author.ts"), "utf8");
    assert.match(author, /\/\/ the database type is (SMALLINT|smallint|smallint\(\d+\)), which athanor has no type for: mapped as integer\(\)\n {2}@column\(integer\(\)\.serverDefault\(0\)\) accessor score!: number \| null;/);
    if (db.name !== "sqlite") assert.match(author, /@column\(enumType\(\["sad", "ok"\]\)\) accessor mood!: "sad" \| "ok" \| null;/);
    // A partial index is declared (it was listed in the class's comment as kept by the database).
    if (db.name !== "mysql") assert.match(readFileSync(join(out, "lg-book.ts"), "utf8"), /index\(\[c\.title\], \{ name: "lg_books_live", where: sql\.raw<boolean>\("\(?NOT deleted\)?"\) \}\)/);
  });
});
