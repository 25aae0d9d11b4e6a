/**
 * What a migration's own SQL destroys, read from its text for the data-loss guard
 * (data-loss-guard.ts): `DROP TABLE`, `ALTER TABLE ... DROP [COLUMN]`, `TRUNCATE` and `DELETE`
 * without `WHERE`, in each dialect's quoting. A statement that may destroy rows in a way the text
 * does not show (a `DO` block or `CALL`, a `DELETE` in a `WITH`, `DROP SCHEMA`, an unknown first
 * word) is `unreadable`: the guard refuses it unconfirmed, as it cannot count what it loses.
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import type { TableRef } from "../operations/operation.js";

/** @internal One destructive statement of an `execute`, and what it destroys. */
export type SqlDrop =
  | { readonly kind: "dropTable" | "deleteRows"; readonly table: TableRef; readonly quoted: boolean; readonly statement: string }
  | { readonly kind: "dropColumn"; readonly table: TableRef; readonly quoted: boolean; readonly column: string; readonly columnQuoted: boolean; readonly statement: string }
  | { readonly kind: "unreadable"; readonly statement: string };

interface Token {
  /** A word or identifier as written (unquoted), or punctuation; strings and dollar-quoted bodies are `'`. */
  readonly text: string;
  readonly quoted: boolean;
  /** Lower case, for keywords (a quoted identifier is never a keyword). */
  readonly word: string;
}

/** Statements whose first word says they destroy no row (and run no code that could). */
const HARMLESS = new Set(
  ("select insert update replace create comment grant revoke set reset pragma analyze analyse vacuum optimize reindex cluster refresh " +
    "lock unlock begin start commit rollback end savepoint release notify listen unlisten explain show values rename checkpoint discard use flush copy deallocate detach")
    .split(" "),
);
/**
 * What, in a statement read as a whole (a `DO` block, a `WITH`), may destroy rows: a DELETE, a
 * TRUNCATE, dynamic SQL, a DROP of anything but objects that hold no rows.
 */
const DESTRUCTIVE =
  /\b(delete|truncate|execute)\b|\bdrop\s+(?!(index|constraint|view|trigger|function|procedure|sequence|type|default|not|extension|policy|rule|materialized|statistics|domain|collation|cast|aggregate|operator|role|user|server|publication|subscription)\b)/i;

/**
 * @internal The destructive statements of `sql` on `dialect` (see the file comment).
 * `backslashEscapes`: MySQL/MariaDB reads `\'` in a string as a quote (unless the session's
 * sql_mode has NO_BACKSLASH_ESCAPES, where a string ends at it).
 */
export function sqlDrops(sql: string, dialect: DialectName, backslashEscapes = dialect === "mysql"): SqlDrop[] {
  return statements(sql, dialect, backslashEscapes).flatMap(({ tokens, text }) => statementDrops(tokens, text));
}

function statementDrops(tokens: readonly Token[], text: string): SqlDrop[] {
  const unreadable: SqlDrop[] = [{ kind: "unreadable", statement: text }];
  const first = tokens[0]!;
  switch (first.quoted ? "" : first.word) {
    case "drop":
      return dropDrops(tokens, text);
    case "alter":
      return alterDrops(tokens, text);
    case "truncate": {
      let i = skip(tokens, 1, "table", "only");
      if (tokens.some((t) => t.word === "cascade" && !t.quoted) || at(tokens, i, "partition")) return unreadable;
      const tables: SqlDrop[] = [];
      while (i < tokens.length) {
        const name = tableName(tokens, i);
        if (!name) break;
        tables.push({ kind: "deleteRows", ...name.ref, statement: text });
        i = skip(tokens, name.next, "*");
        if (tokens[i]?.text !== ",") break;
        i++;
      }
      return tables.length ? tables : unreadable;
    }
    case "delete":
      return deleteDrops(tokens, text);
    case "do":
    case "with":
    case "merge":
      return DESTRUCTIVE.test(text) ? unreadable : [];
    default:
      return HARMLESS.has(first.word) && !first.quoted ? [] : unreadable;
  }
}

