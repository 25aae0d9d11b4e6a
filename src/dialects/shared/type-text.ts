/** Helpers for reading type and default text back from a catalog, shared by the dialects' normalisers. */
import type { TypeModel } from "../../core/schema/schema-model.js";

/** `"NUMERIC(10, 2)"` → `"numeric(10,2)"`: lower case, single spaces, none around parentheses and commas. */
export function compactType(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ").replace(/\s*([(),])\s*/g, "$1");
}

/** Whether the text is a plain type name with optional numeric arguments (no `unsigned`, `[]`, ...). */
export function isPlainType(compact: string): boolean {
  return /^[a-z][a-z0-9 ]*(\([\d,]*\))?$/.test(compact);
}

/** The numbers in a type's parentheses, `"decimal(10,2)"` → `[10, 2]`. */
export function typeArgs(text: string): number[] {
  const inner = /\(([^)]*)\)/.exec(text)?.[1];
  return inner ? inner.split(",").map((n) => Number(n)) : [];
}

/** A `numeric` type model with the given precision and scale (either may be absent). */
export function numericModel(precision: number | undefined, scale: number | undefined): TypeModel {
  return { kind: "numeric", ...(precision === undefined ? {} : { precision }), ...(scale === undefined ? {} : { scale }) };
}

/** The values of a comma-separated list of single-quoted SQL strings, `'a','it''s'` → `["a", "it's"]`. */
export function stringLiterals(list: string, backslashEscapes = false): string[] {
  const values: string[] = [];
  const literal = backslashEscapes ? /'((?:[^'\\]|''|\\.)*)'/g : /'((?:[^']|'')*)'/g;
  for (const [, body] of list.matchAll(literal)) {
    let value = body!.replace(/''/g, "'");
    if (backslashEscapes) value = value.replace(/\\(.)/g, "$1");
    values.push(value);
  }
  return values;
}

/** Removes parentheses wrapped around the whole of `text`: `((a > 0))` → `a > 0`. */
export function unwrapParens(text: string): string {
  let s = text.trim();
  while (s.startsWith("(") && closingParen(s, 0) === s.length - 1) s = s.slice(1, -1).trim();
  return s;
}

/** The index of the parenthesis closing the one at `open`, skipping quoted text; -1 if none. */
export function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === "`") {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) return -1;
      i = end;
      // a doubled quote continues the same quoted text
      while (text[i + 1] === ch) i = text.indexOf(ch, i + 2) < 0 ? text.length : text.indexOf(ch, i + 2);
      continue;
    }
    if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i;
  }
  return -1;
}
