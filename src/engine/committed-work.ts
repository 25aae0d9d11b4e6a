/**
 * Commits made inside a function that may be run again (`sessionMaker().transaction(fn)` retrying
 * `fn`): once one is made, running `fn` again would write it a second time. The function's async
 * context (Node's `AsyncLocalStorage`) carries its run, so a commit made anywhere inside it through
 * athanor is noted: another session's, `engine.transaction`'s, a write in autocommit, a MySQL/MariaDB
 * implicit commit. While no run is watched, a commit looks nothing up (one counter read).
 *
 * Work `fn` starts without awaiting it (`void engine.transaction(...)`, a promise kept for later)
 * may commit after `fn` failed: each connection checked out inside a run is its work until given
 * back (and, on a connection checked out before it, a transaction begun inside it until it ends, a
 * write sent in autocommit until answered);
 * the decision to run `fn` again waits for that (`unsettledWork`), and once `fn` is run again what
 * the failed attempt starts is refused (`AbandonedAttemptError`).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { AbandonedAttemptError } from "../core/pool-errors.js";
import { settledWithin } from "./dispose-bounds.js";
import { mayWrite, sessionOnly } from "./statement-kind.js";
import type { Connection } from "./connection.js";
import type { Transaction } from "./transaction.js";

/** @internal One run of a watched function: the first commit made inside it, and the run around it (a nested `transaction()`). */
export interface WatchedRun {
  /** What was committed first, described for an error message; undefined while nothing was. */
  committed: string | undefined;
  readonly outer: WatchedRun | undefined;
  /** Work started inside it (or inside a run it encloses), settled or not. */
  started: Work[] | undefined;
  ended: boolean;
  /** Given up for a retry: what its context starts from now on is refused. */
  abandoned: boolean;
}

/**
 * Work of a watched run that may still commit: a connection checked out (or being) inside it,
 * settled once given back or once `connect()` failed; or a transaction it began on a connection
 * checked out before it, settled once ended.
 */
interface Work {
  settled: boolean;
  readonly done: Promise<void>;
  readonly settle: () => void;
  /** What it is, for the error of a decision that could not wait for it. */
  describe: () => string;
}

const runs = new AsyncLocalStorage<WatchedRun>();
/** Runs being watched in the whole process: 0 keeps the commit paths free of any look-up. */
let watched = 0;

/** @internal Whether any run is watched (checked before describing a commit). */
export function commitsWatched(): boolean {
  return watched !== 0;
}

/**
 * @internal A new run, inside the one of the current async context if any: watched until
 * `endWatchedRun`, after the decision on `fn`'s error (a commit made meanwhile counts).
 */
export function newWatchedRun(): WatchedRun {
  watched++;
  return { committed: undefined, outer: runs.getStore(), started: undefined, ended: false, abandoned: false };
}

/** @internal Stops watching `run`: commits made in its context later are not looked up for it. */
export function endWatchedRun(run: WatchedRun): void {
  if (run.ended) return;
  run.ended = true;
  watched--;
}

/** @internal Runs `fn` as `run`: afterwards, `run.committed` tells whether anything inside it committed. */
export function watchCommits<T>(run: WatchedRun, fn: () => Promise<T>): Promise<T> {
  return runs.run(run, fn);
}

const checkouts = new WeakMap<object, Work>();
/** Runs given up for a retry, ever: 0 keeps `connect()` free of any look-up outside watched runs. */
let abandoned = 0;

/** @internal `fn` is run again: work its failed attempt starts from now on is refused (`watchedConnect`). */
export function abandonRun(run: WatchedRun): void {
  run.abandoned = true;
  abandoned++;
}

/** @internal Whether `connect()` must go through `watchedConnect` (a run is watched, or one was given up). */
export function connectsWatched(): boolean {
  return watched !== 0 || abandoned !== 0;
}

/**
 * @internal `connect()` in the current async context. Inside a watched run, the checkout is the
 * run's work until the connection is given back (`checkoutEnded`); `holder` names it. Inside a
 * run given up for a retry (work `fn` left behind, started after the decision), it is refused:
 * what it would write, the next attempt writes too.
 */
