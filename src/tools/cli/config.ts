/**
 * Configuration: the models location and the database URL, from flags (the <entry> argument
 * counts as a flag), then the environment (ATHANOR_MODELS, ATHANOR_URL), then athanor.config.json
 * in the working directory: `{ "url": "...", "models": "..." }`.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { CliError } from "./errors.js";

export const CONFIG_FILE = "athanor.config.json";

export interface CliConfig {
  /** Absolute path of the models file or folder, when given anywhere. */
  readonly models: string | undefined;
  /** The database URL, validated, when given anywhere. */
  readonly url: URL | undefined;
}

export interface ConfigSources {
  readonly entry?: string | undefined;
  readonly flags: Readonly<Record<string, string | true>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function loadConfig(sources: ConfigSources): CliConfig {
  const { flags, env, cwd } = sources;
  const file = readConfigFile(cwd);
  const str = (v: string | true | undefined) => (typeof v === "string" && v !== "" ? v : undefined);
  if (sources.entry !== undefined && typeof flags["models"] === "string" && sources.entry !== flags["models"]) {
    throw new CliError(`give the models once: either <entry> ('${sources.entry}') or --models ('${flags["models"]}')`);
  }
  const models = sources.entry ?? str(flags["models"]) ?? str(env["ATHANOR_MODELS"]) ?? file.models;
  const urlText = str(flags["url"]) ?? str(env["ATHANOR_URL"]) ?? file.url;
  return {
    // A relative path in the config file is relative to the working directory, where the file is.
    models: models === undefined ? undefined : resolve(cwd, models),
    url: urlText === undefined ? undefined : parseUrl(urlText),
  };
}

function readConfigFile(cwd: string): { url?: string; models?: string } {
  const path = join(cwd, CONFIG_FILE);
  if (!existsSync(path)) return {};
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(`${CONFIG_FILE}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new CliError(`${CONFIG_FILE}: expected an object like { "url": "...", "models": "..." }`);
  const result: { url?: string; models?: string } = {};
  for (const [key, value] of Object.entries(data)) {
    if (key !== "url" && key !== "models") throw new CliError(`${CONFIG_FILE}: unknown key '${key}' (known: url, models)`);
    if (typeof value !== "string") throw new CliError(`${CONFIG_FILE}: '${key}' must be a string`);
    result[key] = value;
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
