/**
 * `athanor pull --url URL --out dir`: reads the database's schema and writes model files for it
 * (see `modelFilesOf`). Never asks anything: existing files are left alone, and the command
 * refuses, unless `--force` says to overwrite them.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import { createEngine } from "../../dialects/create-engine.js";
import type { Engine } from "../../engine/engine.js";
import { modelFilesOf, type ModelFile } from "../../migrations/pull/model-files.js";
import { tablesOfSchema } from "../../migrations/pull/select-tables.js";
import type { Output } from "./check.js";
import { CliError } from "./errors.js";

/** What `athanor pull` was given. */
export interface PullCommand {
  readonly url: URL | undefined;
  readonly out: string | undefined;
  readonly schema: string | undefined;
  readonly force: boolean;
  readonly importFrom: string | undefined;
  readonly cwd: string;
}

/** Runs `athanor pull`: 0 when the files were written. */
export async function runPull(command: PullCommand, io: Output): Promise<number> {
  if (!command.url) throw new CliError(`missing database URL: give --url (or set ATHANOR_URL, or "url" in athanor.config.json)`);
  if (!command.out) throw new CliError(`missing --out <dir>: the folder to write the model files to`);
  const shown = redact(command.url);
  const engine = createEngine(command.url.toString(), { pool: { max: 1 } });
  let reflected: SchemaModel;
  let own: string | undefined;
  try {
    try {
      reflected = await engine.inspect().reflect({ schemas: command.schema === undefined ? [] : [command.schema] });
      if (command.schema !== undefined) own = await defaultSchema(engine);
    } catch (error) {
      throw new CliError(`cannot read the schema of ${shown}: ${(error as Error).message.split("\n")[0]}`, 2);
    }
  } finally {
    await engine.dispose();
  }
  const schema = selectSchema(reflected, command.schema, own, shown);
  const files = modelFilesOf(schema, { dialect: engine.dialect, source: shown, ...(command.importFrom ? { importFrom: command.importFrom } : {}) });
  const out = resolve(command.cwd, command.out);
  const existing = files.filter((f) => existsSync(join(out, f.path)));
  if (existing.length && !command.force) {
    const names = existing.map((f) => f.path);
    const list = names.length > 3 ? `${names.slice(0, 3).join(", ")} and ${names.length - 3} more` : names.join(", ");
    throw new CliError(`${displayPath(out, command.cwd)} already has ${list}: pass --force to overwrite ${existing.length === 1 ? "it" : "them"} (nothing was written)`);
  }
  await mkdir(out, { recursive: true });
  for (const file of files) await writeFile(join(out, file.path), file.source);
  io.out(summary(schema, files, displayPath(out, command.cwd), existing.length));
  return 0;
}

/** The schema the connection works in: its tables are reflected without a schema name. */
async function defaultSchema(engine: Engine): Promise<string | undefined> {
  const query = { postgresql: "SELECT current_schema() AS name", mysql: "SELECT DATABASE() AS name", sqlite: undefined }[engine.dialect.name];
  if (query === undefined) return "main";
  const { rows } = await engine.withConnection((conn) => conn.run(query));
  const name = (rows[0] as { name?: unknown } | undefined)?.name;
  return typeof name === "string" ? name : undefined;
}

/** The tables of `--schema` (and those they reference), or every table read by default. */
function selectSchema(reflected: SchemaModel, name: string | undefined, own: string | undefined, shown: string): SchemaModel {
  // The connection's own schema comes back without a schema name: `--schema <it>` means those tables.
  const schema = name === undefined ? reflected : tablesOfSchema(reflected, name === own ? undefined : name);
  if (schema.tables.length === 0) {
    throw new CliError(`${shown} has no tables${name === undefined ? "" : ` in schema '${name}'`}: nothing to pull`);
  }
  return schema;
}

function summary(schema: SchemaModel, files: readonly ModelFile[], out: string, overwritten: number): string {
  const models = files.filter((f) => f.path !== "base.ts" && f.path !== "index.ts");
  const count = (pattern: RegExp) => files.reduce((n, f) => n + (f.source.match(pattern)?.length ?? 0), 0);
  const row = (label: string, n: number, extra = "") => `  ${label.padEnd(15)}${String(n).padStart(3)}${extra}`;
  const lines = [
    `athanor pull: wrote ${files.length} files to ${out}${overwritten ? ` (${overwritten} overwritten)` : ""}`,
    "",
    row("tables", schema.tables.length),
    row("models", models.length, `  (${models.map((f) => f.path).join(", ")})`),
    row("plain tables", count(/^export const \w+ = table\(/gm), "  (in base.ts)"),
    row("relationships", count(/^ {2}@(manyToOne|oneToMany|oneToOne|manyToMany)\(/gm)),
    ...(["manyToOne", "oneToMany", "oneToOne", "manyToMany"] as const).map((k) => row(`  ${k}`, count(new RegExp(`^ {2}@${k}\\(`, "gm")))),
  ];
  const approximated = count(/^ {2}\/\/ the database type is /gm);
  if (approximated) lines.push(row("approximated", approximated, "  column types athanor has no type for (see the comments)"));
  const unmapped = count(/^ \* - /gm);
  if (unmapped) lines.push(row("not expressed", unmapped, "  parts of the schema the models leave to the database (see the class comments)"));
  lines.push("", `Next: athanor check ${out}`);
  return lines.join("\n");
}

function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = "***";
  return copy.toString();
}

/** A path as the user sees it: relative to the working directory when inside it. */
function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") ? rel : path;
}
