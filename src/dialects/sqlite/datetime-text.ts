/**
 * Dates and timestamps as SQLite writes them. SQLite has no date type: its functions
 * (`CURRENT_TIMESTAMP`, `datetime('now')`) and other programs store `YYYY-MM-DD HH:MM:SS` text in
 * UTC, and comparisons and ORDER BY compare that text character by character. Storing and binding
 * exactly that format is what makes `stamp >= ?` right for rows whoever wrote them.
 */

import { readInexactly } from "../../core/types/inexact-dates.js";

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

function padYear(year: number): string {
  return year >= 0 && year <= 9999 ? `${year}`.padStart(4, "0") : `${year}`;
}

/**
 * `YYYY-MM-DD HH:MM:SS`, with `.SSS` only when there are milliseconds: SQLite's own
 * `2021-01-01 00:00:00` must compare equal to the same instant bound from JavaScript, and
 * `...00.000` would sort after it.
 */
export function sqliteDatetimeText(date: Date): string {
  const ms = date.getUTCMilliseconds();
  const text =
    `${padYear(date.getUTCFullYear())}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ` +
    `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
  return ms === 0 ? text : `${text}.${`${ms}`.padStart(3, "0")}`;
}

/** `YYYY-MM-DD` of a Date's UTC day. */
export function sqliteDateText(date: Date): string {
  return `${padYear(date.getUTCFullYear())}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())}`;
}

/** A time zone at the end of the time part: `Z` or `±HH`, `±HHMM`, `±HH:MM`. */
const ZONE = /(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/;

/**
 * A stored timestamp as a Date. Accepts SQLite's format (`2021-01-01 00:00:00[.SSS]`, UTC),
 * ISO-8601 text (`2021-01-01T00:00:00.000Z`, or with an offset), a date alone (midnight UTC), and
 * Unix time in seconds (what `unixepoch()` and `strftime('%s')` give). A value that the Date,
 * bound again, would not be written as (another spelling, digits past the millisecond, a number)
 * is recorded as read inexactly: a WHERE comparing the text with athanor's misses the row.
 */
export function parseSqliteDatetime(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "number" || typeof value === "bigint") return readInexactly(new Date(Number(value) * 1000), String(value));
  const text = String(value);
  if ((text.length === 19 || text.length === 23) && text.charCodeAt(10) === 32) {
    const fast = sqliteFormat(text);
    // `...00.000`: athanor writes the same instant without its fraction.
    if (fast !== undefined) return text.length === 23 && fast.getUTCMilliseconds() === 0 ? readInexactly(fast, text) : fast;
  }
  const date = otherSpelling(text);
  return Number.isNaN(date.getTime()) || sqliteDatetimeText(date) === text ? date : readInexactly(date, text);
}

/** A timestamp's text in a spelling other than athanor's own, as a Date. */
function otherSpelling(text: string): Date {
  if (text.length === 10) return new Date(`${text}T00:00:00Z`);
  // Text without a zone is UTC (SQLite's functions work in UTC); Date would read it as local time.
  const iso = text.charCodeAt(10) === 32 /* space */ ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
  return new Date(ZONE.test(text.slice(11)) ? iso : `${iso}Z`);
}

/** `YYYY-MM-DD HH:MM:SS[.SSS]` read digit by digit: the format athanor and SQLite write, read on every row. */
function sqliteFormat(text: string): Date | undefined {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = text.length === 23 ? digits(text, 20, 3) : 0;
  // Years 0-99 (Date.UTC maps them to 1900-1999), out-of-range fields (it would roll them over)
  // and anything not digits take the general path, which keeps them or gives an Invalid Date.
  if (!(year >= 100 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && minute < 60 && second < 60 && ms >= 0)) return undefined;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
}

function digits(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    value = value * 10 + d;
  }
  return value;
}

/** A stored calendar date as `YYYY-MM-DD`: the text itself, the date part of a timestamp's text, or the UTC day of Unix seconds. */
export function parseSqliteDate(value: unknown): string {
  if (typeof value === "string") return value.length === 10 ? value : value.slice(0, 10);
  return sqliteDateText(parseSqliteDatetime(value));
}
