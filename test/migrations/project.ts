/**
 * A scratch project for the `athanor migrate` tests: a folder under /tmp/mhistory (or
 * ATHANOR_TEST_TMP) with package.json, athanor.config.json pointing generated files at this
 * checkout's src/migrations/index.ts, migration files written from data, and the CLI's `main`
 * run in-process with its output captured.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before } from "node:test";
import { createEngine, type Engine } from "../../src/index.js";
import { buildGraph, loadMigrations, MigrationRunner, type Operation } from "../../src/migrations/index.js";
import { main } from "../../src/tools/cli/main.js";
import type { TestDatabase } from "../support/databases.js";
import { repoRoot as root } from "../support/repo-root.js";

const ENTRY = join(root, "src/migrations/index.ts");
const TMP = process.env.ATHANOR_TEST_TMP ?? "/tmp/mhistory";

/** Runs `fn` with a `MigrationRunner` of the project's migrations on one connection to `url` (after `setup` SQL on it), then closes it. */
export async function withRunner<T>(url: string, p: Project, fn: (runner: MigrationRunner) => Promise<T>, setup: readonly string[] = []): Promise<T> {
  const engine = createEngine(url, { pool: { max: 1 } });
  try {
    const graph = buildGraph(await loadMigrations(p.migrations, (file) => import(file)));
    const connection = await engine.connect();
    try {
      for (const sql of setup) await connection.run(sql);
      return await fn(new MigrationRunner({ connection, graph }));
    } finally {
      await connection.close();
    }
  } finally {
    await engine.dispose();
  }
}

/** The error `promise` rejects with; fails the test when it resolves. */
export function rejection(promise: Promise<unknown>, what: string): Promise<unknown> {
  return promise.then(
    () => assert.fail(`${what} ran`),
    (e: unknown) => e,
  );
}

/** What `main` printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** A migration file's content, as data. */
export interface MigrationSpec {
  readonly id: string;
  readonly parents?: readonly string[];
  readonly message?: string;
  readonly up: readonly Operation[];
  readonly down: readonly Operation[];
}

/** `execute` operations from SQL texts. */
export const exec = (...sql: string[]): Operation[] => sql.map((s) => ({ op: "execute", sql: s }));

/** A scratch project folder with its own configuration and migrations. */
export class Project {
  readonly dir: string;
  readonly migrations: string;

