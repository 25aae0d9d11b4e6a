/**
 * MySQL / MariaDB reflection from `information_schema`: COLUMNS, TABLE_CONSTRAINTS with
 * KEY_COLUMN_USAGE and REFERENTIAL_CONSTRAINTS, CHECK_CONSTRAINTS and STATISTICS. Tables of the
 * current database carry no `schema`. MariaDB's JSON is LONGTEXT with a column's `json_valid`
 * check: read back as `json`, without the check.
 */
import { sortByName, sortTableModels } from "../../core/compiler/table-model.js";
import type { ReferentialAction } from "../../core/schema/column-builder.js";
import type { CheckModel, ColumnModel, IndexModel, SchemaModel, TableModel, UniqueModel } from "../../core/schema/schema-model.js";
import type { DriverConnection, ReflectOptions } from "../../engine/driver.js";
import { mysqlDatabaseName, mysqlDefault, mysqlTypeModel } from "./normalize.js";

type Row = Record<string, any>;

/** Reads the current database and those named in `options.schemas`. */
export async function reflectMySql(conn: DriverConnection, options: ReflectOptions): Promise<SchemaModel> {
  const exclude = new Set(options.exclude ?? []);
  const { rows: current } = await conn.execute("SELECT DATABASE() AS name", []);
  const defaultSchema = String(current[0]!.name);
  const schemas = [defaultSchema, ...(options.schemas ?? []).filter((s) => s !== defaultSchema)];
  const inList = schemas.map(() => "?").join(", ");
  const query = async (sql: string) => (await conn.execute(sql.replace("$SCHEMAS", inList), schemas)).rows.map(lowerKeys);

  const tables = (
    await query("SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ($SCHEMAS) AND table_type = 'BASE TABLE'")
  ).filter((t) => !exclude.has(t.table_name));
  const key = (r: Row) => `${r.table_schema}.${r.table_name}`;
  const group = (rows: Row[]) => {
    const map = new Map<string, Row[]>();
    for (const r of rows) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
    return (t: Row) => map.get(key(t)) ?? [];
  };
  const columnsOf = group(
    await query(
      "SELECT table_schema, table_name, column_name, column_type, is_nullable, column_default, extra, generation_expression FROM information_schema.columns " +
        "WHERE table_schema IN ($SCHEMAS) ORDER BY table_schema, table_name, ordinal_position",
    ),
  );
  const constraintsOf = group(
    await query(
      "SELECT tc.table_schema, tc.table_name, tc.constraint_name, tc.constraint_type, k.column_name, k.referenced_table_schema, " +
        "k.referenced_table_name, k.referenced_column_name, rc.delete_rule, rc.update_rule FROM information_schema.table_constraints tc " +
        "JOIN information_schema.key_column_usage k ON k.constraint_schema = tc.constraint_schema AND k.table_name = tc.table_name AND k.constraint_name = tc.constraint_name " +
        "LEFT JOIN information_schema.referential_constraints rc ON rc.constraint_schema = tc.constraint_schema AND rc.table_name = tc.table_name AND rc.constraint_name = tc.constraint_name " +
        "WHERE tc.table_schema IN ($SCHEMAS) AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') ORDER BY k.ordinal_position",
    ),
  );
  const checksOf = group(await checkRows(conn, schemas, inList));
  const indexesOf = group(
    await query(
      // `*`: MySQL 8 has an EXPRESSION column (functional key parts), MariaDB has none.
      "SELECT * FROM information_schema.statistics " +
        "WHERE table_schema IN ($SCHEMAS) ORDER BY seq_in_index",
    ),
  );

  const models: TableModel[] = tables.map((t) => {
    const name = String(t.table_name);
    const checkRowsHere = checksOf(t);
    const jsonColumns = new Set(checkRowsHere.map(jsonColumnOf).filter((c) => c !== undefined));
    const columns = columnsOf(t).map((c) => columnModel(c, jsonColumns));
    const constraints = constraintsOf(t);
    const byName = (type: string) => {
      const map = new Map<string, Row[]>();
      for (const r of constraints.filter((c) => c.constraint_type === type)) map.set(r.constraint_name, [...(map.get(r.constraint_name) ?? []), r]);
      return [...map.entries()];
    };
    const pk = byName("PRIMARY KEY")[0];
    // A unique index with a DESC or expression part is an index (as the models have it), not a unique constraint.
    const sorted = new Set(indexModels(indexesOf(t), new Set(["PRIMARY"])).filter((i) => i.expressions).map((i) => i.name));
    const uniques: UniqueModel[] = byName("UNIQUE").filter(([conname]) => !sorted.has(conname)).map(([conname, rows]) => {
      const cols = rows.map((r) => String(r.column_name));
      return { ...(mysqlDatabaseName("uq", name, conname, cols) ? {} : { name: conname }), columns: cols };
    });
    const fks = byName("FOREIGN KEY");
    const checks: CheckModel[] = checkRowsHere
      .filter((c) => jsonColumnOf(c) === undefined)
      .map((c) => ({ ...(mysqlDatabaseName("ck", name, String(c.constraint_name), []) ? {} : { name: String(c.constraint_name) }), sql: String(c.check_clause) }));
    const behind = new Set(["PRIMARY", ...constraints.map((c) => String(c.constraint_name)).filter((c) => !sorted.has(c))]);
    return {
      ...(t.table_schema === defaultSchema ? {} : { schema: String(t.table_schema) }),
      name,
      columns,
      ...(pk ? { primaryKey: { columns: pk[1].map((r) => String(r.column_name)) } } : {}),
      foreignKeys: sortByName(
        fks.map(([conname, rows]) => {
          const onDelete = action(rows[0]!.delete_rule);
          const onUpdate = action(rows[0]!.update_rule);
          const refSchema = String(rows[0]!.referenced_table_schema);
          return {
            name: conname,
            columns: rows.map((r) => String(r.column_name)),
            ...(refSchema === defaultSchema ? {} : { referredSchema: refSchema }),
            referredTable: String(rows[0]!.referenced_table_name),
            referredColumns: rows.map((r) => String(r.referenced_column_name)),
            ...(onDelete ? { onDelete } : {}),
            ...(onUpdate ? { onUpdate } : {}),
          };
        }),
      ),
      uniques: sortByName(uniques),
      checks: sortByName(checks),
      indexes: sortByName(indexModels(indexesOf(t), behind)),
    };
  });
  return { tables: sortTableModels(models), enums: [] };
}

