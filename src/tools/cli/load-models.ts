/**
 * Loading the user's models: `<entry>` is a file (imported) or a folder (every module in it
 * imported, recursively, like `registry.discover(folder)`, except tests, declaration files and
 * scripts that run top-level code). The registries are then found from the modules' exports:
 * every exported class with a mapper leads to its registry.
 */
import { existsSync, statSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { mapperOfClass } from "../../orm/mapped.js";
import type { Mapper } from "../../orm/mapping/mapper.js";
import type { Registry } from "../../orm/mapping/registry.js";
import { CliError } from "./errors.js";
import { loadParser, parseModule } from "./import-graph.js";
import { prepareImport } from "./typescript-loader.js";

const EXTENSIONS = [".ts", ".mts", ".tsx", ".js", ".mjs"];

export interface LoadedModels {
  readonly entry: string;
  readonly isFolder: boolean;
  /** The model files considered: the folder's modules, or the entry file. */
  readonly files: readonly string[];
  /** Modules of the folder left out because they run code at top level (scripts, demos). */
  readonly skipped: readonly string[];
  readonly registries: readonly Registry[];
}

/** An import of a model module threw (a syntax error, a cycle's "before initialization"...). */
export class ModelImportError extends CliError {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super(`cannot import ${display(file)}: ${cause instanceof Error ? `${cause.name}: ${cause.message.split("\n")[0]}` : String(cause)}`);
  }
}

/** The files that `loadModels` would import for `entry`, and those it leaves out. */
export async function modelFiles(entry: string): Promise<{ isFolder: boolean; files: string[]; skipped: string[] }> {
  if (!existsSync(entry)) throw new CliError(`no such file or folder: ${display(entry)}`);
  if (!statSync(entry).isDirectory()) return { isFolder: false, files: [entry], skipped: [] };
  const all = (await listFiles(entry))
    .filter((f) => EXTENSIONS.includes(extname(f)) && !/\.d\.[mc]?ts$|\.(test|spec)\.[mc]?[tj]sx?$/.test(f))
    .sort();
  const files: string[] = [];
  const skipped: string[] = [];
  await loadParser();
  for (const file of all) (parseModule(file).isScript ? skipped : files).push(file);
  return { isFolder: true, files, skipped };
}

export async function loadModels(entry: string): Promise<LoadedModels> {
  const { isFolder, files, skipped } = await modelFiles(entry);
  const registries = new Set<Registry>();
  await prepareImport(files, display);
  for (const file of files) {
    let exports: Record<string, unknown>;
    try {
      exports = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      throw new ModelImportError(file, error);
    }
    for (const value of Object.values(exports)) {
      const mapper = mapperOf(value);
      if (mapper) registries.add(mapper.registry);
    }
  }
  if (registries.size === 0) {
    throw new CliError(
      isFolder
        ? `${display(entry)}: no module in this folder exports a mapped model (export the @model classes)`
        : `${display(entry)} exports no mapped models (export the @model classes, or point at the models folder)`,
    );
  }
  return { entry, isFolder, files, skipped, registries: [...registries] };
}

function mapperOf(value: unknown): Mapper | undefined {
  if (typeof value !== "function") return undefined;
  return mapperOfClass(value);
}

async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? (e.name === "node_modules" || e.name.startsWith(".") ? [] : listFiles(join(folder, e.name))) : [join(folder, e.name)],
    ),
  );
  return nested.flat();
}

/** A path as the user sees it: relative to the working directory when inside it. */
export function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}
