/**
 * How long a name may be on a database, and how names athanor generates (`fk_<table>_<columns>_
 * <target>`, `ix_...`, `ck_...`) are made to fit: as SQLAlchemy does, a name over the limit is cut
 * and ends with a hash of the whole name, so it is the same on every run and two long names that
 * differ only at their end still differ. PostgreSQL would cut silently (and then refuse the second
 * of two names that now coincide); MySQL refuses the statement.
 */
import { IdentifierTooLongError } from "../errors.js";

export interface IdentifierLimit {
  /** The database, for messages. */
  readonly database: string;
  readonly max: number;
  /** PostgreSQL counts UTF-8 bytes, MySQL characters. */
  readonly unit: "bytes" | "characters";
}

/** `_` and 8 hex digits. */
const SUFFIX_LENGTH = 9;

/** A generated name, shortened to fit the limit when it is longer. */
export function fitGeneratedName(name: string, limit: IdentifierLimit | undefined): string {
  if (!limit || identifierLength(name, limit) <= limit.max) return name;
  return `${prefixWithin(name, limit.max - SUFFIX_LENGTH, limit.unit)}_${hash(name)}`;
}

/** A name the user gave: used as it is, or refused when the database could not hold it. */
export function checkGivenName(name: string, what: string, limit: IdentifierLimit | undefined): string {
  if (!limit) return name;
  const length = identifierLength(name, limit);
  if (length <= limit.max) return name;
  throw new IdentifierTooLongError(
    `The name '${name}' (${what}) is ${length} ${limit.unit} long; ${limit.database} allows at most ${limit.max}. ` +
      `Give it a name of at most ${limit.max} ${limit.unit}.`,
  );
}

export function identifierLength(name: string, limit: IdentifierLimit): number {
  let length = 0;
  for (const char of name) length += limit.unit === "bytes" ? utf8Length(char) : 1;
  return length;
}

/** The longest prefix of whole characters within `max` units. */
function prefixWithin(name: string, max: number, unit: IdentifierLimit["unit"]): string {
  let used = 0;
  let end = 0;
  for (const char of name) {
    used += unit === "bytes" ? utf8Length(char) : 1;
    if (used > max) break;
    end += char.length;
  }
  return name.slice(0, end);
}

function utf8Length(char: string): number {
  const code = char.codePointAt(0)!;
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
}

/** 32-bit FNV-1a over the UTF-16 code units, as 8 hex digits: stable across runs and platforms. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}
