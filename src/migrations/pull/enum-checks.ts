/**
 * athanor's enums on PostgreSQL and SQLite are a `VARCHAR(n)` with a named CHECK `col IN (...)`
 * (MySQL has a native ENUM, reflected as such). Reading such a pair back as `enumType([...])`
 * gives the attribute its union type, and the model creates the same column and check again.
 */
import type { IdentifierLimit } from "../../core/compiler/identifier-limit.js";
import { fitGeneratedName } from "../../core/compiler/identifier-limit.js";
import type { CheckModel, TableModel, TypeModel } from "../../core/schema/schema-model.js";

/** A column read back as an enum, and the check that it replaces. */
export interface EnumColumn {
  readonly type: TypeModel;
  readonly check: CheckModel;
}

/**
 * The single-quoted literals of a list, each possibly cast as PostgreSQL writes them:
 * `'a', 'it''s'::character varying` → `["a", "it's"]`; undefined if the list holds anything else.
 */
function literalList(list: string): string[] | undefined {
  const item = /^\s*'((?:[^']|'')*)'(?:::[a-z ]+(?:\(\d+\))?)?\s*(,|$)/i;
  const values: string[] = [];
  let rest = list;
  while (rest.trim() !== "") {
    const match = item.exec(rest);
    if (!match) return undefined;
    values.push(match[1]!.replace(/''/g, "'"));
    rest = rest.slice(match[0].length);
    if (match[2] === "" && rest.trim() !== "") return undefined;
  }
  return values.length ? values : undefined;
}

const NAME = String.raw`\(*\s*["\x60]?([^"\x60\s()]+)["\x60]?\s*\)*(?:::[a-z ]+)?`;
/** `"col" IN ('a', 'b')`, as athanor writes it (and SQLite keeps it). */
const IN_LIST = new RegExp(String.raw`^\(*\s*${NAME}\s+IN\s*\((.*)\)\s*\)*$`, "is");
/** `((col)::text = ANY ((ARRAY['a'::character varying, ...])::text[]))`, as PostgreSQL rewrites it. */
const ANY_ARRAY = new RegExp(String.raw`^\(*\s*${NAME}\s*=\s*ANY\s*\(\s*\(?\s*ARRAY\s*\[(.*?)\]\s*\)?(?:::[a-z ]+\[\])?\s*\)\s*\)*$`, "is");

/** The column and values of a check that restricts one column to a list of strings. */
function inList(sql: string): { column: string; values: string[] } | undefined {
  const match = IN_LIST.exec(sql.trim()) ?? ANY_ARRAY.exec(sql.trim());
  const values = match ? literalList(match[2]!) : undefined;
  return match && values ? { column: match[1]!, values } : undefined;
}

/** The columns of `table` whose type and named check are an athanor enum's, by column name. */
export function enumColumns(table: TableModel, limit: IdentifierLimit | undefined): Map<string, EnumColumn> {
  const found = new Map<string, EnumColumn>();
  for (const check of table.checks) {
    if (check.name === undefined) continue;
    const parsed = inList(check.sql);
    const column = parsed && table.columns.find((c) => c.name === parsed.column);
    if (!parsed || !column || found.has(column.name) || column.type.kind !== "string") continue;
    const { values } = parsed;
    // The VARCHAR athanor makes for an enum is exactly as long as its longest value.
    if (column.type.length !== Math.max(1, ...values.map((v) => v.length))) continue;
    const generated = fitGeneratedName(`ck_${table.name}_${column.name}`, limit);
    found.set(column.name, { type: { kind: "enum", values, ...(check.name === generated ? {} : { enumName: check.name }) }, check });
  }
  return found;
}
