/** What compilers produce and what they are told of a dialect. */
import type { SqlType } from "../types/sql-type.js";

/** What a dialect's SQL can express, consulted by the compiler and by the layers above. */
export interface DialectCapabilities {
  /** The database's name as errors show it ("PostgreSQL", "MariaDB 10.11", ...). */
  readonly displayName: string;
  /** `agg(...) FILTER (WHERE ...)` (PostgreSQL; SQLite 3.30+). */
  readonly aggregateFilter: boolean;
  /** `SELECT DISTINCT ON (...)` (PostgreSQL only). */
  readonly distinctOn: boolean;
  /** `JOIN LATERAL (SELECT ...)` (PostgreSQL; MySQL 8.0.14+; not MariaDB or SQLite). */
  readonly lateral: boolean;
  /** `INTERSECT` and `EXCEPT` (every supported database but MySQL before 8.0.31). */
  readonly intersectExcept: boolean;
  /** `INTERSECT ALL` and `EXCEPT ALL` (PostgreSQL; MariaDB 10.5+; MySQL 8.0.31+; not SQLite). */
  readonly intersectExceptAll: boolean;
  /** Whether a member of a UNION/INTERSECT/EXCEPT may be parenthesised (not on SQLite). */
  readonly parenthesizedSetMembers: boolean;
  /**
   * Whether a WITH clause may head an INSERT, UPDATE or DELETE (PostgreSQL, SQLite, MySQL 8).
   * MariaDB takes one only before a SELECT: there each subquery that reads a CTE gets its own.
   */
  readonly withBeforeWrites: boolean;
  /** An INSERT, UPDATE or DELETE with RETURNING as a CTE (`WITH moved AS (DELETE ... RETURNING ...) SELECT ...`): PostgreSQL's alone. */
  readonly dataModifyingCtes: boolean;
  readonly insertReturning: boolean;
  readonly updateReturning: boolean;
  readonly deleteReturning: boolean;
  /**
   * `FOR UPDATE OF t` (PostgreSQL; MySQL 8). Without it (MariaDB) `forUpdate({ of })` locks the
   * rows of every table the query reads, more than asked but never less.
   */
  readonly forUpdateOf: boolean;
  /** `FOR UPDATE NOWAIT` and `FOR UPDATE SKIP LOCKED` (PostgreSQL; MySQL 8; MariaDB 10.6+). */
  readonly forUpdateNowait: boolean;
  /** `FOR UPDATE` of the nullable side of an outer join (every database but PostgreSQL, which refuses it). */
  readonly forUpdateNullable: boolean;
  readonly fullJoin: boolean;
  readonly ilike: boolean;
  /**
   * What, in `VALUES (...)`, makes the database generate a row's key: `DEFAULT` on PostgreSQL
   * (its key is NOT NULL); a NULL for SQLite's INTEGER PRIMARY KEY (which refuses DEFAULT there)
   * and MariaDB's AUTO_INCREMENT, whose DEFAULT is 0, stored as 0 under the NO_AUTO_VALUE_ON_ZERO
   * its sessions run with.
   */
  readonly generatedKeyInValues: "default" | "null";
  /**
   * How the keys a multi-row INSERT generates follow its rows, which RETURNING's row order does
   * not tell (no database promises it): "ascending" as the rows are inserted (MariaDB's
   * AUTO_INCREMENT); "sequence", the column's own sequence, either way (PostgreSQL); "perRow",
   * nothing ties them (SQLite), so such rows are inserted one per statement. See
   * `engine/generated-key-order.ts`.
   */
  readonly generatedKeyOrder: "ascending" | "sequence" | "perRow";
  /**
   * Bind parameters one statement may have: a longer multi-row INSERT is run in chunks (see
   * `statements/chunking.ts`), a longer IN list is bound as one array parameter.
   */
  readonly maxParameters: number;
  /**
   * Rows per multi-row INSERT of a flush, where fewer than the parameter limit allows are
   * cheaper (undefined: as many as `maxParameters` allows). SQLite prepares a statement's text
   * again on every new connection, at about 1 µs a row of VALUES: a page of 500 rows, prepared
   * once and run again, where one statement of 6,666 rows cost 6 ms to prepare.
   */
  readonly insertPageRows?: number;
  /**
   * Whether a flush deletes by key through `inValues`. Not on MariaDB 10.x, where a single-table
   * DELETE ran the JSON_TABLE subquery for every row of the table (measured on 10.11): there deletes
   * by key use literal lists. (The MySQL compiler now reads such a list once, as a derived table.)
   */
  readonly inValuesInWrites: boolean;
  /**
   * Whether DDL runs inside the open transaction (PostgreSQL, SQLite). MySQL/MariaDB commit it
   * first, before DDL and a few other statements (`commitsImplicitly` in engine/statement-kind.ts).
   */
  readonly transactionalDdl: boolean;
  /**
   * Whether text may compare equal regardless of case: MySQL/MariaDB's default collations
   * (`_ci`) do, so a WHERE on text cannot be evaluated in JavaScript as the database would.
   */
  readonly caseInsensitiveText: boolean;
  /**
   * Whether booleans are stored as integers (SQLite, MariaDB): a row may hold 2 or -1, which
   * reads as true but does not match `= TRUE`, so such a WHERE cannot be evaluated in JavaScript.
   */
  readonly integerBooleans: boolean;
  /**
   * Which row's generated key the driver reports for a multi-row INSERT: MySQL/MariaDB the
   * first row's, SQLite the last row's (PostgreSQL reports none: RETURNING gives every key).
   */
  readonly lastInsertIdOf: "first" | "last";
  /** An expression as an index's key part (`lower(email)`): PostgreSQL, SQLite, MySQL 8.0.13+; not MariaDB. */
  readonly indexExpressions: boolean;
  /** A partial index (`CREATE INDEX ... WHERE`): PostgreSQL and SQLite. */
  readonly partialIndexes: boolean;
}

/**
 * One placeholder that takes many parameters (in fingerprint order) as one value: a long IN list
 * bound as an array. `pack` turns their driver values into that one value.
 */
export interface PackedSlot {
  readonly params: readonly number[];
  readonly pack: (values: unknown[]) => unknown;
}

/**
 * One placeholder for a list bound whole (`inValues`): `list` is the parameter (in fingerprint
 * order) whose value is the list; `tuples`, whether its items are tuples (for `(a, b) IN`), and
 * then `member`, which member of each this placeholder takes (undefined: the whole tuple);
 * `types`, the type each member is bound as. `pack` turns the driver values (items with a NULL
 * left out) into the one bound value.
 */
export interface ArraySlot {
  readonly list: number;
  readonly tuples: boolean;
  readonly member: number | undefined;
  readonly types: readonly (SqlType | undefined)[];
  readonly pack: (values: unknown[]) => unknown;
}

/** What one placeholder takes: one parameter, many packed as one, or a list bound whole. */
export type Slot = number | PackedSlot | ArraySlot;

/** The text of a compiled statement and, per placeholder, which parameter (in fingerprint order) it takes. */
export interface CompiledTemplate {
  readonly sql: string;
  readonly slots: readonly Slot[];
}
