/**
 * Whether a SQLite trigger still compiles. SQLite creates a trigger without resolving the names in
 * its body, its WHEN clause or its UPDATE OF list: it resolves them when it compiles a statement
 * that fires the trigger. So a trigger on a column a table rebuild dropped was recreated broken, the
 * migration succeeded, and every later INSERT (or UPDATE, DELETE) on the table failed. EXPLAIN of a
 * statement of the trigger's event compiles the trigger, and runs nothing.
 */
import type { Connection } from "../../engine/connection.js";

/** The event a trigger fires on, read from its CREATE TRIGGER statement. */
export interface TriggerEvent {
  readonly kind: "INSERT" | "DELETE" | "UPDATE";
  /** UPDATE OF's columns; empty when the trigger fires on any update. */
  readonly of: readonly string[];
}

// Comments and string literals (skipped), quoted names (kept unquoted), words, single characters.
const TOKEN = /--[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^']|'')*'|"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|\[([^\]]*)\]|([A-Za-z_][\w$]*)|(\S)/g;

/** The event of `sql` (a CREATE TRIGGER statement), or undefined when it cannot be read. */
export function triggerEvent(sql: string): TriggerEvent | undefined {
  const tokens: { word?: string; name: string }[] = [];
  for (const m of sql.matchAll(TOKEN)) {
    const quoted = m[1]?.replace(/""/g, '"') ?? m[2]?.replace(/``/g, "`") ?? m[3];
    if (quoted !== undefined) tokens.push({ name: quoted });
    else if (m[4] !== undefined) tokens.push({ word: m[4].toUpperCase(), name: m[4] });
    else if (m[5] !== undefined) tokens.push({ word: m[5], name: m[5] });
  }
  const at = tokens.findIndex((t) => t.word === "INSERT" || t.word === "DELETE" || t.word === "UPDATE");
  if (at < 0) return undefined;
  const kind = tokens[at]!.word as TriggerEvent["kind"];
  const of: string[] = [];
  if (kind === "UPDATE" && tokens[at + 1]?.word === "OF") {
    for (const t of tokens.slice(at + 2)) {
      if (t.word === "ON") break;
      if (t.word !== ",") of.push(t.name);
    }
  }
  return { kind, of };
}

/**
 * Why `trigger` (on `table`, in the schema `prefix` names) does not compile, or undefined when it
 * does. Compiling a statement compiles every trigger of its event on the table, so a failure may
 * come from another trigger there: compare with the same probe before the change.
 */
export async function triggerFailure(connection: Connection, prefix: string, trigger: { table: string; sql: string }): Promise<string | undefined> {
  const event = triggerEvent(trigger.sql);
  if (!event) return undefined;
  const table = `${prefix}${quote(trigger.table)}`;
  let statements: string[];
  if (event.kind === "INSERT") statements = [`INSERT INTO ${table} DEFAULT VALUES`];
  else if (event.kind === "DELETE") statements = [`DELETE FROM ${table}`];
  else if (event.of.length) statements = event.of.map((c) => `UPDATE ${table} SET ${quote(c)} = ${quote(c)}`);
  else {
    // Any column fires an update trigger without OF; a generated one cannot be SET.
    const { rows } = await connection.run(`PRAGMA ${prefix}table_xinfo(${quote(trigger.table)})`);
    const column = (rows as { name: string; hidden: number }[]).find((c) => Number(c.hidden) === 0);
    if (!column) return undefined;
    statements = [`UPDATE ${table} SET ${quote(column.name)} = ${quote(column.name)}`];
  }
  for (const statement of statements) {
    try {
      await connection.run(`EXPLAIN ${statement}`);
    } catch (error) {
      return (error as Error).message;
    }
  }
  return undefined;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
