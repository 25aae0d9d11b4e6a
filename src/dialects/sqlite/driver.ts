/**
 * The better-sqlite3 driver. The database is synchronous and in-process, so a connection is a
 * database handle; prepared statements are cached per handle. An in-memory database exists only
 * inside its one handle, so its pool holds exactly one connection.
 *
 * better-sqlite3 is synchronous: while SQLite waits for another connection's write lock, the
 * whole event loop waits. So SQLite itself waits only `BLOCKING_BUSY_MS` at a time; past that, the
 * statement is retried after timers (backing off) until `busyTimeoutMs` has passed.
 */
import Database from "better-sqlite3";
import { resetMemorySession } from "./memory-session.js";
import type { Driver, DriverConnection, DriverCursor, DriverOptions, DriverResult, ExecuteOptions } from "../../engine/driver.js";
import { StreamInProgressError } from "../../core/errors.js";
import { SimplePool } from "../shared/pool.js";
import { repeatedField, withDuplicate } from "../shared/column-names.js";
import { FileInPlace } from "./file-in-place.js";

const STATEMENT_CACHE_SIZE = 200;
/** How long SQLite may block the thread waiting for a lock, per attempt. */
const BLOCKING_BUSY_MS = 50;
/** The longest pause between two attempts. */
const MAX_RETRY_PAUSE_MS = 100;

class SqliteConnection implements DriverConnection {
  private readonly statements = new Map<string, Database.Statement>();
  /** Per reading statement: a column name its result has twice, or null for none. */
  private readonly duplicates = new WeakMap<Database.Statement, string | null>();
  readonly cursorSharing = "reads";
  readonly mapsRows = true;
  /** Cursors open on this handle: SQLite cannot write while one reads. */
  private openCursors = 0;
  /** How to end each open cursor: the handle goes back to the pool without any. */
  private readonly cursorEnds = new Set<() => void>();
  /** The database file as opened (undefined in memory): writes and COMMITs check it is still there. */
  private readonly file: FileInPlace | undefined;
  /** The file was deleted or replaced: the handle is closed rather than pooled. */
  private moved = false;

  constructor(
    readonly db: Database.Database,
    private readonly pool: SimplePool<SqliteConnection>,
    private readonly busyTimeoutMs: number,
    /** The engine's settings (`PRAGMA foreign_keys = ON`, `connectStatements`), run again after a reset. */
    private readonly setUp: (db: Database.Database) => void,
  ) {
    this.file = db.memory ? undefined : FileInPlace.of(db.name);
  }