/** `DROP [TEMPORARY] TABLE [IF EXISTS] a, b [CASCADE]`; other objects hold no rows, but a schema or database does. */
function dropDrops(tokens: readonly Token[], text: string): SqlDrop[] {
  let i = skip(tokens, 1, "temporary", "temp");
  const object = tokens[i]?.word;
  if (object === "schema" || object === "database" || object === "owned" || object === "tablespace") return [{ kind: "unreadable", statement: text }];
  if (object !== "table") return [];
  i = skip(tokens, i + 1, "if", "exists");
  const drops: SqlDrop[] = [];
  for (let name = tableName(tokens, i); name; name = tokens[name.next]?.text === "," ? tableName(tokens, name.next + 1) : undefined) {
    drops.push({ kind: "dropTable", ...name.ref, statement: text });
  }
  return drops.length ? drops : [{ kind: "unreadable", statement: text }];
}

/** `ALTER [ONLINE] [IGNORE] TABLE [IF EXISTS] [ONLY] t action, ...`: each `DROP [COLUMN] [IF EXISTS] c`. */
function alterDrops(tokens: readonly Token[], text: string): SqlDrop[] {
  let i = skip(tokens, 1, "online", "ignore");
  if (!at(tokens, i, "table")) return [];
  const name = tableName(tokens, skip(tokens, i + 1, "if", "exists", "only"));
  if (!name) return [{ kind: "unreadable", statement: text }];
  i = skip(tokens, name.next, "*");
  const drops: SqlDrop[] = [];
  // Actions are separated by commas outside parentheses.
  for (let depth = 0, start = true; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.text === "(" && !t.quoted) depth++;
    else if (t.text === ")" && !t.quoted) depth--;
    else if (depth === 0 && t.text === "," && !t.quoted) {
      start = true;
      continue;
    }
    if (!start) continue;
    start = false;
    // MariaDB/MySQL: TRUNCATE PARTITION, DISCARD TABLESPACE empty the table in ways not counted here.
    if (at(tokens, i, "truncate") || at(tokens, i, "discard")) return [{ kind: "unreadable", statement: text }];
    if (!at(tokens, i, "drop")) continue;
    const kind = tokens[i + 1];
    if (!kind) break;
    if (!kind.quoted && ["constraint", "index", "key", "primary", "foreign", "check", "default", "period", "system", "expression", "identity", "not"].includes(kind.word)) continue;
    if (!kind.quoted && kind.word === "partition") return [{ kind: "unreadable", statement: text }];
    const c = tokens[skip(tokens, i + 1, "column", "if", "exists")];
    if (!c || (!c.quoted && !/^\w/.test(c.text))) return [{ kind: "unreadable", statement: text }];
    drops.push({ kind: "dropColumn", ...name.ref, column: c.text, columnQuoted: c.quoted, statement: text });
  }
  return drops;
}

/** `DELETE [modifiers] FROM [ONLY] t [[AS] alias] [LIMIT / ORDER BY / RETURNING ...]` without a WHERE: every row. */
function deleteDrops(tokens: readonly Token[], text: string): SqlDrop[] {
  let depth = 0;
  for (const t of tokens) {
    if (t.text === "(" || t.text === ")") depth += t.text === "(" ? 1 : -1;
    else if (depth === 0 && t.word === "where" && !t.quoted) return [];
  }
  const from = skip(tokens, 1, "low_priority", "quick", "ignore");
  if (!at(tokens, from, "from")) return [{ kind: "unreadable", statement: text }];
  const name = tableName(tokens, skip(tokens, from + 1, "only"));
  if (!name) return [{ kind: "unreadable", statement: text }];
  let i = skip(tokens, name.next, "*", "as");
  if (tokens[i] && !["limit", "order", "returning"].includes(tokens[i]!.word)) i++; // an alias
  const rest = tokens[i];
  // USING, a second table, a join: which rows go depends on the others.
  if (rest && (rest.quoted || !["limit", "order", "returning"].includes(rest.word))) return [{ kind: "unreadable", statement: text }];
  return [{ kind: "deleteRows", ...name.ref, statement: text }];
}

