/**
 * Database URLs as documented on `createEngine` (SQLAlchemy's forms): where each SQLite form puts
 * its file, the server schemes and their aliases on the real servers, and a typed error for a URL
 * that names no known database.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ArgumentError, DatabaseUrlError, MetaData, createEngine, insert, integer, select, table, text } from "../../src/index.js";
import { forEachDatabase } from "../support/dialects.js";

const dir = mkdtempSync(join(tmpdir(), "athanor-urls-"));
const startDir = process.cwd();
before(() => process.chdir(dir));
after(() => {
  process.chdir(startDir);
  rmSync(dir, { recursive: true, force: true });
});

const metadata = new MetaData();
const notes = table("url_notes", metadata, { id: integer().primaryKey(), body: text() });

/** Creates a table through the URL, writes a row and reads it back through a second engine. */
async function roundTrip(url: string): Promise<string | undefined> {
  const engine = createEngine(url);
  try {
    await metadata.createAll(engine);
    await engine.transaction((conn) => conn.execute(insert(notes).values({ id: 1, body: "kept" })));
    const result = await engine.execute(select(notes.c.body));
    return result.scalars()[0] as string | undefined;
  } finally {
    await engine.dispose();
  }
}

describe("SQLite URLs", () => {
  test("sqlite:app.db is the file app.db in the working directory (not a file named 'sqlite:app.db')", async () => {
    assert.equal(await roundTrip("sqlite:app.db"), "kept");
    assert.ok(existsSync(join(dir, "app.db")));
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith("sqlite")), []);
  });

  test("sqlite:///relative/app.db is relative to the working directory", async () => {
    mkdirSync(join(dir, "relative"));
    assert.equal(await roundTrip("sqlite:///relative/app.db"), "kept");
    assert.ok(existsSync(join(dir, "relative/app.db")));
  });

  test("sqlite:////abs/path.db (four slashes) is an absolute path", async () => {
    const absolute = join(dir, "abs");
    mkdirSync(absolute);
    assert.equal(await roundTrip(`sqlite:///${absolute}/path.db`), "kept");
    assert.ok(existsSync(join(absolute, "path.db")));
  });

  for (const url of ["sqlite::memory:", "sqlite://:memory:", "sqlite://"]) {
    test(`${url} is in memory: no file is created`, async () => {
      const before = readdirSync(dir).sort();
      assert.equal(await roundTrip(url), "kept");
      assert.deepEqual(readdirSync(dir).sort(), before);
    });
  }
});

describe("URLs that name no known database", () => {
  for (const [url, reason] of [
    ["oracle://scott@host/db", /unknown scheme 'oracle:'/],
    ["app.db", /no scheme/],
    ["/tmp/app.db", /no scheme/],
  ] as const) {
    test(`${url}: DatabaseUrlError listing the forms understood`, () => {
      assert.throws(
        () => createEngine(url),
        (error: unknown) => {
          assert.ok(error instanceof DatabaseUrlError);
          assert.ok(error instanceof ArgumentError);
          assert.match(error.message, reason);
          assert.match(error.message, /sqlite:app\.db, .*postgresql:\/\/.*mysql:\/\/.*mariadb:\/\//);
          return true;
        },
      );
    });
  }

  test("a server URL that does not parse fails at createEngine, with the password hidden", () => {
    assert.throws(() => createEngine("postgresql://user:secret@[bad/db"), (error: unknown) => {
      assert.ok(error instanceof DatabaseUrlError);
      assert.match(error.message, /Invalid database URL 'postgresql:\/\/user:\*\*\*@\[bad\/db'/);
      assert.doesNotMatch(error.message, /secret/);
      return true;
    });
  });
});

/** The test database's URL under each scheme that means the same server. */
function aliases(url: string): string[] {
  if (url.startsWith("postgresql://")) return [url, url.replace(/^postgresql:/, "postgres:"), url.replace(/^postgresql:/, "postgresql+pg:")];
  if (url.startsWith("mysql://")) return [url, url.replace(/^mysql:/, "mariadb:"), url.replace(/^mysql:/, "mysql+mysql2:")];
  return [url];
}

forEachDatabase("server URL schemes", ({ db }) => {
  for (const url of aliases(db.url)) {
    const scheme = url.slice(0, url.indexOf(":"));
    test(`${scheme}:// connects`, async () => {
      const engine = createEngine(url, { pool: { max: 1 } });
      try {
        const result = await engine.withConnection((conn) => conn.run("SELECT 1 AS one"));
        assert.equal(Number(result.rows[0]!.one), 1);
      } finally {
        await engine.dispose();
      }
    });
  }
});