export function watchedConnect(checkout: () => Promise<Connection>, holder: (conn: Connection) => string | undefined): Promise<Connection> {
  const run = runs.getStore();
  if (run === undefined) return checkout();
  if (inAbandonedRun()) return Promise.reject(new AbandonedAttemptError(ABANDONED));
  if (watched === 0) return checkout();
  const work = startWork(run, () => "a connect() still waiting for a connection of the pool");
  return checkout().then(
    (conn) => {
      work.describe = () => {
        const wrote = conn.firstWriteInTransaction;
        return `${holder(conn) ?? "a connection"}, ${wrote === undefined ? "not given back" : `its transaction open after "${clip(wrote)}"`}`;
      };
      checkouts.set(conn, work);
      return conn;
    },
    (error: unknown) => {
      work.settle();
      throw error;
    },
  );
}

/** Work of `run` (and of the runs around it), until settled. */
function startWork(run: WatchedRun, describe: () => string): Work {
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const work: Work = { settled: false, done, settle: () => ((work.settled = true), resolve()), describe };
  for (let r: WatchedRun | undefined = run; r !== undefined; r = r.outer) (r.started ??= []).push(work);
  return work;
}

/** Whether the current context is (inside) a run given up for a retry. */
function inAbandonedRun(): boolean {
  if (abandoned === 0) return false;
  for (let r = runs.getStore(); r !== undefined; r = r.outer) if (r.abandoned) return true;
  return false;
}

const transactions = new WeakMap<Transaction, Work>();

/**
 * @internal A transaction begun in the current context. On a connection checked out before a
 * watched run and used inside it, it is the run's work until it ends (`transactionEnded`): one
 * checked out inside the run is its work already.
 */
export function watchTransaction(tx: Transaction): void {
  const run = runs.getStore();
  if (run === undefined || checkouts.has(tx.connection)) return;
  const describe = () => `a transaction begun inside fn on a connection checked out before it${tx.connection.firstWriteInTransaction === undefined ? "" : `, open after "${clip(tx.connection.firstWriteInTransaction)}"`}`;
  transactions.set(tx, startWork(run, describe));
}

/** @internal A transaction ended (committed, rolled back, or gone with its connection). */
export function transactionEnded(tx: Transaction): void {
  settle(transactions, tx);
}

/**
 * @internal `sql`, about to be sent outside a transaction on `conn` in the current async context.
 * A write on a connection checked out before a watched run (one checked out inside it is its work
 * already) commits as it runs, maybe after `fn` failed: the run's work until answered (call what
 * this returns then). Sent by work of an attempt given up for a retry, it is refused.
 */
export function watchedStatement(conn: Connection, sql: string): (() => void) | undefined {
  const run = runs.getStore();
  if (run === undefined || checkouts.has(conn) || !mayWrite(sql) || sessionOnly(sql)) return undefined;
  if (inAbandonedRun()) throw new AbandonedAttemptError(ABANDONED.replace("connect() was called", `"${clip(sql)}" was sent outside a transaction`));
  if (watched === 0) return undefined;
  return startWork(run, () => `"${clip(sql)}", sent outside a transaction on a connection checked out before fn, not answered`).settle;
}

/** @internal Throws before the COMMIT of a transaction that wrote (`firstWrite`), sent by work of an attempt given up for a retry. */
export function refuseAbandonedCommit(firstWrite: string | undefined): void {
  if (firstWrite !== undefined && inAbandonedRun()) throw new AbandonedAttemptError(ABANDONED.replace("connect() was", "A COMMIT was"));
}

const ABANDONED =
  "connect() was called by work of a sessionMaker().transaction(fn) attempt that failed and is being run again " +
  "(work fn started without awaiting it): refused, since the next attempt does that work too. Await the work fn starts.";

/** @internal A connection went back to its pool (or was closed): the work it was is settled. */
export function checkoutEnded(conn: object): void {
  settle(checkouts, conn);
}

/** Settles the work `key` is, once (nothing to look up while no run is watched: none waits for it). */
function settle<K extends object>(works: WeakMap<K, Work>, key: K): void {
  if (watched === 0) return;
  const work = works.get(key);
  if (work === undefined) return;
  works.delete(key);
  work.settle();
}

/**
 * @internal Waits, `ms` at most, for the connections checked out inside `run` to be given back:
 * a transaction still open on one, a statement or a COMMIT in flight, may commit after `fn`
 * failed. Returns those not given back in time (none: `run.committed` is final).
 */
export async function unsettledWork(run: WatchedRun, ms: number): Promise<string[]> {
  const open = run.started?.filter((work) => !work.settled) ?? [];
  if (open.length === 0) return [];
  await settledWithin(open.map((work) => work.done), ms);
  return open.filter((work) => !work.settled).map((work) => work.describe());
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
