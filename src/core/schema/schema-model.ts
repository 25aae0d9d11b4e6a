/**
 * A database schema as plain data: what `Inspector.reflect()` reads from a database and what
 * the migrations layer computes from a MetaData, so that the two can be compared field by field.
 * Everything here is JSON-serialisable (migration files and `migrate check --json` print it).
 *
 * Normalisation is per dialect: a value here is what *that* database would report, so a model and
 * its own applied migration compare equal with `===` on every field (no phantom differences).
 */
import type { ReferentialAction } from "./column-builder.js";
import type { SqlType } from "../types/sql-type.js";

/** A column type: one athanor knows (`SqlType` data, without the phantom), or the database's own text. */
export type TypeModel = Omit<SqlType, "__value"> | { readonly kind: "raw"; readonly sql: string };

export interface ColumnModel {
  readonly name: string;
  readonly type: TypeModel;
  readonly nullable: boolean;
  /** The DEFAULT expression as SQL text, normalised per dialect (`'abc'`, `0`, `CURRENT_TIMESTAMP`). */
  readonly serverDefault?: string;
  /**
   * A generated column (`.generatedAs()`): its expression as SQL text (as the database reports
   * it; compared in canonical form) and whether it is stored or virtual.
   */
  readonly generated?: GeneratedModel;
  /** The database generates the value (identity, AUTO_INCREMENT, SQLite's rowid alias). */
  readonly autoincrement: boolean;
  /** Model side only: names this column had before (`column(..., { renamedFrom })`), newest first. */
  readonly renamedFrom?: readonly string[];
}

/** How a generated column is computed: `GENERATED ALWAYS AS (sql) STORED | VIRTUAL`. */
export interface GeneratedModel {
  readonly sql: string;
  readonly stored: boolean;
}

export interface PrimaryKeyModel {
  /** Undefined where the database does not name it (SQLite unnamed, MySQL's `PRIMARY`). */
  readonly name?: string;
  readonly columns: readonly string[];
}

export interface ForeignKeyModel {
  readonly name: string;
  readonly columns: readonly string[];
  readonly referredSchema?: string;
  readonly referredTable: string;
  readonly referredColumns: readonly string[];
  /** Omitted for the database's default (`NO ACTION`). */
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
}

export interface UniqueModel {
  /** Undefined when the model leaves naming to the database (no naming convention for `uq`). */
  readonly name?: string;
  readonly columns: readonly string[];
}

export interface CheckModel {
  /** Undefined when the model leaves naming to the database (a table-level check without a name). */
  readonly name?: string;
  /** The condition as SQL text (databases rewrite it: named checks are compared by name). */
  readonly sql: string;
}

export interface IndexModel {
  readonly name: string;
  /** The names of the parts that are plain columns (ascending or not), in order. */
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** Partial index condition (PostgreSQL, SQLite). */
  readonly where?: string;
  /**
   * Every key part in order as SQL text, when one is an expression (PostgreSQL, SQLite, MySQL 8)
   * or descending: a column part as its name (`"created_at" DESC`), an expression as written
   * (`lower(email)`), ` DESC` after a descending part. Absent: the parts are `columns`, ascending.
   */
  readonly expressions?: readonly string[];
}

export interface TableModel {
  readonly schema?: string;
  readonly name: string;
  readonly columns: readonly ColumnModel[];
  readonly primaryKey?: PrimaryKeyModel;
  readonly foreignKeys: readonly ForeignKeyModel[];
  readonly uniques: readonly UniqueModel[];
  readonly checks: readonly CheckModel[];
  readonly indexes: readonly IndexModel[];
  /** Model side only: names this table had before (`previousNames`), newest first. */
  readonly previousNames?: readonly string[];
}

/** A PostgreSQL enum type (`CREATE TYPE ... AS ENUM`), reflected; athanor's own enums are CHECKs. */
export interface EnumModel {
  readonly schema?: string;
  readonly name: string;
  readonly values: readonly string[];
}

export interface SchemaModel {
  /** Sorted by schema, then name; each table's constraint lists sorted by name. */
  readonly tables: readonly TableModel[];
  readonly enums: readonly EnumModel[];
}

/** `schema.name` or `name`: how tables are keyed when two models are compared. */
export function tableKey(table: { readonly schema?: string | undefined; readonly name: string }): string {
  return table.schema ? `${table.schema}.${table.name}` : table.name;
}
