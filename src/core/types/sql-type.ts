/**
 * SQL column types. A type is a small frozen descriptor: what the column is called in DDL and how
 * values cross the driver boundary are decided per dialect, from `kind` and the parameters here.
 */

import { ArgumentError } from "../errors.js";

export type TypeKind =
  | "integer"
  | "bigint"
  | "string"
  | "text"
  | "boolean"
  | "float"
  | "numeric"
  | "date"
  | "datetime"
  | "json"
  | "uuid"
  | "enum"
  | "binary";

/** A column type: what DDL calls it and how values are converted; `T` is the JavaScript type read back. */
export interface SqlType<T = unknown> {
  readonly kind: TypeKind;
  /** `string(n)`: maximum length. */
  readonly length?: number;
  /**
   * `numeric(p, s)`: digits. `datetime({ precision })`: digits of a second's fraction the column
   * keeps (0-6; unset, 3: what a Date holds).
   */
  readonly precision?: number;
  readonly scale?: number;
  /** `datetime({ timezone: true })`. */
  readonly timezone?: boolean;
  /** `enumType([...])`: the allowed values. */
  readonly values?: readonly string[];
  /** `enumType([...], { name })`: the name used for the check constraint. */
  readonly enumName?: string;
  /** Phantom: the TypeScript type of a non-null value. Never set at run time. */
  readonly __value?: T;
}

/**
 * An exact decimal (`numeric`/`decimal` columns) as JavaScript holds it: the text of the number,
 * e.g. "12.50", on every database (no JavaScript number holds every decimal exactly). A string
 * literal of a number is one; a `string` variable needs checking first (`as Decimal` after it).
 */
export type Decimal = `${number}`;

export type ValueOf<S> = S extends SqlType<infer T> ? T : never;

/** A datetime precision as given: an integer from 0 to 6 (what PostgreSQL and MariaDB keep); 3 is the default, left unset. */
function fractionDigits(precision: number | undefined): { precision?: number } {
  if (precision === undefined || precision === 3) return {};
  if (!Number.isInteger(precision) || precision < 0 || precision > 6) {
    throw new ArgumentError(`datetime({ precision: ${String(precision)} }): the precision is the digits of a second's fraction, an integer from 0 to 6.`);
  }
  return { precision };
}

function sqlType<T>(kind: TypeKind, extra: Omit<SqlType<T>, "kind" | "__value"> = {}): SqlType<T> {
  return Object.freeze({ kind, ...extra }) as SqlType<T>;
}

/** The column types, for `columnOfType(type)` and `cast(expr, type)`; the builders (`integer()`...) are the usual way. */
export const types = {
  /** 32-bit integers. */
  integer: (): SqlType<number> => sqlType("integer"),
  /** 64-bit integers come back as `bigint` so that no precision is lost. */
  bigint: (): SqlType<bigint> => sqlType("bigint"),
  /** `VARCHAR(length)`. */
  string: (length?: number): SqlType<string> => sqlType("string", length === undefined ? {} : { length }),
  /** `TEXT` of any length. */
  text: (): SqlType<string> => sqlType("text"),
  /** Booleans. */
  boolean: (): SqlType<boolean> => sqlType("boolean"),
  /** Double-precision floating point. */
  float: (): SqlType<number> => sqlType("float"),
  /** Exact decimals come back as `Decimal` strings written with the column's scale ("12.50"), on every database. */
  numeric: (precision?: number, scale?: number): SqlType<Decimal> =>
    sqlType("numeric", { ...(precision === undefined ? {} : { precision }), ...(scale === undefined ? {} : { scale }) }),
  /** A calendar date as an ISO string, `YYYY-MM-DD`: JavaScript has no date-only type. */
  date: (): SqlType<string> => sqlType("date"),
  /**
   * A timestamp. Without a time zone the wall-clock value is read and written as UTC. `precision`:
   * the digits of a second's fraction the column keeps, 0 to 6 (unset: 3, a Date's milliseconds).
   */
  datetime: (options: { timezone?: boolean; precision?: number } = {}): SqlType<Date> =>
    sqlType("datetime", { timezone: options.timezone ?? false, ...fractionDigits(options.precision) }),
  /** JSON documents, typed as `T`. */
  json: <T = unknown>(): SqlType<T> => sqlType("json"),
  /** UUIDs, as strings. */
  uuid: (): SqlType<string> => sqlType("uuid"),
  /** One of the given strings. */
  enum: <const V extends readonly string[]>(values: V, options: { name?: string } = {}): SqlType<V[number]> =>
    sqlType("enum", { values: Object.freeze([...values]), ...(options.name ? { enumName: options.name } : {}) }),
  /** Bytes, as a `Uint8Array`. */
  binary: (length?: number): SqlType<Uint8Array> => sqlType("binary", length === undefined ? {} : { length }),
} as const;
