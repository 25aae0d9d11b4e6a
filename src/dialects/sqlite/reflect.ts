/**
 * SQLite reflection: `PRAGMA table_xinfo`, `foreign_key_list`, `index_list` and `index_xinfo`
 * for what SQLite reports, and the CREATE TABLE / CREATE INDEX text in `sqlite_master` for what
 * it keeps only there (constraint names, check conditions, index expressions and WHERE).
 */
import { sortByName, sortTableModels } from "../../core/compiler/table-model.js";
import type { ReferentialAction } from "../../core/schema/column-builder.js";
import type {
  CheckModel,
  ColumnModel,
  ForeignKeyModel,
  IndexModel,
  SchemaModel,
  TableModel,
  UniqueModel,
} from "../../core/schema/schema-model.js";
import type { DriverConnection, ReflectOptions } from "../../engine/driver.js";
import { closingParen } from "../shared/type-text.js";
import { sqliteDefault, sqliteTypeModel } from "./normalize.js";
import { declaredConstraints, declaredGenerated, indexParts, type DeclaredConstraint } from "./table-sql.js";

type Row = Record<string, any>;

/** Reads the `main` database and the attached ones named in `schemas`. */
export async function reflectSqlite(conn: DriverConnection, options: ReflectOptions): Promise<SchemaModel> {
  const exclude = new Set(options.exclude ?? []);
  const tables: TableModel[] = [];
  for (const schema of [undefined, ...(options.schemas ?? [])]) {
    const db = quote(schema ?? "main");
    const { rows } = await conn.execute(
      `SELECT name, sql FROM ${db}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
      [],
    );
    for (const row of rows) {
      if (exclude.has(String(row.name))) continue;
      tables.push(await reflectTable(conn, db, schema, String(row.name), String(row.sql ?? "")));
    }
  }
  return { tables: sortTableModels(tables), enums: [] };
}

async function reflectTable(conn: DriverConnection, db: string, schema: string | undefined, name: string, createSql: string): Promise<TableModel> {
  const pragma = async (what: string, arg: string) => (await conn.execute(`PRAGMA ${db}.${what}(${quoteString(arg)})`, [])).rows as Row[];
  const declared = declaredConstraints(createSql);
  const nameOf = (kind: DeclaredConstraint["kind"], columns: readonly string[]) =>
    declared.find((c) => c.kind === kind && c.name !== undefined && sameColumns(c.columns, columns))?.name;

  const info = (await pragma("table_xinfo", name)).filter((r) => Number(r.hidden) !== 1);
  // hidden 2: a virtual generated column, 3: a stored one; the expression is only in the CREATE TABLE text.
  const generated = info.some((r) => Number(r.hidden) >= 2) ? declaredGenerated(createSql) : undefined;
  const pkColumns = info.filter((r) => Number(r.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((r) => String(r.name));
  const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(createSql);
  const columns: ColumnModel[] = info.map((r) => {
    const rowidAlias = !withoutRowid && pkColumns.length === 1 && pkColumns[0] === r.name && String(r.type).toUpperCase() === "INTEGER";
    return {
      name: String(r.name),
      type: sqliteTypeModel(String(r.type ?? "")),
      nullable: !Number(r.notnull),
      ...(r.dflt_value === null || r.dflt_value === undefined ? {} : { serverDefault: sqliteDefault(String(r.dflt_value)) }),
      ...(Number(r.hidden) >= 2 ? { generated: { sql: generated?.get(String(r.name)) ?? "", stored: Number(r.hidden) === 3 } } : {}),
      autoincrement: rowidAlias,
    };
  });
  const pkName = nameOf("pk", pkColumns);

  const fkRows = await pragma("foreign_key_list", name);
  const foreignKeys: ForeignKeyModel[] = [];
  for (const id of [...new Set(fkRows.map((r) => Number(r.id)))]) {
    const rows = fkRows.filter((r) => Number(r.id) === id).sort((a, b) => Number(a.seq) - Number(b.seq));
    const cols = rows.map((r) => String(r.from));
    const referredTable = String(rows[0]!.table);
    let referredColumns = rows.map((r) => (r.to === null ? undefined : String(r.to)));
    if (referredColumns.some((c) => c === undefined)) referredColumns = await primaryKeyOf(pragma, referredTable);
    const onDelete = action(rows[0]!.on_delete);
    const onUpdate = action(rows[0]!.on_update);
    foreignKeys.push({
      name: nameOf("fk", cols) ?? "",
      columns: cols,
      referredTable,
      referredColumns: referredColumns as string[],
      ...(onDelete ? { onDelete } : {}),
      ...(onUpdate ? { onUpdate } : {}),
    });
  }

  const uniques: UniqueModel[] = [];
  const indexes: IndexModel[] = [];
  for (const ix of await pragma("index_list", name)) {
    const origin = String(ix.origin);
    if (origin === "pk") continue;
    const parts = (await pragma("index_xinfo", String(ix.name))).filter((r) => Number(r.key) === 1).sort((a, b) => Number(a.seqno) - Number(b.seqno));
    if (origin === "u") {
      const cols = parts.map((p) => String(p.name));
      const given = nameOf("uq", cols);
      uniques.push({ ...(given === undefined ? {} : { name: given }), columns: cols });
      continue;
    }
    indexes.push(await indexModel(conn, db, String(ix.name), !!Number(ix.unique), parts));
  }

  const checks: CheckModel[] = declared
    .filter((c) => c.kind === "ck")
    .map((c) => ({ ...(c.name === undefined ? {} : { name: c.name }), sql: c.sql! }));

  return {
    ...(schema ? { schema } : {}),
    name,
    columns,
    ...(pkColumns.length ? { primaryKey: { ...(pkName === undefined ? {} : { name: pkName }), columns: pkColumns } } : {}),
    foreignKeys: sortByName(foreignKeys),
    uniques: sortByName(uniques),
    checks: sortByName(checks),
    indexes: sortByName(indexes),
  };
}

/**
 * An index made by CREATE INDEX: column parts by name, WHERE from its SQL; when a part is an
 * expression (cid -2, its text from the SQL) or descending, every part in `expressions` (a column
 * part as its quoted name, ` DESC` after a descending one).
 */
async function indexModel(conn: DriverConnection, db: string, name: string, unique: boolean, parts: Row[]): Promise<IndexModel> {
  const { rows } = await conn.execute(`SELECT sql FROM ${db}.sqlite_master WHERE type = 'index' AND name = ?`, [name]);
  const parsed = indexParts(String(rows[0]?.sql ?? ""));
  const columns = parts.filter((p) => Number(p.cid) !== -2).map((p) => String(p.name));
  const special = parts.some((p) => Number(p.cid) === -2 || Number(p.desc) === 1);
  const text = (p: Row, i: number) => (Number(p.cid) === -2 ? expressionText(parsed.parts[i] ?? "") : quote(String(p.name)));
  return {
    name,
    columns,
    unique,
    ...(parsed.where === undefined ? {} : { where: parsed.where }),
    ...(special ? { expressions: parts.map((p, i) => `${text(p, i)}${Number(p.desc) === 1 ? " DESC" : ""}`) } : {}),
  };
}

/** An expression part as written, without its order (read from the index instead) and the parentheses around it all. */
function expressionText(part: string): string {
  const text = part.trim().replace(/\s+(ASC|DESC)$/i, "").trim();
  return text.startsWith("(") && closingParen(text, 0) === text.length - 1 ? text.slice(1, -1).trim() : text;
}

async function primaryKeyOf(pragma: (what: string, arg: string) => Promise<Row[]>, table: string): Promise<string[]> {
  const info = await pragma("table_info", table);
  return info.filter((r) => Number(r.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((r) => String(r.name));
}

function action(text: unknown): ReferentialAction | undefined {
  const value = String(text ?? "NO ACTION").toLowerCase();
  return value === "no action" ? undefined : (value as ReferentialAction);
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c.toLowerCase() === b[i]!.toLowerCase());
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
