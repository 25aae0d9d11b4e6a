/**
 * The statements of SQL text as the server will run them: comments dropped, MySQL's executable
 * comments (`/*!40101 SET ... *\/`, mysqldump's) kept as the code they are, PostgreSQL's text split
 * at each `;` outside quotes. What the engine decides from SQL text (a transaction ended behind its back, a
 * session setting to reset) reads each statement's first words: read from the raw text, a comment
 * in front (`/* app:checkout *\/ SET ...`, `-- note`) or a second statement hid them.
 */
import type { DialectName } from "../core/compiler/dialect.js";

/** Nothing here can start a comment or end a statement: the text is one statement as written. */
const PLAIN = /^[^;#\-/]*$/;
const DOLLAR_TAG = /\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/y;
const EXECUTABLE_COMMENT = /\/\*M?!\d*/y;
/** A PostgreSQL function body in SQL (`BEGIN ATOMIC ... END`), whose statements end in `;`: read as one statement. */
const ATOMIC_BODY = /\bbegin\s+atomic\b/i;

/**
 * @internal Each statement of `sql`, trimmed, its comments replaced by a space (MySQL/MariaDB's
 * executable comments by their content). Errs towards seeing a statement: a mis-read comment or
 * quote could only make a check run on text that is not a statement's start.
 * `"/* tag *\/ SET search_path TO x; SELECT 1"` gives `["SET search_path TO x", "SELECT 1"]`.
 */
export function statementTexts(sql: string, dialect: DialectName): string[] {
  if (PLAIN.test(sql)) return [sql.trim()];
  const mysql = dialect === "mysql";
  // Only PostgreSQL runs text of several statements (as a script); MySQL/MariaDB and SQLite refuse
  // it unrun, and there a `;` may end a statement inside a trigger's or procedure's BEGIN ... END.
  const splits = dialect === "postgresql";
  const statements: string[] = [];
  let current = "";
  let executable = false; // inside a MySQL /*! ... */, whose text runs
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === "'" || c === '"' || c === "`") {
      // PostgreSQL reads a backslash as an escape only in E'...'; MySQL in every string.
      const escapes = mysql || (c === "'" && (sql[i - 1] === "e" || sql[i - 1] === "E") && !/[\w$]/.test(sql[i - 2] ?? ""));
      const end = quoteEnd(sql, i, escapes);
      current += sql.slice(i, end);
      i = end;
    } else if (c === "$" && !mysql && !/[\w$]/.test(sql[i - 1] ?? "")) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql)?.[0];
      const end = tag === undefined ? i + 1 : sql.indexOf(tag, i + tag.length);
      const stop = tag === undefined ? end : end < 0 ? sql.length : end + tag.length;
      current += sql.slice(i, stop);
      i = stop;
    } else if ((c === "-" && next === "-" && (!mysql || /^[\s]?$/.test(sql[i + 2] ?? ""))) || (c === "#" && mysql)) {
      const end = sql.indexOf("\n", i);
      current += " ";
      i = end < 0 ? sql.length : end + 1;
    } else if (c === "/" && next === "*") {
      EXECUTABLE_COMMENT.lastIndex = i;
      const opener = mysql ? EXECUTABLE_COMMENT.exec(sql)?.[0] : undefined;
      if (opener !== undefined) {
        executable = true;
        current += " ";
        i += opener.length;
      } else {
        i = blockCommentEnd(sql, i, !mysql);
        current += " ";
      }
    } else if (c === "*" && next === "/" && executable) {
      executable = false;
      current += " ";
      i += 2;
    } else if (c === ";" && splits && !ATOMIC_BODY.test(current)) {
      if (current.trim() !== "") statements.push(current.trim());
      current = "";
      i++;
    } else {
      current += c;
      i++;
    }
  }
  if (current.trim() !== "" || statements.length === 0) statements.push(current.trim());
  return statements;
}

/** Where the quoted text opened at `start` ends: a doubled quote stays inside, and a backslash escapes where `backslashes`. */
function quoteEnd(sql: string, start: number, backslashes: boolean): number {
  const quote = sql[start];
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "\\" && backslashes && quote !== "`") i += 2;
    else if (c === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else i++;
  }
  return sql.length;
}

/** Where the block comment opened at `start` ends; PostgreSQL's nest. */
function blockCommentEnd(sql: string, start: number, nests: boolean): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === "/" && sql[i + 1] === "*") {
      if (nests || depth === 0) depth++;
      i += 2;
    } else if (sql[i] === "*" && sql[i + 1] === "/") {
      i += 2;
      if (--depth === 0) return i;
    } else i++;
  }
  return sql.length;
}