/** A possibly schema-qualified name at `i`. */
function tableName(tokens: readonly Token[], i: number): { ref: { table: TableRef; quoted: boolean }; next: number } | undefined {
  const isName = (t: Token | undefined) => t !== undefined && (t.quoted || /^[\w$]+$/.test(t.text));
  const a = tokens[i];
  if (!isName(a)) return undefined;
  if (tokens[i + 1]?.text === "." && !tokens[i + 1]!.quoted && isName(tokens[i + 2])) {
    const b = tokens[i + 2]!;
    return { ref: { table: { schema: a!.text, name: b.text }, quoted: b.quoted }, next: i + 3 };
  }
  return { ref: { table: { name: a!.text }, quoted: a!.quoted }, next: i + 1 };
}

function at(tokens: readonly Token[], i: number, word: string): boolean {
  const t = tokens[i];
  return t !== undefined && !t.quoted && t.word === word;
}

/** The index after the unquoted `words` (in any order) from `i`. */
function skip(tokens: readonly Token[], i: number, ...words: string[]): number {
  while (i < tokens.length && !tokens[i]!.quoted && words.includes(tokens[i]!.word)) i++;
  return i;
}

/** The statements of `sql`, tokenised: comments dropped, strings and dollar-quoted bodies opaque. */
function statements(sql: string, dialect: DialectName, backslashEscapes: boolean): { tokens: Token[]; text: string }[] {
  const out: { tokens: Token[]; text: string }[] = [];
  let tokens: Token[] = [];
  let begin = 0;
  const close = (end: number) => {
    if (tokens.length) out.push({ tokens, text: sql.slice(begin, end).trim().replace(/\s+/g, " ") });
    tokens = [];
  };
  const identifierQuotes = dialect === "mysql" ? "`" : dialect === "sqlite" ? '"`[' : '"';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) i++;
    else if (sql.startsWith("--", i) || (c === "#" && dialect === "mysql")) i = end(sql.indexOf("\n", i), sql.length);
    else if (sql.startsWith("/*", i)) i = end(sql.indexOf("*/", i + 2), sql.length - 2) + 2;
    else if (c === ";") {
      close(i);
      begin = ++i;
    } else if (identifierQuotes.includes(c)) {
      const q = c === "[" ? "]" : c;
      let j = i + 1;
      let name = "";
      for (; j < sql.length; j++) {
        if (sql[j] !== q) name += sql[j];
        else if (sql[j + 1] === q && q !== "]") name += sql[j++];
        else break;
      }
      if (!tokens.length) begin = i;
      tokens.push({ text: name, quoted: true, word: "" });
      i = j + 1;
    } else if (c === "'" || c === '"') {
      // A string (MySQL's "..." too): backslash escapes on MySQL (by its sql_mode), doubled quotes everywhere.
      let j = i + 1;
      for (; j < sql.length && sql[j] !== c; j++) if (sql[j] === "\\" && backslashEscapes) j++;
      while (sql[j + 1] === c) for (j += 2; j < sql.length && sql[j] !== c; j++) if (sql[j] === "\\" && backslashEscapes) j++;
      tokens.push({ text: "'", quoted: false, word: "'" });
      i = j + 1;
    } else {
      const dollar = dialect === "postgresql" ? /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64)) : null;
      if (dollar) {
        // A dollar-quoted body (DO, CREATE FUNCTION): its text counts for DESTRUCTIVE, not as tokens.
        i = end(sql.indexOf(dollar[0], i + dollar[0].length), sql.length) + dollar[0].length;
        tokens.push({ text: "'", quoted: false, word: "'" });
        continue;
      }
      const word = /^[\w$]+/.exec(sql.slice(i, i + 256));
      const text = word ? word[0] : c;
      if (!tokens.length) begin = i;
      tokens.push({ text, quoted: false, word: text.toLowerCase() });
      i += text.length;
    }
  }
  close(sql.length);
  return out;
}

function end(found: number, fallback: number): number {
  return found < 0 ? fallback : found;
}
