/** What a Session is created with, and the handle of a savepoint it opens. */
import type { IsolationLevel } from "../../engine/driver.js";
import type { SessionEvents } from "./session-events.js";
import type { LoaderCriteria } from "../loading/criteria.js";

/** Options of `new Session(engine, options)` and `sessionMaker`. */
export interface SessionOptions {
  /** Flush before queries, so that they see pending changes (default true). */
  readonly autoflush?: boolean;
  /** Expire every object's attributes on commit, so they are reloaded (default true). */
  readonly expireOnCommit?: boolean;
  /** Isolation level of the session's transactions. */
  readonly isolationLevel?: IsolationLevel;
  /**
   * Listeners of the session's flushes and transaction ends (session-events.ts, docs/events.md):
   * `{ beforeFlush, afterFlush, afterCommit, afterRollback }`, or a list of such. A sessionMaker's
   * run before a session's own.
   */
  readonly events?: SessionEvents | readonly SessionEvents[];
  /**
   * Loader criteria (`withLoaderCriteria(Model, (c) => ...)`) every ORM statement of the session
   * obeys, as if each had them as options: reads of every kind and bulk UPDATE/DELETE
   * (docs/loader-criteria.md). A sessionMaker's and a session's own both apply.
   */
  readonly criteria?: readonly LoaderCriteria[];
}

/** A savepoint of the session (`beginNested`). */
export interface NestedTransaction {
  /**
   * Flushes and releases the savepoint (RELEASE SAVEPOINT), keeping its work in the enclosing
   * transaction; if that fails, the savepoint is rolled back and the error thrown.
   *
   * ```ts
   * const nested = await session.beginNested();
   * session.add(create(Tag, { name: "kept" }));
   * await nested.commit(); // INSERT INTO tags ...; RELEASE SAVEPOINT sp_1
   * await session.commit(); // COMMIT: the tag is in
   * ```
   */
  commit(): Promise<void>;
  /**
   * Undoes the database work since the savepoint began (ROLLBACK TO SAVEPOINT) and restores the
   * objects it touched as they were then; the enclosing transaction goes on.
   *
   * ```ts
   * const user = (await session.get(User, 1))!;
   * const nested = await session.beginNested();
   * user.name = "tentative";
   * await nested.rollback(); // user.name is what it was before beginNested()
   * ```
   */
  rollback(): Promise<void>;
}