/**
 * The column a check stands for as MariaDB's JSON alias: `json_valid(`col`)` declared with the
 * column (LEVEL `Column`), or, where MariaDB reports no level, named after it. RENAME COLUMN keeps
 * the check's old name (`j` for a column now `k`), so the level decides where there is one.
 */
function jsonColumnOf(check: Row): string | undefined {
  const m = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(String(check.check_clause).trim());
  if (!m) return undefined;
  const column = m[1]!.replace(/``/g, "`");
  const level = check.level === undefined ? undefined : String(check.level).toLowerCase();
  return level === "column" || (level === undefined && String(check.constraint_name) === column) ? column : undefined;
}

function columnModel(c: Row, jsonColumns: ReadonlySet<string>): ColumnModel {
  const name = String(c.column_name);
  const type = jsonColumns.has(name) && /^longtext$/i.test(String(c.column_type)) ? { kind: "json" as const } : mysqlTypeModel(String(c.column_type));
  // MariaDB reports an explicit or implied DEFAULT NULL as the text 'NULL'; MySQL as SQL NULL.
  // EXTRA is `STORED GENERATED` / `VIRTUAL GENERATED` for a generated column.
  const generated = /GENERATED/i.test(String(c.extra ?? "")) && !/DEFAULT_GENERATED/i.test(String(c.extra ?? ""));
  const raw = c.column_default === null || c.column_default === undefined || c.column_default === "NULL" ? undefined : String(c.column_default);
  return {
    name,
    type,
    nullable: c.is_nullable === "YES",
    ...(raw === undefined || generated ? {} : { serverDefault: mysqlDefault(mysqlDefaultText(raw, c), type) }),
    ...(generated ? { generated: { sql: String(c.generation_expression ?? ""), stored: /STORED|PERSISTENT/i.test(String(c.extra)) } } : {}),
    autoincrement: /auto_increment/i.test(String(c.extra ?? "")),
  };
}

