/**
 * `athanor migrate <subcommand>`: dispatches to the subcommand's module. Problems with the
 * history (a branch, an edited migration, a failed step) are printed as they are, exit 1.
 */
import { MigrationHistoryError } from "../../migrations/history/errors.js";
import { PlanError } from "../../migrations/apply/plan-error.js";
import type { Output } from "./check.js";
import type { CliConfig } from "./config.js";
import { CliError, EXIT_PROBLEMS } from "./errors.js";
import { MIGRATE_SUBCOMMANDS, type MigrateSubcommand } from "./migrate-args.js";

/** The parsed command line of `athanor migrate`. */
export type Flags = Readonly<Record<string, string | true>>;

/** Runs `athanor migrate <positionals...>`; resolves to the exit code. */
export async function runMigrate(positionals: readonly string[], flags: Flags, config: CliConfig, io: Output): Promise<number> {
  const [sub, arg] = positionals;
  if (sub === undefined) throw new CliError(`missing subcommand: athanor migrate <${Object.keys(MIGRATE_SUBCOMMANDS).join("|")}> (see 'athanor migrate --help')`);
  if (!(sub in MIGRATE_SUBCOMMANDS)) throw new CliError(`unknown subcommand 'migrate ${sub}' (subcommands: ${Object.keys(MIGRATE_SUBCOMMANDS).join(", ")})`);
  const verbose = flags["verbose"] === true;
  try {
    return await dispatch(sub as MigrateSubcommand, arg, flags, config, io, verbose);
  } catch (error) {
    // A migration that cannot be planned as written is a problem of the migration, said as it is.
    if (!(error instanceof MigrationHistoryError || error instanceof PlanError)) throw error;
    io.err(`athanor: ${error.message}`);
    return EXIT_PROBLEMS;
  }
}

async function dispatch(sub: MigrateSubcommand, arg: string | undefined, flags: Flags, config: CliConfig, io: Output, verbose: boolean): Promise<number> {
  const noArgument = () => {
    if (arg !== undefined) throw new CliError(`'migrate ${sub}' takes no argument (got '${arg}')`);
  };
  switch (sub) {
    case "up":
    case "down":
    case "stamp": {
      if (sub === "stamp" && arg === undefined) throw new CliError("missing target: athanor migrate stamp <id|head|base>");
      const { runApply } = await import("./migrate-apply.js");
      return runApply(sub, arg, config, io, verbose, flags["allow-data-loss"] === true);
    }
    case "history":
    case "current": {
      noArgument();
      const { runHistory, runCurrent } = await import("./migrate-info.js");
      return sub === "history" ? runHistory(config, io, verbose) : runCurrent(config, io, verbose);
    }
    case "sql": {
      const { runSql } = await import("./migrate-sql.js");
      return runSql(arg, flags, config, io);
    }
    case "new": {
      if (arg === undefined || arg.trim() === "") throw new CliError('missing message: athanor migrate new "what changes"');
      const { runNew } = await import("./migrate-new.js");
      return runNew(arg, flags, config, io);
    }
    case "check": {
      noArgument();
      const { runCheck } = await import("./migrate-check.js");
      return runCheck(flags, config, io, verbose);
    }
    case "verify": {
      noArgument();
      const { runVerify } = await import("./migrate-verify.js");
      return runVerify(config, io, verbose);
    }
    case "merge": {
      const { runMerge } = await import("./migrate-merge.js");
      return runMerge(arg, config, io, verbose);
    }
    case "lint": {
      const { runLint } = await import("./migrate-lint.js");
      return runLint(arg, flags, config, io);
    }
  }
}
