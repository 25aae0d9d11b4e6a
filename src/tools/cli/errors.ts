/**
 * Errors of the command-line tool. A `CliError` is a problem with the user's input (a missing
 * path, an unknown flag...): it is printed as one line, without a stack trace, and exits non-zero.
 */

/** Exit codes: 1 = the check found problems, 2 = bad input (usage, paths, config). */
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  override name = "CliError";

  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
  }
}

/** One line describing an unexpected error (its first line), for the non-verbose output. */
export function oneLine(error: unknown): string {
  if (error instanceof Error) {
    const first = error.message.split("\n")[0] ?? "";
    return error instanceof CliError ? first : `${error.name}: ${first}`;
  }
  return String(error);
}
