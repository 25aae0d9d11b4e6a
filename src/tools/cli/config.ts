/**
 * Configuration: the models location and the database URL, from flags (the <entry> argument
 * counts as a flag), then the environment (ATHANOR_MODELS, ATHANOR_URL), then athanor.config.json
 * in the working directory or the nearest folder above it:
 * `{ "url": "...", "models": "...", "migrations": "migrations", "migrationsImport": "athanor/migrations", "lockTimeout": "5s" }`.
 * A relative `models` path in the file is relative to the file's folder (so the command works from
 * any subfolder of the project); in a flag or the environment, to the working directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseLockTimeout } from "../../migrations/lint/lock-timeout.js";
import { CliError } from "./errors.js";

/** The configuration file's name. */
export const CONFIG_FILE = "athanor.config.json";

/** The module generated migration files import `defineMigration` from, unless configured. */
export const DEFAULT_MIGRATIONS_IMPORT = "athanor/migrations";

/** The configuration, merged from flags, environment and file. */
export interface CliConfig {
  /** Absolute path of the models file or folder, when given anywhere. */
  readonly models: string | undefined;
  /** The database URL, validated, when given anywhere. */
  readonly url: URL | undefined;
  /** Absolute path of the migrations folder: --migrations, ATHANOR_MIGRATIONS, "migrations", else ./migrations of the project. */
  readonly migrations: string;
  /** The module specifier that generated migration files import from. */
  readonly migrationsImport: string;
  /** The working directory the command runs in (paths in messages are shown relative to it). */
  readonly cwd: string;
  /** `migrate up/down`: how long a DDL statement may wait for a lock (--lock-timeout, "lockTimeout"), in ms; undefined: the server's. */
  readonly lockTimeoutMs: number | undefined;
}

/** Where the configuration comes from. */
export interface ConfigSources {
  readonly entry?: string | undefined;
  readonly flags: Readonly<Record<string, string | true>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Merges the configuration; throws `CliError` for a bad file or URL. */
export function loadConfig(sources: ConfigSources): CliConfig {
  const { flags, env, cwd } = sources;
  const configPath = findConfigFile(cwd);
  const file = configPath === undefined ? {} : readConfigFile(configPath);
  const str = (v: string | true | undefined) => (typeof v === "string" && v !== "" ? v : undefined);
  if (sources.entry !== undefined && typeof flags["models"] === "string" && sources.entry !== flags["models"]) {
    throw new CliError(`give the models once: either <entry> ('${sources.entry}') or --models ('${flags["models"]}')`);
  }
  const given = sources.entry ?? str(flags["models"]) ?? str(env["ATHANOR_MODELS"]);
  const models = given !== undefined ? resolve(cwd, given) : file.models === undefined ? undefined : resolve(dirname(configPath!), file.models);
  const urlText = str(flags["url"]) ?? str(env["ATHANOR_URL"]) ?? file.url;
  const base = configPath === undefined ? cwd : dirname(configPath);
  const migrationsGiven = str(flags["migrations"]) ?? str(env["ATHANOR_MIGRATIONS"]);
  const migrations = migrationsGiven !== undefined ? resolve(cwd, migrationsGiven) : resolve(base, file.migrations ?? "migrations");
  return {
    models,
    url: urlText === undefined ? undefined : parseUrl(urlText),
    migrations,
    migrationsImport: file.migrationsImport ?? DEFAULT_MIGRATIONS_IMPORT,
    cwd,
    lockTimeoutMs: lockTimeout(str(flags["lock-timeout"]) ?? file.lockTimeout),
  };
}

/** athanor.config.json in `cwd` or the nearest folder above it. */
function findConfigFile(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const path = join(dir, CONFIG_FILE);
    if (existsSync(path)) return path;
    if (dirname(dir) === dir) return undefined;
  }
}

/** A duration ("5s", "500ms", "1m") in milliseconds. */
function lockTimeout(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseLockTimeout(text);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

const KEYS = ["url", "models", "migrations", "migrationsImport", "lockTimeout"] as const;
type ConfigFile = Partial<Record<(typeof KEYS)[number], string>>;

function readConfigFile(path: string): ConfigFile {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(`${CONFIG_FILE}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new CliError(`${CONFIG_FILE}: expected an object like { "url": "...", "models": "..." }`);
  const result: ConfigFile = {};
  for (const [key, value] of Object.entries(data)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new CliError(`${CONFIG_FILE}: unknown key '${key}' (known: ${KEYS.join(", ")})`);
    if (typeof value !== "string") throw new CliError(`${CONFIG_FILE}: '${key}' must be a string`);
    result[key as (typeof KEYS)[number]] = value;
  }
  return result;
}

const SCHEMES = ["sqlite", "postgresql", "postgres", "mysql", "mariadb"];

/** A database URL such as `sqlite:///app.db` or `postgresql://user@host/db`. */
export function parseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`invalid database URL '${text}' (expected e.g. sqlite:///app.db or postgresql://user@host:5432/db)`);
  }
  const scheme = url.protocol.replace(/:$/, "").split("+")[0]!;
  if (!SCHEMES.includes(scheme)) throw new CliError(`unsupported database URL scheme '${scheme}:' in '${text}' (supported: ${SCHEMES.join(", ")})`);
  return url;
}
