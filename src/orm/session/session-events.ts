/**
 * A session's event listeners (`new Session(engine, { events })`, `sessionMaker(engine, { events })`)
 * and the context the session runs its listeners and the models' flush hooks in.
 *
 * - `beforeFlush`: before a flush takes its work; what it adds, changes or deletes is written by
 *   that flush. `afterFlush`: once the flush has written everything (not committed yet). Either
 *   throwing fails the flush as any failed flush does (docs/reliability.md).
 * - `afterCommit`: once the COMMIT succeeded, once per commit; `afterRollback`: once the session's
 *   transaction was rolled back (by `rollback()`, or by the session after a failed flush). They
 *   cannot undo what happened: one that throws raises `AfterTransactionListenerError`, which says
 *   how the transaction ended and is never retried.
 *
 * Hooks and listeners run "inside" the session (an AsyncLocalStorage): a query they make does not
 * autoflush (the flush that called them is under way), and `commit()` or `rollback()` from one is
 * refused rather than left to wait for the flush it is part of.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { InvalidRequestError } from "../../core/errors.js";
import { AfterTransactionListenerError } from "../errors.js";
import type { Session } from "./session.js";

/** Listeners of a session's flushes and transaction ends; each may be async. */
export interface SessionEvents {
  /** Before a flush takes its work: objects it adds, changes or deletes are written by that flush. */
  readonly beforeFlush?: (session: Session) => unknown;
  /** After a flush wrote everything (in the transaction, not committed); objects cannot change here. */
  readonly afterFlush?: (session: Session) => unknown;
  /** After a COMMIT succeeded (once, never for a failed attempt of `sessionMaker().transaction`). */
  readonly afterCommit?: (session: Session) => unknown;
  /** After the session's transaction was rolled back (not a savepoint's). */
  readonly afterRollback?: (session: Session) => unknown;
}

type EventName = keyof SessionEvents;

const inside = new AsyncLocalStorage<object>();

/** Whether the caller runs inside a hook or listener of `session` (see above). */
export function insideHooksOf(session: object): boolean {
  return inside.getStore() === session;
}

/** Runs `fn` as the session's hook or listener. */
export function runInside<T>(session: object, fn: () => Promise<T>): Promise<T> {
  return inside.run(session, fn);
}

/** Refuses `what` (a commit, a rollback) from a hook or listener of the session. */
export function refuseInsideHooks(session: object, what: string): void {
  if (!insideHooksOf(session)) return;
  throw new InvalidRequestError(
    `${what} was called from a flush hook or session event listener: it would wait for the flush that called it. ` +
      `Let the flush finish, and commit or roll back after it.`,
  );
}

/** The listeners of one session: a sessionMaker's first, then the session's own. */
export class SessionListeners {
  /** The events some listener is registered for: asked on every flush and commit. */
  private readonly names: ReadonlySet<EventName>;

  constructor(
    private readonly session: object,
    private readonly lists: readonly SessionEvents[],
  ) {
    this.names = new Set(lists.flatMap((events) => (Object.keys(events) as EventName[]).filter((name) => events[name] !== undefined)));
  }

  /** Whether any listener of `name` is registered. */
  has(name: EventName): boolean {
    return this.names.has(name);
  }

  /** Runs the listeners of `name`, one after the other, inside the session; the first error propagates. */
  async emit(name: EventName): Promise<void> {
    if (!this.has(name)) return;
    await runInside(this.session, async () => {
      for (const events of this.lists) await events[name]?.(this.session as Session);
    });
  }

  /**
   * Runs the listeners of a transaction's end. Every one runs; an error is wrapped in
   * `AfterTransactionListenerError`, which says that the transaction did end, and how.
   */
  async emitEnd(name: "afterCommit" | "afterRollback", failure?: unknown): Promise<void> {
    if (!this.has(name)) return;
    const errors: unknown[] = [];
    await runInside(this.session, async () => {
      for (const events of this.lists) {
        try {
          await events[name]?.(this.session as Session);
        } catch (error) {
          errors.push(error);
        }
      }
    });
    if (errors.length === 0) return;
    const committed = name === "afterCommit";
    const cause = errors.length === 1 ? errors[0] : new AggregateError(errors, `${errors.length} ${name} listeners failed`);
    const first = errors[0] instanceof Error ? `${errors[0].name}: ${errors[0].message}` : String(errors[0]);
    const ended = committed
      ? "The transaction IS committed: every change is in the database; do not run the work again."
      : `The transaction was rolled back${failure === undefined ? "" : ` after ${describe(failure)}`}; the session is usable.`;
    throw new AfterTransactionListenerError(`An ${name} listener failed (${first}). ${ended}`, name, committed, { cause, failure });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
}

/** The listeners of `defaults` (a sessionMaker's) and `own` (one session's), as a list. */
export function listenersOf(...sources: (SessionEvents | readonly SessionEvents[] | undefined)[]): SessionEvents[] {
  return sources.flatMap((source) => (source === undefined ? [] : Array.isArray(source) ? source : [source as SessionEvents]));
}