  /** The answer itself, not a promise of it, unless another connection holds the lock (then it waits). */
  execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): DriverResult | Promise<DriverResult> {
    try {
      return this.executeNow(sql, params, options);
    } catch (error) {
      if (!isBusy(error)) throw error;
      return this.retryWhileBusy(sql, params, options, error);
    }
  }

  /**
   * Another connection holds the lock: tries again after a pause that doubles up to
   * `MAX_RETRY_PAUSE_MS`, until `busyTimeoutMs` (counted from the first attempt) has passed. A
   * statement that failed with SQLITE_BUSY made no change, so running it again is safe.
   */
  private async retryWhileBusy(sql: string, params: readonly unknown[], options: ExecuteOptions | undefined, error: unknown): Promise<DriverResult> {
    const deadline = Date.now() - BLOCKING_BUSY_MS + this.busyTimeoutMs;
    let pause = 2;
    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const busy = error as Error;
        busy.message += ` (retried for ${this.busyTimeoutMs} ms while another connection held the lock: keep write transactions short, or raise pool.busyTimeoutMs)`;
        throw busy;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(pause, remaining)));
      pause = Math.min(pause * 2, MAX_RETRY_PAUSE_MS);
      try {
        return this.executeNow(sql, params, options);
      } catch (next) {
        if (!isBusy(next)) throw next;
        error = next;
      }
    }
  }

  private executeNow(sql: string, params: readonly unknown[], options: ExecuteOptions | undefined): DriverResult {
    const stmt = this.prepare(sql);
    // A write outside a transaction commits as it runs; inside one, the COMMIT is what persists.
    // (Reads first: `readonly` is a plain property, `inTransaction` a call into SQLite.)
    if (this.file !== undefined && (sql === "COMMIT" || (!stmt.readonly && !this.db.inTransaction))) this.checkFile();
    // A write that returns rows (RETURNING) is a reader too: it would move rows under the cursor, which then reads them twice or not at all.
    if (this.openCursors !== 0 && (!stmt.reader || !stmt.readonly)) {
      throw new StreamInProgressError(
        `Cannot run "${sql.slice(0, 80)}" while a stream is open on the same SQLite connection: SQLite cannot write while ` +
          `a statement reads. Finish or leave the loop first (reads can run inside it).`,
      );
    }
    if (stmt.reader) {
      const shape = options?.rowShape;
      // `pluck` and `raw` are modes of the statement, kept between calls: each call sets both.
      if (shape === "values") stmt.pluck(true);
      else stmt.pluck(false).raw(shape === "arrays");
      const mapRow = options?.mapRow;
      const duplicate = shape === undefined || shape === "objects" ? this.duplicateColumn(stmt) : undefined;
      if (mapRow !== undefined && shape !== "values") return withDuplicate({ rows: mappedRows(stmt, params, mapRow), rowCount: 0, lastInsertId: undefined }, duplicate);
      const rows = options?.oneRow === true ? oneRow(stmt.get(...params)) : (stmt.all(...params) as unknown[]);
      // Indexed: the first large reads run before V8 optimizes this, when `for...of` pays an iterator call per row.
      if (shape === "values") for (let i = 0; i < rows.length; i++) rows[i] = numberIfSafe(rows[i]);
      else for (let i = 0; i < rows.length; i++) numbersWhereSafe(rows[i] as Record<string, unknown> | unknown[]);
      return withDuplicate({ rows, rowCount: rows.length, lastInsertId: undefined }, duplicate);
    }
    const info = stmt.run(...params);
    return { rows: [], rowCount: info.changes, lastInsertId: numberIfSafe(info.lastInsertRowid) as number | bigint };
  }

  private checkFile(): void {
    try {
      this.file!.check();
    } catch (error) {
      this.moved = true;
      throw error;
    }
  }

  /** A column name the statement's result has twice (`DriverResult.duplicateColumn`), worked out once per cached statement. */
  private duplicateColumn(stmt: Database.Statement): string | undefined {
    let known = this.duplicates.get(stmt);
    if (known === undefined) this.duplicates.set(stmt, (known = repeatedField(stmt.columns()) ?? null));
    return known ?? undefined;
  }

  /**
   * The statement's own iterator: SQLite steps through the rows as they are asked for. A statement
   * of its own, not the cached one: its modes (raw, pluck) hold for the iteration, and running
   * the cached one meanwhile must not disturb it.
   */
  async openCursor(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverCursor> {
    const stmt = this.db.prepare(sql);
    const shape = options?.rowShape;
    stmt.safeIntegers(true);
    if (shape === "values") stmt.pluck(true);
    else stmt.raw(shape === "arrays");
    const duplicateColumn = shape === undefined || shape === "objects" ? repeatedField(stmt.columns()) : undefined;
    const rows = stmt.iterate(...params) as IterableIterator<unknown>;
    this.openCursors++;
    let done = false;
    let counted = true;
    const finish = () => {
      done = true;
      if (counted) this.openCursors--;
      counted = false;
      this.cursorEnds.delete(end);
    };
    const end = () => {
      finish();
      rows.return?.();
    };
    this.cursorEnds.add(end);
    return {
      duplicateColumn,
      fetch: async (count) => {
        const batch: unknown[] = [];
        while (!done && batch.length < count) {
          const next = rows.next();
          if (next.done) finish();
          else batch.push(shape === "values" ? numberIfSafe(next.value) : (numbersWhereSafe(next.value as Record<string, unknown>), next.value));
        }
        return batch;
      },
      close: async () => end(),
    };
  }

  release(broken = false, resetSession = false): void {
    // A cursor left open (its loop abandoned) would keep the next user from writing.
    for (const end of [...this.cursorEnds]) end();
    // A transaction left open by SQL text (the engine rolls back its own): the next user would
    // run inside it, and commit it. Rolled back here; the handle (an in-memory database) is kept.
    if (!broken && this.db.open && this.db.inTransaction) {
      try {
        this.db.exec("ROLLBACK");
      } catch {
        broken = true;
      }
    }
    // Settings changed by SQL text (PRAGMA, ATTACH, temporary tables) would reach the next user: a
    // file's connection is closed instead (reopening costs little). The one handle of an in-memory
    // database holds its data: its session is put back as a new connection has it, then the
    // engine's settings (they ran on it before).
    if (resetSession && !broken) {
      if (this.db.memory) {
        resetMemorySession(this.db);
        this.setUp(this.db);
      } else broken = true;
    }
    this.pool.release(this, broken || this.moved);
  }

  inTransaction(): boolean {
    return this.db.inTransaction;
  }

  /**
   * Whether `column` is `table`'s rowid under another name (its INTEGER PRIMARY KEY, in a table
   * with rowids): then an INSERT's `lastInsertRowid` is the key it generated. A primary key SQLite
   * keeps in an index of its own (any other type, `INTEGER PRIMARY KEY DESC`, WITHOUT ROWID) is not.
   */
  rowidAlias(schema: string | undefined, table: string, column: string): boolean {
    const db = schema ?? "main";
    const keys = this.db.prepare("SELECT name FROM pragma_table_info(?, ?) WHERE pk > 0").pluck().all(table, db);
    if (keys.length !== 1 || keys[0] !== column) return false;
    return this.db.prepare("SELECT 1 FROM pragma_index_list(?, ?) WHERE origin = 'pk'").all(table, db).length === 0;
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      // Integers are read as bigint so that 64-bit values keep every digit; those a number holds
      // exactly become numbers again (above), the rest stay bigint for BIGINT columns. So is
      // an INSERT's rowid.
      stmt.safeIntegers(true);
      // better-sqlite3 12 crashes the process (SIGSEGV) running an EXPLAIN again once SQLite has
      // recompiled it after a schema change: EXPLAIN is prepared afresh each time.
      if (EXPLAIN.test(sql)) return stmt;
      if (this.statements.size >= STATEMENT_CACHE_SIZE) this.statements.delete(this.statements.keys().next().value!);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}

const EXPLAIN = /^\s*EXPLAIN\b/i;

/**
 * SQLITE_BUSY (and its RECOVERY and TIMEOUT variants) clears when the other connection is done.
 * SQLITE_BUSY_SNAPSHOT does not: the transaction read data another connection has since changed,
 * and must start over.
 */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_RECOVERY" || code === "SQLITE_BUSY_TIMEOUT";
}

