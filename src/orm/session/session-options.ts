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
  /** Flushes and releases the savepoint; if that fails, it is rolled back, and the error thrown. */
  commit(): Promise<void>;
  /** Undoes the database work since the savepoint began and restores the objects it touched. */
  rollback(): Promise<void>;
}
