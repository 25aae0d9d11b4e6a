/**
 * Before a SQLite table rebuild runs: what the live table has that the rebuild would not carry
 * over. The rebuild creates the new table from the definition the migration history gives (the
 * planner knows no other), so a column added by an `execute` step or by hand would be dropped with
 * its values, and an index, key or check the history does not know would vanish. Reflection does
 * not describe a collation, AUTOINCREMENT (its counter), WITHOUT ROWID or STRICT: the table's
 * CREATE statement is read for those. A column's generated expression, default and NOT NULL are
 * reflected, and compared with the history's. Anything found refuses the rebuild, and the
 * migration's transaction rolls back.
 */
import { AthanorError } from "../../core/errors.js";
import { tableKey, type ColumnModel, type TableModel } from "../../core/schema/schema-model.js";
import type { Connection } from "../../engine/connection.js";
import type { EngineDialect } from "../../engine/driver.js";
import { canonicalGeneratedSql } from "../schema/canonical.js";

/** A SQLite table rebuild would lose part of the live table (listed): nothing was changed. */
export class RebuildWouldLoseError extends AthanorError {
  override name = "RebuildWouldLoseError";
  constructor(
    readonly table: string,
    readonly losses: readonly string[],
  ) {
    super(
      `Rebuilding SQLite table ${table} would lose ${losses.join("; ")}: the rebuild makes the table from the definition ` +
        `the migration history gives, which does not have ${losses.length > 1 ? "them" : "it"}, so the migration was rolled back. ` +
        `Capture the change in a migration first (a typed operation, not an execute: 'athanor migrate check' lists what the history lacks), ` +
        `or write this change of ${table} as execute steps that rebuild the table by hand.`,
    );
  }
}

/** Throws `RebuildWouldLoseError` when the live `expected.name` table has what `expected` lacks. */
export async function assertRebuildKeepsAll(connection: Connection, expected: TableModel): Promise<void> {
  const raw = { execute: (sql: string, params: readonly unknown[]) => connection.run(sql, params), release: () => undefined };
  const dialect = connection.dialect as EngineDialect;
  const schema = await dialect.reflect(raw, expected.schema ? { schemas: [expected.schema] } : {});
  const live = schema.tables.find((t) => tableKey(t) === tableKey(expected));
  if (!live) return; // the rebuild's own statements fail, naming the table
  const losses = [
    ...live.columns.filter((c) => !expected.columns.some((e) => e.name === c.name)).map((c) => `column ${c.name} and its values`),
    ...live.indexes.filter((i) => !expected.indexes.some((e) => e.name === i.name)).map((i) => `index ${i.name}`),
    ...live.uniques.filter((u) => !expected.uniques.some((e) => sameList(e.columns, u.columns))).map((u) => `unique (${u.columns.join(", ")})`),
    ...live.foreignKeys
      .filter((fk) => !expected.foreignKeys.some((e) => sameList(e.columns, fk.columns) && e.referredTable === fk.referredTable))
      .map((fk) => `foreign key (${fk.columns.join(", ")}) to ${fk.referredTable}`),
    ...(live.checks.length > expected.checks.length ? [`${live.checks.length - expected.checks.length} check constraint(s)`] : []),
    // Reflection reads generated columns: one the history knows as generated is made again by the rebuild.
    ...live.columns.filter((c) => c.generated && !expected.columns.find((e) => e.name === c.name)?.generated).map((c) => `the generated expression of column ${c.name}`),
    ...live.columns.flatMap((c) => columnLosses(c, expected)),
    ...unmodelled(await createSql(connection, expected)),
  ];
  if (losses.length) throw new RebuildWouldLoseError(tableKey(expected), losses);
}

/**
 * What the rebuild would change of a column both have: its generated expression (a STORED
 * column's values recomputed by another), its values (a plain column the history has generated),
 * a default the history does not give, a NOT NULL it lacks (a key column's is the key's). A
 * default or NOT NULL the history adds is a change, not a loss.
 */