  constructor(name: string, readonly url: string) {
    mkdirSync(TMP, { recursive: true });
    this.dir = mkdtempSync(join(TMP, `${name}-`));
    this.migrations = join(this.dir, "migrations");
    mkdirSync(this.migrations);
    writeFileSync(join(this.dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    writeFileSync(join(this.dir, "athanor.config.json"), JSON.stringify({ url, migrations: "migrations", migrationsImport: ENTRY }, null, 2));
  }

  /** Adds keys to athanor.config.json. */
  configure(extra: Record<string, string>): void {
    const path = join(this.dir, "athanor.config.json");
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, "utf8")), ...extra }, null, 2));
  }

  /** Writes `migrations/<id>.ts`. */
  write(spec: MigrationSpec): string {
    const file = join(this.migrations, `${spec.id}.ts`);
    const body = { id: spec.id, parents: spec.parents ?? [], message: spec.message ?? spec.id.replace(/^\d+_/, "").replace(/_/g, " "), up: spec.up, down: spec.down };
    writeFileSync(file, `import { defineMigration } from ${JSON.stringify(ENTRY)};\n\nexport default defineMigration(${JSON.stringify(body, null, 2)});\n`);
    return file;
  }

  /** The migration files' names. */
  files(): string[] {
    return readdirSync(this.migrations).sort();
  }

  /** A file's text. */
  read(name: string): string {
    return readFileSync(join(this.migrations, name), "utf8");
  }

  /** Runs `athanor <args>` in the project folder. */
  async cli(...args: string[]): Promise<CliRun> {
    const out: string[] = [];
    const err: string[] = [];
    const env = { ...process.env, ATHANOR_URL: "", ATHANOR_MODELS: "", ATHANOR_MIGRATIONS: "" };
    const code = await main(args, env, this.dir, { out: (t) => out.push(t), err: (t) => err.push(t) });
    return { code, out: out.join("\n"), err: err.join("\n") };
  }

  /** Runs `athanor <args>` and fails the test unless it exits 0 (its output in the message). */
  async cliOk(...args: string[]): Promise<CliRun> {
    const run = await this.cli(...args);
    assert.equal(run.code, 0, `athanor ${args.join(" ")}:\n${run.out}\n${run.err}`);
    return run;
  }

  /** Points the configuration's `models` at a fresh folder `models-<version>` holding `item.ts`. */
  useModels(version: string, source: string): void {
    const dir = join(this.dir, `models-${version}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    writeFileSync(join(dir, "item.ts"), source);
    this.configure({ models: dir });
  }

  /** Deletes the folder. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The database URL a project of this test database uses: on a server, a database of its own
 * (`<test database>_<name>`), since `migrate check` compares the whole database and must not see
 * other suites' tables; SQLite: a file in the scratch folder. Call `recreateDatabase` before use.
 */
export function projectUrl(db: TestDatabase, name: string): string {
  if (db.name !== "sqlite") {
    const url = new URL(db.url);
    url.pathname = `${url.pathname}_${name}`;
    return url.toString();
  }
  mkdirSync(TMP, { recursive: true });
  return `sqlite:///${mkdtempSync(join(TMP, `${name}-db-`))}/app.db`;
}

/**
 * A scratch project on a database of its own, for a `describe` body: the database emptied before
 * the suite; after it, the folder removed, `tables` and the version table dropped, the database too.
 */
export function projectSuite(db: TestDatabase, name: string, tables: readonly string[]): { readonly url: string; readonly p: Project | undefined } {
  const url = db.skip ? "" : projectUrl(db, name);
  const p = db.skip ? undefined : new Project(`${db.name}-${name}`, url);
  before(() => recreateDatabase(url));
  after(async () => {
    if (db.skip) return;
    p?.remove();
    await resetDatabase(url, tables);
    await recreateDatabase(url, false);
    if (db.name === "sqlite") rmSync(dirname(url.slice("sqlite:///".length - 1)), { recursive: true, force: true });
  });
  return { url, p };
}

/** Drops (when `create` is false) or empties (drop, then create) a project's server database; SQLite: nothing. */
export async function recreateDatabase(url: string, create = true): Promise<void> {
  if (url.startsWith("sqlite")) return;
  const target = new URL(url);
  const name = target.pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = url.startsWith("postgres") ? "/postgres" : "/";
  const engine = createEngine(admin.toString(), { pool: { max: 1 } });
  const q = url.startsWith("postgres") ? `"${name}"` : `\`${name}\``;
  try {
    await engine.withConnection((c) => c.run(`DROP DATABASE IF EXISTS ${q}`));
    if (create) await engine.withConnection((c) => c.run(`CREATE DATABASE ${q}${url.startsWith("postgres") ? "" : " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"}`));
  } finally {
    await engine.dispose();
  }
}

/** Drops the version table and the given tables, so that each test starts from an empty database. */
export async function resetDatabase(url: string, tables: readonly string[]): Promise<void> {
  const engine = createEngine(url, { pool: { max: 1 } });
  try {
    for (const table of [...tables, "athanor_migrations"]) await engine.withConnection((c) => c.run(`DROP TABLE IF EXISTS ${table}`));
  } finally {
    await engine.dispose();
  }
}

/** Rows of a query, on a short-lived engine. */
/** Sessions on a server database other than the asking one (a killed run's, until the server ends it); PostgreSQL or MariaDB. */
export async function otherSessions(url: string): Promise<number> {
  const name = new URL(url).pathname.slice(1);
  const sql = url.startsWith("postgres")
    ? `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`
    : `SELECT count(*) AS n FROM information_schema.processlist WHERE db = '${name}' AND id <> CONNECTION_ID()`;
  return Number((await query(url, sql))[0]!["n"]);
}

export async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const engine: Engine = createEngine(url, { pool: { max: 1 } });
  try {
    return (await engine.withConnection((c) => c.run(sql))).rows as Record<string, unknown>[];
  } finally {
    await engine.dispose();
  }
}
