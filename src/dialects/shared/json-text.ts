/**
 * JSON text read from the database, parsed only when JavaScript holds every number in it exactly.
 * `JSON.parse` rounds a number a double cannot hold (a 64-bit id `12345678901234567890` becomes
 * `12345678901234567000`) and gives `Infinity` for `1e400`: the document would read wrong, and an
 * object that changed any other part of it would write the rounded numbers back. Such a document
 * is refused with `DataError`, as a decimal a double would change is (values come back as written
 * or not at all).
 */
import { DataError } from "../../core/errors.js";

/** A run of 16 digits, or a 3-digit exponent: only then can a number be past a double's precision or range. */
const MAY_LOSE = /\d{16}|[eE][+-]?\d{3}/;

/** `JSON.parse(text)`, or `DataError` when a number in it would not read back as written. */
export function parseJsonExactly(text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if (MAY_LOSE.test(text)) checkNumbers(text);
  return value;
}

/** Each number token outside strings, compared digit for digit with the double it parses to. */
function checkNumbers(text: string): void {
  const token = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
  for (let match = token.exec(text); match !== null; match = token.exec(text)) {
    const literal = match[0];
    if (literal.charCodeAt(0) === 34 /* " */) continue;
    const parsed = Number(literal);
    if (!Number.isFinite(parsed) || decimalDigits(String(parsed)) !== decimalDigits(literal)) {
      throw new DataError(
        `A JSON document holds the number ${literal}, which a JavaScript number cannot hold exactly (it reads as ${parsed}): ` +
          `it is refused rather than read changed. Keep such numbers as strings in the document, or read the column as text ` +
          `(cast(column, types.text())).`,
        {},
        undefined,
      );
    }
  }
}

/**
 * A decimal number's value as `sign digits@exponent`, with no leading or trailing zeros: equal
 * for `1.0` and `1`, `1e21` and `1000000000000000000000`, and for -0 and 0.
 */
function decimalDigits(literal: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (match === null) return literal;
  const [, sign, whole, fraction = "", exponent = "0"] = match;
  let digits = whole! + fraction;
  let point = whole!.length + Number(exponent);
  const leading = digits.length - digits.replace(/^0+/, "").length;
  digits = digits.slice(leading).replace(/0+$/, "");
  point -= leading;
  return digits === "" ? "0" : `${sign}${digits}@${point}`;
}
