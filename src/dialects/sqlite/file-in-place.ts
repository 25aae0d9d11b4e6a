/**
 * Whether a SQLite database file is still the one its connection opened. A file deleted, or
 * replaced (another file renamed over it, a backup restored), while a connection holds it open
 * keeps taking that connection's writes: they commit into a file no path names, are read back by
 * that connection alone, and are gone when it closes. SQLite notices only in rollback-journal mode
 * (SQLITE_READONLY_DBMOVED), not in WAL, athanor's mode: every commit resolved, and the rows were lost.
 */
import { statSync } from "node:fs";
import { resolve } from "node:path";

/** The code of the error `check()` throws: SQLite's own for a database file that moved. */
export const DB_MOVED = "SQLITE_READONLY_DBMOVED";

export class FileInPlace {
  private constructor(
    private readonly path: string,
    private readonly dev: number,
    private readonly ino: number,
  ) {}

  /** The identity of the file at `path` now, or undefined where there is none (a temporary database). */
  static of(path: string): FileInPlace | undefined {
    // Absolute: the process may change its working directory later.
    const absolute = path === "" ? undefined : resolve(path);
    const stats = absolute === undefined ? undefined : statSync(absolute, { throwIfNoEntry: false });
    return stats === undefined ? undefined : new FileInPlace(absolute!, stats.dev, stats.ino);
  }

  /** Throws, before a write or COMMIT is sent, when the file at the path is no longer the one opened. */
  check(): void {
    const now = statSync(this.path, { throwIfNoEntry: false });
    if (now !== undefined && now.dev === this.dev && now.ino === this.ino) return;
    const error = new Error(
      `The database file '${this.path}' was ${now === undefined ? "deleted" : "replaced by another file"} after this connection opened it: ` +
        "what it writes would go to the old file, which no path names any more, and be lost. Nothing was written or committed. " +
        "Dispose of the engine and create it again on the file as it is now.",
    );
    throw Object.assign(error, { code: DB_MOVED });
  }
}
