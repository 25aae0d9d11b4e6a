/**
 * The round trip of issue 14's acceptance, through the CLI's `main` on SQLite, PostgreSQL and
 * MariaDB: ORM models written as files (one model per file) in a scratch project, three schema
 * versions. v1 creates three tables with foreign keys and rows are seeded; v2 adds a column,
 * renames a column (`.renamedFrom`) and a table (`previousNames`), widens types, changes
 * nullability and adds an index, a foreign key, a unique and a check; v3 drops a column, which
 * `migrate new` refuses (naming the column and both ways forward) until `--allow-data-loss`.
 * Each version is generated with `migrate new`, applied with `migrate up` and found clean by
 * `migrate check`; `migrate verify` passes on the generated history; `migrate down` then steps back
 * to v1 and base (v2's down and v1's drop values: refused, then confirmed with `--allow-data-loss`). The seeded rows keep their values at every step, up and down, but for the
 * dropped column's.
 */
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { testDatabases } from "../support/databases.js";
import { projectSuite, query, resetDatabase, type CliRun } from "./project.js";
import { repoRoot as root } from "../support/repo-root.js";

const ATHANOR = JSON.stringify(join(root, "src/index.ts"));
/** Every table any version has, children first. */
const TABLES = ["rt_books", "rt_writers", "rt_authors", "rt_tags"];

const header = (names: string) => `import { DeclarativeBase, ${names} } from ${ATHANOR};\n`;
const BASE_FILE = `${header("column")}\n/** The versions' declarative base. */\nexport class Base extends DeclarativeBase {}\n`;
const TAGS = `import { column, integer, model, string } from ${ATHANOR};
import { Base } from "./base.js";

@model("rt_tags")
export class Tag extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(30).notNull()) accessor label!: string;
}
`;

/** The model files of each version: folder name → file name → source. */
const VERSIONS: Record<string, Record<string, string>> = {
  v1: {
    "base.ts": BASE_FILE,
    "tag.ts": TAGS,
    "author.ts": `import { column, integer, model, string } from ${ATHANOR};
import { Base } from "./base.js";

@model("rt_authors")
export class Author extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(50).notNull()) accessor name!: string;
  @column(string(100)) accessor email!: string | null;
}
`,
    "book.ts": `import { column, integer, model, string, text } from ${ATHANOR};
import { Base } from "./base.js";

@model("rt_books")
export class Book extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull().references("rt_authors.id")) accessor author_id!: number;
  @column(string(100).notNull()) accessor title!: string;
  @column(integer()) accessor pages!: number | null;
  @column(text()) accessor notes!: string | null;
}
`,
  },
  v2: {
    "base.ts": BASE_FILE,
    "tag.ts": TAGS,
    // Renamed table and column; a widened type; a new column; a new unique.
    "writer.ts": `import { column, integer, model, string, unique } from ${ATHANOR};
import { Base } from "./base.js";

@model("rt_writers", { previousNames: ["rt_authors"], constraints: (c) => [unique([c.email], { name: "uq_rt_writers_email" })] })
export class Writer extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(50).notNull().renamedFrom("name")) accessor full_name!: string;
  @column(string(200)) accessor email!: string | null;
  @column(string(2)) accessor country!: string | null;
}
`,
    // Widened types, NOT NULL, an index, a check, and a new foreign key.
    "book.ts": `import { bigint, check, column, integer, model, string, text } from ${ATHANOR};
import { Base } from "./base.js";

@model("rt_books", { constraints: (c) => [check(c.pages.ge(0), { name: "ck_rt_books_pages" })] })
export class Book extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull().references("rt_writers.id")) accessor author_id!: number;
  @column(string(200).notNull().index()) accessor title!: string;
  @column(bigint().notNull()) accessor pages!: number;
  @column(text()) accessor notes!: string | null;
  @column(integer().references("rt_tags.id", { onDelete: "set null" })) accessor tag_id!: number | null;
}
`,
  },
};
VERSIONS.v3 = {
  ...VERSIONS.v2,
  "book.ts": VERSIONS.v2!["book.ts"]!.replace(/^ {2}@column\(text\(\)\) accessor notes.*\n/m, ""),
};