/** MySQL 8 reports a string default unquoted (and an expression with DEFAULT_GENERATED); MariaDB quotes it. */
function mysqlDefaultText(raw: string, c: Row): string {
  const quotedKind = /char|text|enum|set|date|time|binary|blob/i.test(String(c.column_type));
  if (/DEFAULT_GENERATED/i.test(String(c.extra ?? ""))) return raw;
  if (quotedKind && !raw.startsWith("'") && !/^current_timestamp/i.test(raw)) return `'${raw.replace(/'/g, "''")}'`;
  return raw;
}

/**
 * The indexes of a table from STATISTICS (but those in `behind`), in key order. An index with an
 * expression part (MySQL 8) or a descending one (COLLATION `D`) lists every part in
 * `expressions`, a column part as its quoted name.
 */
function indexModels(rows: Row[], behind: ReadonlySet<string>): IndexModel[] {
  const map = new Map<string, Row[]>();
  for (const r of rows) if (!behind.has(String(r.index_name))) map.set(r.index_name, [...(map.get(r.index_name) ?? []), r]);
  return [...map.entries()].map(([name, parts]) => {
    parts.sort((a, b) => Number(a.seq_in_index) - Number(b.seq_in_index));
    const special = parts.some((p) => p.column_name === null || p.collation === "D");
    const text = (p: Row) => (p.column_name === null ? String(p.expression) : `\`${String(p.column_name).replace(/`/g, "``")}\``);
    return {
      name,
      columns: parts.filter((p) => p.column_name !== null).map((p) => String(p.column_name)),
      unique: Number(parts[0]!.non_unique) === 0,
      ...(special ? { expressions: parts.map((p) => `${text(p)}${p.collation === "D" ? " DESC" : ""}`) } : {}),
    };
  });
}

/** CHECK_CONSTRAINTS has a TABLE_NAME column on MariaDB; on MySQL 8 it is found through TABLE_CONSTRAINTS. */
async function checkRows(conn: DriverConnection, schemas: readonly string[], inList: string): Promise<Row[]> {
  try {
    const { rows } = await conn.execute(
      // `*`: MariaDB 10.5.10 and later report each check's LEVEL (column or table). TABLE_NAME named
      // so that MySQL 8, which has none, fails here and takes the other way.
      `SELECT *, constraint_schema AS table_schema FROM information_schema.check_constraints WHERE constraint_schema IN (${inList}) AND table_name IS NOT NULL`,
      schemas,
    );
    return rows.map(lowerKeys);
  } catch {
    const { rows } = await conn.execute(
      "SELECT tc.table_schema, tc.table_name, tc.constraint_name, cc.check_clause FROM information_schema.table_constraints tc " +
        "JOIN information_schema.check_constraints cc ON cc.constraint_schema = tc.constraint_schema AND cc.constraint_name = tc.constraint_name " +
        `WHERE tc.constraint_type = 'CHECK' AND tc.table_schema IN (${inList})`,
      schemas,
    );
    return rows.map(lowerKeys);
  }
}

function action(rule: unknown): ReferentialAction | undefined {
  const value = String(rule ?? "").toLowerCase();
  // RESTRICT is MySQL's NO ACTION, and what MariaDB reports for an unspecified action.
  return value === "" || value === "no action" || value === "restrict" ? undefined : (value as ReferentialAction);
}

/** information_schema's column names come upper case on MySQL 8, as aliased on MariaDB. */
function lowerKeys(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k.toLowerCase()] = v;
  return out;
}