/**
 * Each row mapped as SQLite steps to it: the row dies before the next is read, where `all()`
 * keeps every row alive until the last (for 100,000 rows, the collector's work doubled). A
 * synchronous loop: nothing else can use the statement meanwhile.
 */
function mappedRows(stmt: Database.Statement, params: readonly unknown[], mapRow: (row: any) => unknown): unknown[] {
  const out: unknown[] = [];
  for (const row of stmt.iterate(...params) as IterableIterator<Record<string, unknown> | unknown[]>) {
    numbersWhereSafe(row);
    out.push(mapRow(row));
  }
  return out;
}

/** The rows of a statement that matches at most one (`ExecuteOptions.oneRow`), read with `stmt.get`. */
function oneRow(row: unknown): unknown[] {
  return row === undefined ? [] : [row];
}

/** A bigint that a number holds exactly, as a number; any other value as it is. */
function numberIfSafe(value: unknown): unknown {
  if (typeof value !== "bigint") return value;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value;
}

/**
 * Turns the bigints of a row (object or array) that a number holds exactly into numbers. A bigint
 * beyond ±(2^53 - 1) converts to a number that is not a safe integer, so `Number.isSafeInteger`
 * is the same test as comparing with the bounds, without two bigint comparisons per value; arrays
 * are walked by index (`for...in` over an array enumerates string keys).
 */
function numbersWhereSafe(row: Record<string, unknown> | unknown[]): void {
  if (Array.isArray(row)) {
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (typeof value === "bigint") {
        const n = Number(value);
        if (Number.isSafeInteger(n)) row[i] = n;
      }
    }
    return;
  }
  for (const key in row) {
    const value = row[key];
    if (typeof value === "bigint") {
      const n = Number(value);
      if (Number.isSafeInteger(n)) row[key] = n;
    }
  }
}

/**
 * The file of a SQLite URL. `sqlite://`, `sqlite::memory:` and `sqlite://:memory:` are in memory;
 * `sqlite:app.db` and `sqlite:///app.db` are relative; `sqlite:////tmp/app.db` is absolute
 * (SQLAlchemy's form: `sqlite:///` then the path).
 */
export function sqlitePath(url: string): string {
  const afterScheme = url.replace(/^sqlite(\+\w+)?:/i, "").replace(/\?.*$/, "");
  if (!afterScheme.startsWith("//")) return afterScheme === "" ? ":memory:" : afterScheme; // sqlite:app.db, sqlite::memory:
  const rest = afterScheme.slice(2); // after `//`: an empty host, then `/path`
  if (rest === "" || rest === ":memory:" || rest === "/:memory:") return ":memory:";
  return rest.startsWith("/") ? rest.slice(1) : rest;
}

export function createSqliteDriver(url: string, options: DriverOptions): Driver {
  const path = sqlitePath(url);
  const memory = path === ":memory:";
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const setUp = (db: Database.Database) => {
    db.pragma("foreign_keys = ON");
    // LIKE compares case-sensitively, as `=` does here (BINARY): SQLite's LIKE ignores ASCII case
    // by default, so `startsWith("a")` matched "Abc" (ilike() lowers both sides itself).
    db.pragma("case_sensitive_like = ON");
    // ilike() lowers both sides with it: SQLite's lower() folds only ASCII ('É' stayed 'É').
    db.function("athanor_lower", { deterministic: true }, (v: unknown) => (typeof v === "string" ? v.toLowerCase() : v));
    // A `readOnly` engine's connections refuse writes themselves, SQL text included.
    if (options.readOnly) db.pragma("query_only = ON");
    for (const statement of options.connectStatements ?? []) db.exec(statement);
  };
  const pool: SimplePool<SqliteConnection> = new SimplePool(
    () => {
      const db = new Database(path, { timeout: BLOCKING_BUSY_MS });
      if (!memory) db.pragma("journal_mode = WAL");
      try {
        setUp(db);
      } catch (error) {
        db.close();
        throw error;
      }
      return new SqliteConnection(db, pool, busyTimeoutMs, setUp);
    },
    (conn) => conn.db.close(),
    memory ? 1 : (options.max ?? 5),
  );
  return {
    maxConnections: pool.max,
    acquire: (wait) => pool.acquire(wait),
    dispose: async () => pool.dispose(),
  };
}
