/**
 * A data step that cannot run in a transaction (an `execute` with `transactional: false` on
 * PostgreSQL or SQLite) commits on its own, before its progress record: a process that died
 * between the two left a row saying the step had not run, and the rerun ran it again (an
 * `UPDATE ... SET cents = cents + 1000` twice). Such a step is now marked started in the row
 * first (state `applying-step` / `reverting-step`, `steps_done` the steps before it); a rerun
 * that finds the mark cannot tell whether the step ran, and refuses, nothing run, saying how to
 * record what the database shows.
 */
import { stepsChecksum } from "./checksum.js";
import { PartialMigrationError } from "./errors.js";
import type { Step } from "./steps.js";
import { VERSION_TABLE, versionSql, type VersionRow, type VersionState } from "./version-table.js";

/** The state of a pass whose next step (`steps_done` + 1) started and was not recorded finished. */
export function startedState(direction: "up" | "down"): VersionState {
  return direction === "up" ? "applying-step" : "reverting-step";
}

/** Whether the row says a step started and was never recorded finished. */
export function isInDoubt(row: VersionRow): boolean {
  return row.state === "applying-step" || row.state === "reverting-step";
}

/** What the refusal needs of the pass the row belongs to. */
export interface InDoubtPass {
  /** The pass's steps, in execution order. */
  readonly ordered: readonly Step[];
  /** Up: the migration's checksum (the row's once every step ran). */
  readonly checksum: string;
}

/** The refusal of a rerun that found `row` in doubt (see the file comment). */
export function inDoubtError(row: VersionRow, pass: InDoubtPass): PartialMigrationError {
  const up = row.state === "applying-step";
  const k = row.stepsDone;
  const total = row.stepsTotal;
  const step = pass.ordered[k];
  const what = `step ${k + 1} of ${total}${step ? ` (${step.description})` : ""}`;
  const where = `WHERE id = '${row.id}'`;
  const last = k + 1 >= total;
  const ran = up
    ? `UPDATE ${VERSION_TABLE} SET state = '${last ? "applied" : "applying"}', steps_done = ${k + 1}, checksum = '${last ? pass.checksum : stepsChecksum(pass.ordered.slice(0, k + 1))}' ${where}`
    : last
      ? versionSql.remove(row.id)
      : `UPDATE ${VERSION_TABLE} SET state = 'reverting', steps_done = ${k + 1} ${where}`;
  const notRun = `UPDATE ${VERSION_TABLE} SET state = '${up ? "applying" : "reverting"}' ${where}`;
  return new PartialMigrationError(
    row.id,
    `migration ${row.id} (${up ? "up" : "down"}): ${what} runs outside a transaction, and it started but was never recorded finished ` +
      `(the process or its connection died): whether it ran is unknown, and running it again could apply it twice. Nothing was run. ` +
      `Check the database: if the step ran, record it with: ${ran}; if it did not: ${notRun}. Then run the command again.`,
  );
}
