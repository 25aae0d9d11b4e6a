/**
 * What to run of a migration that an earlier run left half done, so that no data step runs twice
 * or undoes what never ran. The version row says how many steps of the last pass ran (`steps_done`)
 * and, while partly applied, holds the checksum of the up steps done (a down leaves it as it is):
 * from it the up steps done are known even during a down. A down's step is matched to the up
 * operation it undoes by reading the down as the mirror of the up (its first operation undoes the
 * up's last), as `migrate new` writes it; a data step (`execute`) of the down runs only when the up
 * operation it undoes ran, and is left out when it did not. When that cannot be told (the down is
 * not a mirror, or the operation ran in part), the pass is refused, nothing run.
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import { tableKey } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import { reverse } from "../operations/reverse.js";
import { stepsChecksum } from "./checksum.js";
import { PartialMigrationError } from "./errors.js";
import { executionOrder } from "./execute.js";
import { schemaOnly, type Step } from "./steps.js";
import type { VersionRow } from "./version-table.js";

/** A migration as the runner has it: its operations and planned steps both ways. */
export interface PartialInput {
  readonly id: string;
  readonly checksum: string;
  readonly dialect: DialectName;
  readonly up: readonly Operation[];
  readonly down: readonly Operation[];
  readonly upSteps: readonly Step[];
}

/**
 * How many up steps (in execution order) have their effect in the database, as the row tells;
 * undefined when it cannot tell (the file's first steps changed since).
 */
export function upStepsDone(row: VersionRow, input: PartialInput): number | undefined {
  const ordered = executionOrder(input.upSteps, input.dialect);
  if (row.state === "applied") return ordered.length;
  // A row written by an older version, or the up finished before a down began, holds the file's checksum.
  if (row.checksum === input.checksum) return row.state === "applying" ? Math.min(row.stepsDone, ordered.length) : ordered.length;
  const n = row.state === "applying" ? [row.stepsDone] : [...ordered.keys(), ordered.length];
  return n.find((k) => k <= ordered.length && stepsChecksum(ordered.slice(0, k)) === row.checksum);
}

/** What a down of a fully applied migration keeps in its row: the checksum of all its up steps (so that editing the down later does not hide it). */
export function allUpDone(input: PartialInput): string {
  return stepsChecksum(executionOrder(input.upSteps, input.dialect));
}

/**
 * The down's steps for a migration whose up ran `done` of its steps: the same list (so that a
 * down resumed later counts the same steps), with each data step that undoes an operation that
 * never ran made a step that does nothing. Steps with a schema guard stay (they check first).
 *
 * @throws PartialMigrationError when a data step's operation cannot be told done or not
 */
export function downStepsAfter(input: PartialInput, downSteps: readonly Step[], done: number): Step[] {
  const ordered = executionOrder(input.upSteps, input.dialect);
  if (done >= ordered.length) return [...downSteps];
  const ran = ordered.slice(0, done);
  const status = (u: number): "done" | "not" | "part" => {
    const of = ordered.filter((s) => s.operations?.includes(u));
    const count = of.filter((s) => ran.includes(s)).length;
    return count === 0 ? "not" : count === of.length ? "done" : "part";
  };
  const pairs = mirror(input.up, input.down);
  return downSteps.map((step, k) => {
    if (step.isApplied) return step;
    const ops = step.operations ?? [];
    // Not a mirror: SQL that only changes the schema runs as before (undoing what is not there fails, it does not corrupt).
    if (!pairs && done > 0 && ops.every((d) => schemaOnly(input.down[d]))) return step;
    const states = ops.map((d) => (done === 0 ? "not" : pairs?.[d] === undefined ? "part" : status(pairs[d]!)));
    if (states.length && states.every((s) => s === "done")) return step;
    if (states.length && states.every((s) => s === "not")) {
      return leaveOut({ description: `${step.description} (left out: the up step it undoes never ran)`, statements: [], transactional: step.transactional, isApplied: () => true, ...(step.operations ? { operations: step.operations } : {}) });
    }
    throw new PartialMigrationError(
      input.id,
      `migration ${input.id} was left partly applied (${done} of ${ordered.length} up steps ran), and down step ${k + 1} (${step.description}) ` +
        `is a data step that cannot be matched to an up step that ran or did not ${pairs ? "(the up operation it undoes ran in part)" : "(the down is not the mirror of the up: its first operation undoing the up's last)"}: ` +
        `running it could undo what never ran, leaving it out could keep what did. Nothing was run. ` +
        `Finish the migration first (fix the cause, 'athanor migrate up'), then 'athanor migrate down'; or revert the steps that ran by hand ` +
        `and record it with 'athanor migrate stamp' of the migration before ${input.id}.`,
    );
  });
}

/** The steps `downStepsAfter` made do-nothing. */
const leftOut = new WeakSet<Step>();

function leaveOut(step: Step): Step {
  leftOut.add(step);
  return step;
}

/**
 * Where `migrate up` resumes a migration that a down left in state "reverting": at the up steps
 * done when the down began, if every down step that ran was one left out (nothing was reverted).
 *
 * @throws PartialMigrationError when the down reverted something: the up would redo what is still there
 */
export function upResumeAfterDown(row: VersionRow, input: PartialInput, downSteps: readonly Step[]): number {
  const done = upStepsDone(row, input);
  if (done === undefined) return refusePartlyReverted(input.id, row);
  if (row.stepsDone === 0) return done;
  const ran = executionOrder(downStepsAfter(input, downSteps, done), input.dialect).slice(0, row.stepsDone);
  return ran.every((s) => leftOut.has(s)) ? done : refusePartlyReverted(input.id, row);
}

/** For each down operation, the index of the up operation it undoes; undefined when the down is not the up's mirror. */
function mirror(up: readonly Operation[], down: readonly Operation[]): (number | undefined)[] | undefined {
  const pairs: (number | undefined)[] = [];
  for (let u = up.length - 1; u >= 0; u--) {
    const op = up[u]!;
    let expected: readonly Operation[];
    try {
      expected = op.op === "execute" ? [op] : reverse(op);
    } catch {
      return undefined;
    }
    for (const e of expected) {
      const d = down[pairs.length];
      if (d === undefined || d.op !== e.op || (e.op !== "execute" && target(d) !== target(e))) return undefined;
      pairs.push(u);
    }
  }
  return pairs.length === down.length ? pairs : undefined;
}

/** The table (and column) an operation acts on, to match an operation with its reverse. */
function target(op: Operation): string {
  if (op.op === "renameTable") return [op.from, op.to].sort().join("|");
  if (op.op === "renameColumn") return `${tableKey(op.table)}.${[op.from, op.to].sort().join("|")}`;
  if (op.op === "renameIndex" || op.op === "renameConstraint") return `${tableKey(op.table)} ${op.op} ${[op.from, op.to].sort().join("|")}`;
  if (op.op === "addColumn" || op.op === "dropColumn") return `${tableKey(op.table)}.${op.column.name}`;
  if (op.op === "alterColumn") return `${tableKey(op.table)}.${op.column}`;
  return "table" in op ? tableKey(op.table) : op.op;
}

/** `migrate up` on a migration a down left partly reverted: its up would redo what is still there. */
export function refusePartlyReverted(id: string, row: VersionRow): never {
  throw new PartialMigrationError(
    id,
    `migration ${id} was left partly reverted (${row.stepsDone} of ${row.stepsTotal} down steps ran): its up would run again data steps ` +
      `whose effect is still there. Nothing was run. Finish the revert first (fix the cause, 'athanor migrate down', which resumes after ` +
      `the steps done), then 'athanor migrate up'.`,
  );
}
