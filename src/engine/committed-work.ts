/**
 * Commits made inside a function that may be run again (`sessionMaker().transaction(fn)` retrying
 * `fn`): once one is made, running `fn` again would write it a second time. The function's async
 * context (Node's `AsyncLocalStorage`) carries its run, so a commit made anywhere inside it through
 * athanor is noted: another session's, `engine.transaction`'s, a write in autocommit, a MySQL/MariaDB
 * implicit commit. While no run is watched, a commit looks nothing up (one counter read).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { mayWrite, sessionOnly } from "./statement-kind.js";
import type { Transaction } from "./transaction.js";

/** @internal One run of a watched function: the first commit made inside it, and the run around it (a nested `transaction()`). */
export interface WatchedRun {
  /** What was committed first, described for an error message; undefined while nothing was. */
  committed: string | undefined;
  readonly outer: WatchedRun | undefined;
}

const runs = new AsyncLocalStorage<WatchedRun>();
/** Runs being watched in the whole process: 0 keeps the commit paths free of any look-up. */
let watched = 0;

/** @internal Whether any run is watched (checked before describing a commit). */
export function commitsWatched(): boolean {
  return watched !== 0;
}

/** @internal A new run, inside the one of the current async context if any. */
export function newWatchedRun(): WatchedRun {
  return { committed: undefined, outer: runs.getStore() };
}

/** @internal Runs `fn` as `run`: afterwards, `run.committed` tells whether anything inside it committed. */
export async function watchCommits<T>(run: WatchedRun, fn: () => Promise<T>): Promise<T> {
  watched++;
  try {
    return await runs.run(run, fn);
  } finally {
    watched--;
  }
}

/**
 * @internal Notes a commit made in the current async context: it counts for every watched run
 * around it (a commit inside a nested `transaction()` is inside the outer one's `fn` too).
 * `describe` is called only when there is a run to note it in.
 */
export function noteCommit(describe: () => string): void {
  if (watched === 0) return;
  let run = runs.getStore();
  if (run === undefined || run.committed !== undefined) return;
  const what = describe();
  for (; run !== undefined && run.committed === undefined; run = run.outer) run.committed = what;
}

/**
 * @internal `sql` was answered on a connection whose open transaction is `tx`: noted when it
 * committed as it ran, a write outside a transaction, or any statement once MySQL/MariaDB committed
 * the transaction implicitly (`committedBefore`: its earlier work went with that commit).
 */
export function noteAnswered(sql: string, tx: Transaction | undefined): void {
  if (tx === undefined) {
    if (mayWrite(sql) && !sessionOnly(sql)) noteCommit(() => `"${clip(sql)}", run outside a transaction (it committed as it ran)`);
  } else if (tx.committedBefore !== undefined) {
    const before = tx.committedBefore;
    noteCommit(() => `a transaction that MySQL/MariaDB committed before "${clip(before)}" ran (an implicit commit)`);
  }
}

/** @internal Notes the COMMIT of a transaction whose first write was `firstWrite` (none: it committed nothing). */
export function noteTransactionCommit(firstWrite: string | undefined): void {
  if (firstWrite !== undefined) noteCommit(() => `the COMMIT of a transaction that ran "${clip(firstWrite)}"`);
}

/** @internal SQL cut short for a message. */
export const clip = (sql: string): string => {
  const text = sql.trim().replace(/\s+/g, " ");
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};