function columnLosses(live: ColumnModel, expected: TableModel): string[] {
  const want = expected.columns.find((e) => e.name === live.name);
  if (!want) return [];
  const lost: string[] = [];
  const { generated } = live;
  if (generated && want.generated && (generated.stored !== want.generated.stored || canonicalGeneratedSql(generated.sql, "sqlite") !== canonicalGeneratedSql(want.generated.sql, "sqlite"))) {
    lost.push(`the generated expression of column ${live.name} (${generated.sql}${generated.stored ? " STORED" : ""}; the history has ${want.generated.sql}${want.generated.stored ? " STORED" : ""})`);
  }
  if (!generated && want.generated) lost.push(`the values of column ${live.name} (not generated; the history has it generated as ${want.generated.sql})`);
  if (!generated && live.serverDefault !== undefined && defaultText(live.serverDefault) !== defaultText(want.serverDefault)) {
    lost.push(`the default ${live.serverDefault} of column ${live.name} (the history has ${want.serverDefault ?? "none"})`);
  }
  if (!live.nullable && want.nullable && !expected.primaryKey?.columns.includes(live.name)) lost.push(`NOT NULL of column ${live.name}`);
  return lost;
}

/** A default's text in comparable form: SQLite reports `DEFAULT (1 + 2)` as `1 + 2`, TRUE as 1. */
function defaultText(sql: string | undefined): string | undefined {
  if (sql === undefined) return undefined;
  let text = sql.trim();
  while (/^\(.*\)$/s.test(text) && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  const upper = text.toUpperCase();
  return upper === "TRUE" ? "1" : upper === "FALSE" ? "0" : text;
}

/** Whether the parentheses of `text` pair up (outside string literals). */
function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text.replace(/'(?:[^']|'')*'/g, "''")) {
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

async function createSql(connection: Connection, table: TableModel): Promise<string> {
  const master = table.schema ? `"${table.schema.replace(/"/g, '""')}".sqlite_master` : "sqlite_master";
  const { rows } = await connection.run(`SELECT sql FROM ${master} WHERE type = 'table' AND name = ?`, [table.name]);
  return String((rows[0] as { sql?: unknown } | undefined)?.sql ?? "");
}

/** What a CREATE TABLE statement says that the rebuilt table would not (string literals and quoted names left out). */
function unmodelled(sql: string): string[] {
  const bare = sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\]/g, " ");
  const found: string[] = [];
  if (/\bCOLLATE\b/i.test(bare)) found.push("a column's COLLATE");
  if (/\bAUTOINCREMENT\b/i.test(bare)) found.push("AUTOINCREMENT (ids of deleted rows would be reused)");
  if (/\)\s*(WITHOUT\s+ROWID|STRICT)\b/i.test(bare)) found.push("the table option WITHOUT ROWID or STRICT");
  return found;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A query that finds a value the rebuilt table holds but its column's new type does not allow. */
export interface ValueCheck {
  readonly column: string;
  /** `string(3)`, `integer`: the new type, for the message. */
  readonly type: string;
  /** `SELECT ... AS v FROM table WHERE <the value does not fit> LIMIT 1`. */
  readonly sql: string;
}

/** A SQLite rebuild changed a column's type and a stored value does not fit it: rolled back. */
export class ValueDoesNotFitError extends AthanorError {
  override name = "ValueDoesNotFitError";
  constructor(
    readonly table: string,
    readonly column: string,
    readonly value: unknown,
    type: string,
  ) {
    super(
      `Column ${table}.${column} holds ${JSON.stringify(value)}, which ${type} does not allow (PostgreSQL and MariaDB refuse ` +
        `the same change), so the migration was rolled back: SQLite would keep the value as it is under a type that says otherwise. ` +
        `Convert or fix such values first (an execute step with an UPDATE before the change), or keep the old type.`,
    );
  }
}

/** Runs a rebuild's value checks on the rebuilt table; throws `ValueDoesNotFitError` at the first value found. */
export async function assertValuesFit(connection: Connection, table: TableModel, checks: readonly ValueCheck[]): Promise<void> {
  for (const check of checks) {
    const { rows } = await connection.run(check.sql);
    if (rows.length) throw new ValueDoesNotFitError(tableKey(table), check.column, (rows[0] as { v: unknown }).v, check.type);
  }
}
