/** The flags of `athanor pull`, apart from args.ts so that other commands' additions there do not meet this one. */
import type { FlagSpec } from "./args.js";

/** `athanor pull`: its summary, usage and flags, as `COMMANDS` lists them. */
export const PULL_COMMAND: { summary: string; usage: string; flags: Readonly<Record<string, FlagSpec>> } = {
  summary: "write model files (one class per table, with relationships) from an existing database",
  usage: "athanor pull --url URL --out <dir> [--schema name] [--force] [--import-from specifier]",
  flags: {
    url: { value: true, help: "the database to read, e.g. postgresql://user@host:5432/app (or ATHANOR_URL, \"url\" in athanor.config.json)" },
    out: { value: true, help: "the folder to write the model files to (created if missing)" },
    schema: { value: true, help: "read this schema (PostgreSQL schema, MySQL database) instead of the connection's own" },
    force: { value: false, help: "overwrite files that already exist in the folder (refused otherwise)" },
    "import-from": { value: true, help: 'the module the files import athanor from (default "athanor")' },
    verbose: { value: false, help: "print stack traces of unexpected errors" },
    help: { value: false, help: "show this help" },
  },
};
