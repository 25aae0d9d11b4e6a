/**
 * What the `migrate` subcommands share: the migration graph loaded from the folder (TypeScript
 * files through tsx, like the models), and a connection to the configured database, with
 * `--verbose` echoing every statement.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { pathToFileURL } from "node:url";
import { createEngine } from "../../dialects/create-engine.js";
import type { Connection } from "../../engine/connection.js";
import type { Engine } from "../../engine/engine.js";
import { closeAfter } from "../../engine/transaction.js";
import { loadMigrations } from "../../migrations/history/files.js";
import { buildGraph, type MigrationGraph } from "../../migrations/history/graph.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { CliError } from "./errors.js";
import { prepareImport } from "./typescript-loader.js";

/** A path as the user sees it: relative to the working directory when inside it. */
export function shortPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") ? rel : path;
}

/**
 * Imports a migration file. The URL carries a hash of the file's text, so that a file edited
 * since an earlier import in the same process (tests run `main` many times) is read again.
 */
async function importMigration(file: string): Promise<Record<string, unknown>> {
  await prepareImport([file], (f) => shortPath(f));
  const version = createHash("sha1").update(readFileSync(file)).digest("hex").slice(0, 12);
  return (await import(`${pathToFileURL(file).href}?v=${version}`)) as Record<string, unknown>;
}

/** The graph of the configured migrations folder (empty when the folder does not exist). */
export async function loadGraph(config: CliConfig): Promise<MigrationGraph> {
  return buildGraph(await loadMigrations(config.migrations, importMigration, (f) => shortPath(f, config.cwd)));
}

/** The URL without its password, for messages. */
export function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = "***";
  return copy.toString();
}

/** Runs `fn` with an engine on the configured database (one connection at most), disposed afterwards. */
export async function withEngine<T>(config: CliConfig, verbose: boolean, io: Output, fn: (engine: Engine, shown: string) => Promise<T>): Promise<T> {
  const url = config.url;
  if (url === undefined) throw new CliError(`missing database URL: give --url, set ATHANOR_URL, or "url" in athanor.config.json`);
  const echo = verbose ? (message: string) => io.out(message.replace(/^/gm, "      ")) : undefined;
  const engine = createEngine(url.toString(), { pool: { max: 1 }, ...(echo ? { echo } : {}) });
  try {
    return await fn(engine, redact(url));
  } finally {
    await engine.dispose();
  }
}

/** Runs `fn` on one connection to the configured database, closed afterwards. */
export async function withDatabase<T>(config: CliConfig, verbose: boolean, io: Output, fn: (connection: Connection, shown: string) => Promise<T>): Promise<T> {
  return withEngine(config, verbose, io, async (engine, shown) => {
    let connection: Connection;
    try {
      connection = await engine.connect();
    } catch (error) {
      throw new CliError(`cannot connect to ${shown}: ${(error as Error).message.split("\n")[0]}`);
    }
    let result: T;
    try {
      result = await fn(connection, shown);
    } catch (error) {
      await closeAfter(connection, error); // a close finding a MySQL/MariaDB transaction committed says so, fn's error its cause
      throw error;
    }
    await connection.close();
    return result;
  });
}
