/**
 * Dates and timestamps as SQLite writes them. SQLite has no date type: its functions
 * (`CURRENT_TIMESTAMP`, `datetime('now')`) and other programs store `YYYY-MM-DD HH:MM:SS` text in
 * UTC, and comparisons and ORDER BY compare that text character by character. Storing and binding
 * exactly that format is what makes `stamp >= ?` right for rows whoever wrote them.
 */

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
 * Unix time in seconds (what `unixepoch()` and `strftime('%s')` give).
 */
export function parseSqliteDatetime(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "number") return new Date(value * 1000);
  if (typeof value === "bigint") return new Date(Number(value) * 1000);
  const text = String(value);
  if (text.length === 10) return new Date(`${text}T00:00:00Z`);
  // Text without a zone is UTC (SQLite's functions work in UTC); Date would read it as local time.
  const iso = text.charCodeAt(10) === 32 /* space */ ? `${text.slice(0, 10)}T${text.slice(11)}` : text;
  return new Date(ZONE.test(text.slice(11)) ? iso : `${iso}Z`);
}

/** A stored calendar date as `YYYY-MM-DD`: the text itself, the date part of a timestamp's text, or the UTC day of Unix seconds. */
export function parseSqliteDate(value: unknown): string {
  if (typeof value === "string") return value.length === 10 ? value : value.slice(0, 10);
  return sqliteDateText(parseSqliteDatetime(value));
}