/** The seeded rows as text, per version's column names. */
const WRITERS = [["1", "Ann", "ann@example.org"], ["2", "Bob", null]];
const BOOKS = [["1", "1", "Dune", "412", "a classic"], ["2", "2", "Emma", "300", null]];

for (const db of await testDatabases()) {
  describe(`acceptance: a round trip over three schema versions [${db.name}]`, { skip: db.skip }, () => {
    const { url, p } = projectSuite(db, "accept", TABLES);

    const rows = async (sql: string) => (await query(url, sql)).map((r) => Object.values(r).map((v) => (v === null ? null : String(v))));
    const cli = async (...args: string[]): Promise<CliRun> => {
      const run = await p!.cli(...args);
      assert.equal(run.code, 0, `athanor ${args.join(" ")}:\n${run.out}\n${run.err}`);
      return run;
    };
    const useModels = (version: string) => {
      const dir = join(p!.dir, `models-${version}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      for (const [file, source] of Object.entries(VERSIONS[version]!)) writeFileSync(join(dir, file), source);
      p!.configure({ models: dir });
    };
    const clean = async () => {
      const check = await cli("migrate", "check");
      assert.match(check.out, /models, history and database agree$/);
    };
    /** After a down the models are ahead of the database, but the database is what its history says. */
    const matchesHistory = async (id: string) => {
      const check = await p!.cli("migrate", "check");
      assert.equal(check.code, 1, check.out + check.err);
      assert.match(check.out, new RegExp(`^ok {4}\\S+ vs its applied migrations \\(\\d{14}_${id}\\): no difference$`, "m"));
    };
    const v1Rows = async () => {
      assert.deepEqual(await rows("SELECT id, name, email FROM rt_authors ORDER BY id"), WRITERS);
      assert.deepEqual(await rows("SELECT id, author_id, title, pages, notes FROM rt_books ORDER BY id"), BOOKS);
      assert.deepEqual(await rows("SELECT id, label FROM rt_tags ORDER BY id"), [["1", "sf"]]);
    };
    const v2Rows = async (notes: boolean) => {
      assert.deepEqual(await rows("SELECT id, full_name, email, country FROM rt_writers ORDER BY id"), WRITERS.map((w) => [...w, w[0] === "1" ? "NZ" : null]));
      const books = BOOKS.map((b) => [...(notes ? b : b.slice(0, 4)), b[0] === "1" ? "1" : null]);
      assert.deepEqual(await rows(`SELECT id, author_id, title, pages, ${notes ? "notes, " : ""}tag_id FROM rt_books ORDER BY id`), books);
      assert.deepEqual(await rows("SELECT id, label FROM rt_tags ORDER BY id"), [["1", "sf"]]);
    };

    test("v1 create, v2 evolve, v3 drop: new, up, check; verify; down step by step to base, rows kept", async () => {
      await resetDatabase(url, TABLES);

      // v1: three tables, two foreign keys; seeded.
      useModels("v1");
      assert.match((await cli("migrate", "new", "v1 create")).out, /^wrote migrations\/\d{14}_v1_create\.ts/m);
      await cli("migrate", "up");
      await clean();
      await query(url, "INSERT INTO rt_tags (id, label) VALUES (1, 'sf')");
      await query(url, "INSERT INTO rt_authors (id, name, email) VALUES (1, 'Ann', 'ann@example.org'), (2, 'Bob', NULL)");
      await query(url, "INSERT INTO rt_books (id, author_id, title, pages, notes) VALUES (1, 1, 'Dune', 412, 'a classic'), (2, 2, 'Emma', 300, NULL)");

      // v2: renames, not drops; the rows come along.
      useModels("v2");
      const v2 = await cli("migrate", "new", "v2 evolve");
      const v2File = p!.read(p!.files()[1]!).split(/^ {2}down: \[/m)[0]!;
      assert.match(v2File, /op\.renameTable\(/);
      assert.match(v2File, /op\.renameColumn\(/);
      assert.doesNotMatch(v2File, /op\.drop(Table|Column)\(/);
      assert.match(v2.out, /^wrote migrations\/\d{14}_v2_evolve\.ts/m);
      await cli("migrate", "up");
      await clean();
      await query(url, "UPDATE rt_writers SET country = 'NZ' WHERE id = 1");
      await query(url, "UPDATE rt_books SET tag_id = 1 WHERE id = 1");
      await v2Rows(true);
      // The new constraints hold.
      await assert.rejects(query(url, "INSERT INTO rt_books (id, author_id, title, pages) VALUES (3, 1, 'Bad', -1)"));
      await assert.rejects(query(url, "INSERT INTO rt_books (id, author_id, title, pages) VALUES (3, 1, 'Null', NULL)"));
      await assert.rejects(query(url, "INSERT INTO rt_writers (id, full_name, email) VALUES (3, 'Cy', 'ann@example.org')"));
      await query(url, `INSERT INTO rt_books (id, author_id, title, pages) VALUES (3, 1, '${"long title ".repeat(15)}', 5000000000)`);
      await query(url, "DELETE FROM rt_books WHERE id = 3");

      // v3: a dropped column is refused, naming it and both ways forward; then accepted.
      useModels("v3");
      const refused = await p!.cli("migrate", "new", "v3 drop notes");
      assert.equal(refused.code, 1, refused.out + refused.err);
      assert.match(refused.err, /drop column rt_books\.notes/);
      assert.match(refused.err, /renamedFrom\("old"\)/);
      assert.match(refused.err, /--allow-data-loss/);
      assert.equal(p!.files().length, 2);
      const accepted = await cli("migrate", "new", "v3 drop notes", "--allow-data-loss");
      assert.equal(p!.files().length, 3);
      // Accepted, but still named: a loss meant does not carry another along unseen.
      assert.match(accepted.err, /--allow-data-loss: the migration loses data \(1 step\)[^]*drop column rt_books\.notes/);
      await cli("migrate", "up");
      await clean();
      await v2Rows(false);

      // Every generated down restores the schema before its up.
      const verify = await cli("migrate", "verify");
      assert.match(verify.out, /all 3 downs restore the schema$/);

      // Down, one migration at a time: v2 (notes is back, empty), v1 (old names), base.
      await cli("migrate", "down");
      const current = await cli("migrate", "current");
      assert.match(current.out, /_v2_evolve/);
      await matchesHistory("v2_evolve");
      await v2Rows(false);
      assert.deepEqual(await rows("SELECT notes FROM rt_books ORDER BY id"), [[null], [null]]);
      await query(url, "UPDATE rt_books SET notes = 'a classic' WHERE id = 1");
      // v2's down drops columns that hold values: refused, nothing run, until the loss is confirmed.
      const downRefused = await p!.cli("migrate", "down");
      assert.equal(downRefused.code, 1, downRefused.out);
      assert.match(downRefused.err, /_v2_evolve would lose data; nothing of it was run:\n  - drop column rt_writers\.country: 1 row with a value\n  - drop column rt_books\.tag_id: 1 row with a value/);
      assert.match((await cli("migrate", "current")).out, /_v2_evolve/);
      await cli("migrate", "down", "--allow-data-loss");
      assert.match((await cli("migrate", "current")).out, /_v1_create/);
      await matchesHistory("v1_create");
      await v1Rows();
      await cli("migrate", "down", "--allow-data-loss");
      assert.deepEqual((await query(url, tablesSql(db.name))).map((r) => String(r.name)).filter((n) => TABLES.includes(n)), []);

      // And up again to the head: the schema the models describe.
      await cli("migrate", "up");
      await clean();
    });
  });
}

function tablesSql(dialect: string): string {
  if (dialect === "sqlite") return "SELECT name FROM sqlite_master WHERE type = 'table'";
  if (dialect === "postgresql") return "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()";
  return "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()";
}
