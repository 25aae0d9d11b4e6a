/**
 * Errors of the migration history: each message says what is wrong, where, and the way forward,
 * so that the CLI prints it as it is.
 */
import { AthanorError } from "../../core/errors.js";

/** Base class: a problem with the migration files, the history or the version table. */
export class MigrationHistoryError extends AthanorError {
  override name = "MigrationHistoryError";
}

/** A migration file that cannot be used (no default export, a bad id, a duplicate id...). */
export class InvalidMigrationFileError extends MigrationHistoryError {
  override name = "InvalidMigrationFileError";
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** A migration names a parent that no file defines. */
export class UnknownParentError extends MigrationHistoryError {
  override name = "UnknownParentError";
  constructor(
    readonly id: string,
    readonly parent: string,
  ) {
    super(`migration ${id} follows '${parent}', which no migration file defines (a file missing from this checkout, or a typo in 'parents')`);
  }
}

/** The parents form a cycle: no migration can come first. */
export class HistoryCycleError extends MigrationHistoryError {
  override name = "HistoryCycleError";
  constructor(readonly ids: readonly string[]) {
    super(`the migrations' parents form a cycle: ${[...ids, ids[0]].join(" -> ")}; each migration must follow only older ones`);
  }
}

/**
 * Two migrations continue the same parent (two people's work merged): the history has two heads,
 * and no order between them is known until a merge migration names both.
 */
export class BranchError extends MigrationHistoryError {
  override name = "BranchError";
  constructor(
    /** The migrations that share a parent, and that parent (undefined: two first migrations). */
    readonly first: string,
    readonly second: string,
    readonly parent: string | undefined,
    readonly heads: readonly string[],
  ) {
    const where = parent === undefined ? "both start the history (no parent)" : `both follow ${parent}`;
    super(
      `the history has branched: migrations ${first} and ${second} ${where}, so there are ${heads.length} heads (${heads.join(", ")}). ` +
        `Run 'athanor migrate merge' to write a merge migration that follows both, then run the command again.`,
    );
  }
}

/** Applied migrations whose file changed since they were applied (their checksum differs). */
export class EditedMigrationError extends MigrationHistoryError {
  override name = "EditedMigrationError";
  constructor(
    readonly ids: readonly string[],
    hint: string,
  ) {
    super(
      `${ids.length === 1 ? "migration" : "migrations"} ${ids.join(", ")} ${ids.length === 1 ? "was" : "were"} edited after being applied ` +
        `(the operations' checksum differs from the version table's). ${hint}`,
    );
  }
}

/**
 * A step of a migration failed. On MySQL/MariaDB the steps before it stay applied (DDL commits on
 * its own) and are recorded: `done` of `total`. On PostgreSQL and SQLite the transaction rolled
 * everything back (`done` is 0).
 */
export class MigrationFailedError extends MigrationHistoryError {
  override name = "MigrationFailedError";
  constructor(
    readonly id: string,
    readonly direction: "up" | "down",
    readonly done: number,
    readonly total: number,
    /** What failed: `step 3 of 5 (add column books.isbn)`, or the progress record after a step. */
    readonly what: string,
    /** Whether steps stay applied (MySQL/MariaDB, non-transactional steps), or all was rolled back. */
    readonly partial: boolean,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    const lines = [`${what} of ${id} failed: ${reason}`];
    if (partial) {
      lines.push(`applied ${done} of ${total} steps of ${id} (${direction}); the version table records them.`);
      if (direction === "up") {
        lines.push(`To finish: fix the cause (or the migration) and run 'athanor migrate up' again: applied steps are skipped.`);
        lines.push(`To go back: run 'athanor migrate down', which reverts the applied steps of ${id}.`);
      } else {
        lines.push(`To finish: fix the cause and run 'athanor migrate down' again: reverted steps are skipped.`);
        lines.push(`To go back: run 'athanor migrate up', which re-applies the reverted steps of ${id}.`);
      }
    } else {
      lines.push(`nothing of ${id} was applied (its transaction was rolled back); fix the cause and run the command again.`);
    }
    super(lines.join("\n"));
  }
}

/**
 * A migration left half done by an earlier run cannot be taken further in this direction without
 * running a data step twice or undoing what never ran (see the message for the way out); nothing was run.
 */
export class PartialMigrationError extends MigrationHistoryError {
  override name = "PartialMigrationError";
  constructor(
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}
