/**
 * Argument parsing: `athanor <command> [entry] [--flag value | --flag=value | --switch]`.
 * Each command declares the flags it accepts; anything else is a one-line usage error.
 */
import { CliError } from "./errors.js";
import { MIGRATE_FLAGS, MIGRATE_HELP } from "./migrate-args.js";
import { PULL_COMMAND } from "./pull-args.js";

/** The commands of `athanor`. */
export type CommandName = "check" | "diagram" | "migrate" | "pull";

/** A flag a command accepts. */
export interface FlagSpec {
  /** Whether the flag takes a value (`--out file`) or is a switch (`--verbose`). */
  readonly value: boolean;
  readonly help: string;
}

/** Flags every command accepts. */
export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  models: { value: true, help: "where the models are (a file or a folder); same as the <entry> argument" },
  url: { value: true, help: "database URL, e.g. sqlite:///app.db (validated; not used by check/diagram yet)" },
  verbose: { value: false, help: "print stack traces of unexpected errors" },
  help: { value: false, help: "show this help" },
};

/** Each command's one-line summary, usage line and flags (the help is generated from them). */
export const COMMANDS: Readonly<
  Record<CommandName, { summary: string; usage: string; flags: Readonly<Record<string, FlagSpec>>; maxPositionals?: number; details?: readonly string[] }>
> = {
  check: {
    summary: "check the model configuration and the import graph of the model files",
    usage: "athanor check <entry> [--url URL] [--verbose]",
    flags: COMMON_FLAGS,
  },
  diagram: {
    summary: "print an entity-relationship diagram of the models (Mermaid, Graphviz DOT or SVG)",
    usage: "athanor diagram <entry> [--format mermaid|svg|dot] [--out file]",
    flags: {
      ...COMMON_FLAGS,
      format: { value: true, help: "mermaid (default), dot or svg" },
      out: { value: true, help: "write to this file instead of stdout" },
    },
  },
  pull: PULL_COMMAND,
  migrate: {
    summary: "create, apply, revert and inspect schema migrations",
    usage: "athanor migrate <subcommand> [argument] [--url URL] [--migrations folder] [--verbose]",
    flags: { ...COMMON_FLAGS, ...MIGRATE_FLAGS },
    maxPositionals: 2,
    details: MIGRATE_HELP,
  },
};

/** The command line, parsed. */
export interface ParsedArgs {
  /** Undefined for `athanor` alone or `athanor --help`. */
  readonly command: CommandName | undefined;
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | true>>;
}

/** Parses `argv` (without node and the script); throws `CliError` for bad input. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  let command: CommandName | undefined;
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-h") {
      flags["help"] = true;
      continue;
    }
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const known = command ? COMMANDS[command].flags : COMMON_FLAGS;
      const spec = known[name];
      if (!spec) {
        throw new CliError(`unknown flag '--${name}'${command ? ` for 'athanor ${command}'` : ""} (see 'athanor ${command ?? ""}${command ? " " : ""}--help')`);
      }
      if (!spec.value) {
        if (eq !== -1) throw new CliError(`flag '--${name}' takes no value`);
        flags[name] = true;
        continue;
      }
      const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === "" || (eq === -1 && value.startsWith("--"))) throw new CliError(`flag '--${name}' needs a value`);
      flags[name] = value;
      continue;
    }
    if (arg.startsWith("-") && arg !== "-") throw new CliError(`unknown flag '${arg}' (see 'athanor --help')`);
    if (command === undefined && positionals.length === 0) {
      if (!(arg in COMMANDS)) throw new CliError(`unknown command '${arg}' (commands: ${Object.keys(COMMANDS).join(", ")}; see 'athanor --help')`);
      command = arg as CommandName;
      continue;
    }
    positionals.push(arg);
  }
  const max = command ? (COMMANDS[command].maxPositionals ?? 1) : 1;
  if (positionals.length > max) {
    throw new CliError(
      command === "migrate"
        ? `unexpected argument '${positionals[max]}' (quote a message with spaces: athanor migrate new "add books")`
        : `unexpected argument '${positionals[1]}': give one <entry> (a models file or folder)`,
    );
  }
  return { command, positionals, flags };
}

/** The help of `athanor` alone. */
export function mainHelp(): string {
  const lines = [
    "athanor: tools for athanor models",
    "",
    "Usage: athanor <command> <entry> [flags]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)}${c.summary}`),
    "",
    "<entry> is a models file or folder. Without it: --models, then ATHANOR_MODELS, then",
    '"models" in athanor.config.json (the database URL likewise: --url, ATHANOR_URL, "url").',
    "",
    "Run 'athanor <command> --help' for a command's flags.",
  ];
  return lines.join("\n");
}

/** The help of one command. */
export function commandHelp(name: CommandName): string {
  const c = COMMANDS[name];
  const flagLines = Object.entries(c.flags).map(([flag, spec]) => `  ${`--${flag}${spec.value ? " <value>" : ""}`.padEnd(20)}${spec.help}`);
  return [`athanor ${name}: ${c.summary}`, "", `Usage: ${c.usage}`, ...(c.details ? ["", ...c.details] : []), "", "Flags:", ...flagLines].join("\n");
}
