/**
 * Reads what SQLite keeps only in a table's CREATE TABLE text: constraint names and the
 * conditions of CHECK constraints (its pragmas report neither), and the parts and WHERE of a
 * CREATE INDEX (expression parts have no column to report).
 */
import { closingParen } from "../shared/type-text.js";

/** A constraint as declared in CREATE TABLE, at column or table level. */
export interface DeclaredConstraint {
  readonly kind: "pk" | "uq" | "ck" | "fk";
  readonly name?: string;
  /** Constrained columns (pk, uq, fk); empty for a check. */
  readonly columns: readonly string[];
  /** A check's condition, as written. */
  readonly sql?: string;
}

type Token = { readonly kind: "word" | "name" | "group" | "string" | "other"; readonly text: string };

/** The constraints declared in a CREATE TABLE statement, in order. */
export function declaredConstraints(createTable: string): DeclaredConstraint[] {
  const open = createTable.indexOf("(");
  const close = open < 0 ? -1 : closingParen(createTable, open);
  if (close < 0) return [];
  const found: DeclaredConstraint[] = [];
  for (const part of splitTopLevel(createTable.slice(open + 1, close))) {
    const tokens = tokenize(part);
    const first = tokens[0];
    if (!first) continue;
    const tableLevel = first.kind === "word" && /^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)$/i.test(first.text);
    const column = tableLevel ? undefined : identifier(first);
    let name: string | undefined;
    for (let i = tableLevel ? 0 : 1; i < tokens.length; i++) {
      const word = tokens[i]!.kind === "word" ? tokens[i]!.text.toUpperCase() : "";
      const next = tokens[i + 1];
      const withName = (c: Omit<DeclaredConstraint, "name">) => {
        found.push(name === undefined ? c : { ...c, name });
        name = undefined;
      };
      if (word === "CONSTRAINT" && next) {
        name = identifier(next);
        i++;
      } else if (word === "CHECK" && next?.kind === "group") {
        withName({ kind: "ck", columns: [], sql: next.text.slice(1, -1).trim() });
        i++;
      } else if (word === "PRIMARY" || word === "UNIQUE") {
        const group = tokens.slice(i + 1, i + 3).find((t) => t.kind === "group");
        withName({ kind: word === "PRIMARY" ? "pk" : "uq", columns: column !== undefined ? [column] : columnList(group?.text ?? "()") });
      } else if (word === "FOREIGN" && tokens[i + 2]?.kind === "group") {
        withName({ kind: "fk", columns: columnList(tokens[i + 2]!.text) });
        i += 2;
      } else if (word === "REFERENCES" && column !== undefined) {
        withName({ kind: "fk", columns: [column] });
      }
    }
  }
  return found;
}

/** The generated columns' expressions (`[GENERATED ALWAYS] AS (expr)`) in a CREATE TABLE statement, by column name. */
export function declaredGenerated(createTable: string): Map<string, string> {
  const open = createTable.indexOf("(");
  const close = open < 0 ? -1 : closingParen(createTable, open);
  const found = new Map<string, string>();
  if (close < 0) return found;
  for (const part of splitTopLevel(createTable.slice(open + 1, close))) {
    const tokens = tokenize(part);
    const first = tokens[0];
    if (!first || (first.kind === "word" && /^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN)$/i.test(first.text))) continue;
    const as = tokens.findIndex((t, i) => i > 0 && t.kind === "word" && t.text.toUpperCase() === "AS" && tokens[i + 1]?.kind === "group");
    if (as > 0) found.set(identifier(first), tokens[as + 1]!.text.slice(1, -1).trim());
  }
  return found;
}

/** A CREATE INDEX statement's parts (column or expression text, in order) and WHERE condition. */
export function indexParts(createIndex: string): { parts: string[]; where: string | undefined } {
  const open = createIndex.indexOf("(");
  const close = open < 0 ? -1 : closingParen(createIndex, open);
  if (close < 0) return { parts: [], where: undefined };
  const parts = splitTopLevel(createIndex.slice(open + 1, close)).map((p) => p.trim());
  const rest = createIndex.slice(close + 1).trim();
  const where = /^WHERE\s+([\s\S]*)$/i.exec(rest)?.[1]?.trim();
  return { parts, where };
}

/** Splits at commas outside parentheses and quotes. */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "'" || ch === '"' || ch === "`" || ch === "[") i = quoteEnd(text, i);
    else if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.filter((p) => p.trim() !== "");
}

function quoteEnd(text: string, open: number): number {
  const closeChar = text[open] === "[" ? "]" : text[open]!;
  let i = open + 1;
  for (;;) {
    const end = text.indexOf(closeChar, i);
    if (end < 0) return text.length;
    if (closeChar !== "]" && text[end + 1] === closeChar) {
      i = end + 2;
      continue;
    }
    return end;
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; ) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "`" || ch === "[" || ch === "'") {
      const end = quoteEnd(text, i);
      tokens.push({ kind: ch === "'" ? "string" : "name", text: text.slice(i, end + 1) });
      i = end + 1;
    } else if (ch === "(") {
      const end = closingParen(text, i);
      const stop = end < 0 ? text.length - 1 : end;
      tokens.push({ kind: "group", text: text.slice(i, stop + 1) });
      i = stop + 1;
    } else if (/[\w$]/.test(ch)) {
      const word = /^[\w$]+/.exec(text.slice(i))![0];
      tokens.push({ kind: "word", text: word });
      i += word.length;
    } else {
      tokens.push({ kind: "other", text: ch });
      i++;
    }
  }
  return tokens;
}

/** An identifier token's name, unquoted. */
function identifier(token: Token): string {
  const open = token.text[0]!;
  if (open === "[") return token.text.slice(1, -1);
  if (open === '"' || open === "`" || open === "'") return token.text.slice(1, -1).split(open + open).join(open);
  return token.text;
}

/** `("a", b)` → `["a", "b"]` (a column's COLLATE or ASC/DESC is dropped). */
function columnList(group: string): string[] {
  return splitTopLevel(group.slice(1, -1)).map((part) => {
    const first = tokenize(part)[0];
    return first ? identifier(first) : "";
  });
}
