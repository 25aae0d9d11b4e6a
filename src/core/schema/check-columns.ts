/**
 * The columns a CHECK condition's SQL text names, read without a parser: the text is cut into
 * string literals, quoted identifiers (`"a"`, `` `a` ``) and words. A word counts as a column
 * unless it calls a function (`lower(`), follows a cast (`::text`) or is an operator keyword
 * (`IN`, `AND`...): a column of such a name must be quoted, so unquoted it is the keyword.
 * Used to carry a column rename into the check texts of a schema model, where the databases
 * carry it into the constraint itself.
 */

/** Words that are SQL in a condition, never a column unquoted. */
const KEYWORDS = new Set(
  "and or not in is null true false between like ilike similar escape collate case when then else end as any all some array exists distinct from cast interval asc desc nulls"
    .split(" "),
);

/** A string literal, a quoted identifier, a cast (`::type`), a word; everything else is passed on. */
const TOKEN = /('(?:[^']|'')*')|("(?:[^"]|"")*"|`(?:[^`]|``)*`)|(::\s*(?:character varying|double precision|(?:timestamp|time) with(?:out)? time zone|[\w$]+))|(?<![\w$])([A-Za-z_][\w$]*)(?![\w$]|\s*\(|')/gi;

/** Each column reference in `sql`: its name (unquoted) and whether it was quoted, with the text's position. */
interface Reference {
  readonly name: string;
  readonly quote: '"' | "`" | undefined;
  readonly start: number;
  readonly end: number;
}

function referencesIn(sql: string): Reference[] {
  const found: Reference[] = [];
  for (const m of sql.matchAll(TOKEN)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[2] !== undefined && !/^\s*\(/.test(sql.slice(end))) {
      const quote = m[2][0] as '"' | "`";
      found.push({ name: m[2].slice(1, -1).replaceAll(quote + quote, quote), quote, start, end });
    } else if (m[4] !== undefined && !KEYWORDS.has(m[4].toLowerCase())) {
      found.push({ name: m[4], quote: undefined, start, end });
    }
  }
  return found;
}

/** Whether a reference names `column`: a quoted one exactly, an unquoted one in any case (as databases fold it). */
function names(ref: Reference, column: string): boolean {
  return ref.quote !== undefined ? ref.name === column : ref.name.toLowerCase() === column.toLowerCase();
}

/**
 * Whether the condition `sql` names `column`.
 *
 * @internal
 */
export function checkMentions(sql: string, column: string): boolean {
  return referencesIn(sql).some((ref) => names(ref, column));
}

/**
 * The condition `sql` with each reference to a renamed column (a key of `renames`, all renamed at
 * once) made to its new name, in the quotes it had: an unquoted one stays unquoted when the new
 * name is a plain lower-case word, and is quoted as the text quotes other names otherwise.
 * String literals and function names are left alone.
 *
 * @internal
 */
export function renameColumnsInCheck(sql: string, renames: ReadonlyMap<string, string>): string {
  const bareQuote = sql.includes("`") && !sql.includes('"') ? "`" : '"';
  const quoted = (name: string, quote: string) => `${quote}${name.replaceAll(quote, quote + quote)}${quote}`;
  let out = "";
  let at = 0;
  for (const ref of referencesIn(sql)) {
    const to = [...renames].find(([from]) => names(ref, from))?.[1];
    if (to === undefined) continue;
    const text = ref.quote !== undefined ? quoted(to, ref.quote) : /^[a-z_][a-z0-9_$]*$/.test(to) && !KEYWORDS.has(to) ? to : quoted(to, bareQuote);
    out += sql.slice(at, ref.start) + text;
    at = ref.end;
  }
  return out + sql.slice(at);
}
