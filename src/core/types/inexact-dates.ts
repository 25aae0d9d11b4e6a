/**
 * Timestamps a Date read them as, but cannot hold exactly: a TIMESTAMP or DATETIME(6) with
 * digits past the millisecond (`now()` writes microseconds), or SQLite text in a spelling that
 * athanor would bind otherwise (`2021-01-01T00:00:00Z`, `...00.000`, Unix seconds). The Date is
 * what the value rounds to; compared with the stored value (a WHERE of the unit of work, a key of
 * the identity map) it names another row, or none. The dialects record the stored text of such a
 * Date here as they read it; the ORM refuses one where it would name a row (orm/loading/exact-keys.ts).
 */

/** The stored text of each Date read inexactly, and the time it was read as; weak, so the Dates are collected as usual. */
const stored = new WeakMap<Date, { readonly text: string; readonly time: number }>();
/** Whether any Date was read inexactly: until then, asking costs no WeakMap lookup. */
let anyRead = false;

/** Records that `date` was read from the stored value `text`, which it does not hold exactly; returns the Date. */
export function readInexactly(date: Date, text: string): Date {
  anyRead = true;
  stored.set(date, { text, time: date.getTime() });
  return date;
}

/**
 * The stored text a value was read from, when it is a Date that does not hold that value exactly
 * (undefined otherwise): a WHERE naming the row with it, or an identity key made of it, names
 * another row.
 */
export function inexactText(value: unknown): string | undefined {
  return anyRead && value instanceof Date ? stored.get(value)?.text : undefined;
}

/**
 * A Date read inexactly and not changed since (`setTime()`...), as the UTC text of the value it was
 * read from (`2026-01-01 10:00:00.123456`, which every database takes), to bind in its place:
 * written back (an UPDATE or upsert of values read, a row copied) the Date would store the rounded
 * value over the microseconds, and compared (`at = ?`) it missed its own row. Undefined for any
 * other Date, which is bound as itself: one changed, or read inexactly for its spelling only
 * (SQLite's `...00.000`, `T...Z`), or outside years 0-9999.
 */
export function unchangedStoredText(date: Date): string | undefined {
  if (!anyRead) return undefined;
  const entry = stored.get(date);
  if (entry === undefined || entry.time !== date.getTime()) return undefined;
  const fraction = FRACTION.exec(entry.text)?.[1];
  if (fraction === undefined || fraction.length <= 3 || entry.text.charCodeAt(0) === 45 /* - */) return undefined;
  const iso = date.toISOString();
  // The Date's second and milliseconds must be the text's (it truncated, and its year has 4 digits).
  if (iso.length !== 24 || iso.slice(20, 23) !== fraction.slice(0, 3)) return undefined;
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${fraction}`;
}

/** The digits of a second's fraction in a timestamp's text (or Unix seconds'). */
const FRACTION = /\.(\d+)/;

/** `date`, read from the timestamp text `text`: recorded as inexact when the text has digits past the millisecond. */
export function readTimestamp(date: Date, text: string): Date {
  return hasDigitsPastMillisecond(text) ? readInexactly(date, text) : date;
}

/**
 * Whether the fraction of a timestamp's text has nonzero digits past the millisecond:
 * `2021-01-01 00:00:00.123456` (or with a zone after it) does, `...00.123000` does not.
 */
function hasDigitsPastMillisecond(text: string): boolean {
  const dot = text.indexOf(".", 19);
  if (dot < 0) return false;
  for (let i = dot + 4; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false; // the fraction ended (a zone, " BC")
    if (c !== 48) return true;
  }
  return false;
}
