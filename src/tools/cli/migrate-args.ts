/**
 * The subcommands and flags of `athanor migrate`. Each subcommand is implemented in its own
 * module (migrate-<name>.ts).
 */
import type { FlagSpec } from "./args.js";

/** The subcommands of `athanor migrate`, with their usage and one-line summary. */
export const MIGRATE_SUBCOMMANDS = {
  new: { usage: 'new "message" [--empty]', summary: "write a migration from the models' changes since the head (--empty: no operations)" },
  up: { usage: "up [target]", summary: "apply migrations up to target (default: head)" },
  down: { usage: "down [target]", summary: "revert the migrations after target (default: only the last applied; 'base': all)" },
  history: { usage: "history", summary: "list the migrations in order, with their state when a database is given" },
  current: { usage: "current", summary: "show the database's current migration(s), partly applied and edited ones" },
  stamp: { usage: "stamp <target>", summary: "record target and its ancestors as applied, without running them" },
  sql: { usage: "sql [target] [--from id] [--dialect d]", summary: "print the SQL of up to target for review, without a database" },
  check: { usage: "check [--json]", summary: "compare models, history (replayed on a scratch database) and the database; exit 1 on any difference" },
  verify: { usage: "verify", summary: "apply each migration up, down, up on a scratch database; exit 1 unless every down restores the schema" },
  merge: { usage: 'merge ["message"]', summary: "write a merge migration for two heads, once both orders replayed give the same schema" },
  lint: { usage: "lint [target] [--dialect d]", summary: "flag operations that lock or rewrite big tables (exit 1 on an error)" },
} as const;

/** A subcommand name. */
export type MigrateSubcommand = keyof typeof MIGRATE_SUBCOMMANDS;

/** The flags of `athanor migrate` (besides the common ones). */
export const MIGRATE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  migrations: { value: true, help: 'the migrations folder (default: "migrations" in athanor.config.json, else ./migrations)' },
  dialect: { value: true, help: "sql, new: sqlite, postgresql or mysql (default: from the database URL)" },
  from: { value: true, help: "sql: start after this migration (default: from an empty database)" },
  empty: { value: false, help: "new: write a migration with no operations, to fill by hand" },
  "allow-data-loss": { value: false, help: "new: accept destructive operations (drops, narrowing types); up, down: run migrations whose drops (not marked allowDataLoss) meet tables or columns holding rows" },
  json: { value: false, help: "check: print the differences as JSON" },
  "lock-timeout": { value: true, help: 'up, down: how long DDL may wait for a lock, e.g. "5s" (PostgreSQL lock_timeout, MySQL lock_wait_timeout)' },
  "online-safe": { value: false, help: "new: write the online forms (PostgreSQL: CONCURRENTLY, NOT VALID + VALIDATE)" },
  verbose: { value: false, help: "echo every SQL statement, and print stack traces of unexpected errors" },
};

/** Lines of `athanor migrate --help` that list the subcommands. */
export const MIGRATE_HELP: readonly string[] = [
  "Subcommands:",
  ...Object.values(MIGRATE_SUBCOMMANDS).map((s) => `  ${s.usage.padEnd(40)}${s.summary}`),
  "",
  "Targets are a migration id (or a unique prefix of one), 'head' or 'base'. No subcommand ever prompts.",
];
