/**
 * The `athanor` command: parses the arguments, loads the configuration and runs a command.
 * Bad input is one line on stderr and a non-zero exit; `--verbose` adds the stack trace of an
 * unexpected error. Started by bin/athanor.mjs through ./bin.ts; tests call `main` in-process.
 */
import { commandHelp, mainHelp, parseArgs, type CommandName } from "./args.js";
import type { Output } from "./check.js";
import { loadConfig } from "./config.js";
import { CliError, EXIT_USAGE, oneLine } from "./errors.js";

/** Runs one `athanor` command line; resolves to the exit code. */
export async function main(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, cwd: string, io: Output): Promise<number> {
  const verbose = argv.includes("--verbose");
  try {
    const args = parseArgs(argv);
    if (args.command === undefined) {
      if (args.flags["help"]) {
        io.out(mainHelp());
        return 0;
      }
      if (argv.length === 0) {
        // No command at all: the help, as a usage error (on stderr, non-zero).
        io.err(mainHelp());
        return EXIT_USAGE;
      }
      throw new CliError(`missing command (see 'athanor --help')`);
    }
    if (args.flags["help"]) {
      io.out(commandHelp(args.command));
      return 0;
    }
    if (args.command === "migrate") {
      const { runMigrate } = await import("./migrate.js");
      return await runMigrate(args.positionals, args.flags, loadConfig({ flags: args.flags, env, cwd }), io);
    }
    const config = loadConfig({ entry: args.command === "pull" ? undefined : args.positionals[0], flags: args.flags, env, cwd });
    if (args.command === "pull") return await pull(args.positionals, args.flags, cwd, io, config.url);
    const entry = config.models;
    if (entry === undefined) {
      throw new CliError(`missing <entry>: give a models file or folder (athanor ${args.command} <entry>), or set --models, ATHANOR_MODELS or "models" in athanor.config.json`);
    }
    return await run(args.command, entry, args.flags, cwd, io, config.url);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`athanor: ${error.message}`);
      if (verbose && error.cause instanceof Error && error.cause.stack) io.err(error.cause.stack);
      return error.exitCode;
    }
    io.err(`athanor: unexpected error: ${oneLine(error)}${verbose ? "" : " (run with --verbose for the stack trace)"}`);
    if (verbose && error instanceof Error && error.stack) io.err(error.stack);
    return 70;
  }
}

/** Commands are imported when run, so that `--help` and usage errors answer at once. */
async function run(
  command: Exclude<CommandName, "migrate" | "pull">,
  entry: string,
  flags: Readonly<Record<string, string | true>>,
  cwd: string,
  io: Output,
  url: URL | undefined,
): Promise<number> {
  switch (command) {
    case "check": {
      const { runCheck } = await import("./check.js");
      return runCheck(entry, io, url);
    }
    case "diagram": {
      const { parseFormat, runDiagram } = await import("./diagram.js");
      const options = { format: parseFormat(flags["format"]), out: typeof flags["out"] === "string" ? flags["out"] : undefined, cwd };
      return runDiagram(entry, options, io);
    }
  }
}

/** `athanor pull` reads a database, not models: no <entry>. */
async function pull(positionals: readonly string[], flags: Readonly<Record<string, string | true>>, cwd: string, io: Output, url: URL | undefined): Promise<number> {
  if (positionals.length) throw new CliError(`unexpected argument '${positionals[0]}': athanor pull takes --url and --out (see 'athanor pull --help')`);
  const { runPull } = await import("./pull.js");
  const text = (name: string) => (typeof flags[name] === "string" ? (flags[name] as string) : undefined);
  return runPull({ url, out: text("out"), schema: text("schema"), force: flags["force"] === true, importFrom: text("import-from"), cwd }, io);
}
