/**
 * Migration files: every module of the migrations folder (not nested folders, tests or declaration
 * files), each `export default defineMigration({...})`. Importing is the caller's (the CLI registers
 * tsx for TypeScript files), so this layer stays free of module loading.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { MigrationDefinition } from "../migration.js";
import { checksumOf } from "./checksum.js";
import { InvalidMigrationFileError } from "./errors.js";

const EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

/** A migration id: letters, digits, `_`, `-` and `.` (it is written into SQL and file names). */
export const MIGRATION_ID = /^[A-Za-z0-9_.-]{1,150}$/;

/** Imports a module and returns its exports (the CLI's `import()` with tsx registered). */
export type ModuleImporter = (file: string) => Promise<Record<string, unknown>>;

/** A migration read from its file, with the checksum of its operations. */
export interface LoadedMigration {
  readonly id: string;
  /** Absolute path of the file. */
  readonly file: string;
  readonly definition: MigrationDefinition;
  readonly checksum: string;
}

/** The migration modules of `folder`, sorted by name; none when the folder does not exist. */
export function listMigrationFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  if (!statSync(folder).isDirectory()) throw new InvalidMigrationFileError(folder, "the migrations location must be a folder");
  return readdirSync(folder)
    .filter((f) => EXTENSIONS.includes(extname(f)) && !/\.d\.[mc]?ts$|\.(test|spec)\.[mc]?[tj]s$/.test(f))
    .sort()
    .map((f) => join(folder, f));
}

/**
 * Imports every migration file of `folder` and checks its shape; ids must be unique. `importer`
 * imports one file (so that a tool may use its own loader, e.g. tsx for TypeScript files).
 *
 * ```ts
 * const migrations = await loadMigrations("migrations", (file) => import(pathToFileURL(file).href));
 * const runner = new MigrationRunner({ connection: conn, graph: buildGraph(migrations) });
 * await runner.up(); // every migration not applied yet, to the head
 *
 * import { pathToFileURL } from "node:url";
 * ```
 */
export async function loadMigrations(folder: string, importer: ModuleImporter, display: (file: string) => string = basename): Promise<LoadedMigration[]> {
  const loaded: LoadedMigration[] = [];
  const byId = new Map<string, string>();
  for (const file of listMigrationFiles(folder)) {
    let exports: Record<string, unknown>;
    try {
      exports = await importer(file);
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
      throw new InvalidMigrationFileError(display(file), `cannot import it: ${reason}`);
    }
    const definition = validate(exports["default"], display(file));
    const other = byId.get(definition.id);
    if (other !== undefined) throw new InvalidMigrationFileError(display(file), `id '${definition.id}' is also the id of ${display(other)}; ids must be unique`);
    byId.set(definition.id, file);
    loaded.push({ id: definition.id, file, definition, checksum: checksumOf(definition) });
  }
  return loaded;
}

function validate(value: unknown, file: string): MigrationDefinition {
  const fail = (problem: string): never => {
    throw new InvalidMigrationFileError(file, problem);
  };
  if (typeof value !== "object" || value === null) return fail("expected `export default defineMigration({ id, parents, message, up, down })`");
  const m = value as Record<string, unknown>;
  if (typeof m["id"] !== "string" || !MIGRATION_ID.test(m["id"])) fail(`'id' must be a string of letters, digits, '_', '-' or '.' (got ${JSON.stringify(m["id"])})`);
  if (!Array.isArray(m["parents"]) || !m["parents"].every((p) => typeof p === "string")) fail("'parents' must be a list of migration ids ([] for the first migration)");
  if (new Set(m["parents"] as string[]).size !== (m["parents"] as string[]).length) fail("'parents' names the same migration twice");
  if (typeof m["message"] !== "string") fail("'message' must be a string");
  for (const key of ["up", "down"]) {
    const ops = m[key];
    if (!Array.isArray(ops)) fail(`'${key}' must be a list of operations`);
    (ops as unknown[]).forEach((op, i) => {
      if (typeof op !== "object" || op === null || typeof (op as { op?: unknown }).op !== "string") fail(`${key}[${i}] is not an operation (an object with 'op')`);
    });
  }
  return value as MigrationDefinition;
}
