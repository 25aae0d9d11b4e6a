/**
 * PostgreSQL reflection from `pg_catalog`: columns (`format_type`, `pg_get_expr` defaults,
 * identity), constraints (`pg_constraint`), indexes not behind a constraint (`pg_index`, with
 * `pg_get_indexdef` for expression parts and `pg_get_expr` for a partial index's WHERE), and
 * enum types (`pg_enum`). Tables of the current schema carry no `schema`.
 */
import { sortByName, sortTableModels } from "../../core/compiler/table-model.js";
import type { ReferentialAction } from "../../core/schema/column-builder.js";
import type { ColumnModel, EnumModel, IndexModel, SchemaModel, TableModel } from "../../core/schema/schema-model.js";
import type { DriverConnection, ReflectOptions } from "../../engine/driver.js";
import { unwrapParens } from "../shared/type-text.js";
import { postgresDatabaseName, postgresDefault, postgresTypeModel } from "./normalize.js";

type Row = Record<string, any>;

const ACTIONS: Readonly<Record<string, ReferentialAction | undefined>> = { a: undefined, r: "restrict", c: "cascade", n: "set null", d: "set default" };

/** Reads the current schema and those named in `options.schemas`. */
export async function reflectPostgres(conn: DriverConnection, options: ReflectOptions): Promise<SchemaModel> {
  const exclude = new Set(options.exclude ?? []);
  const { rows: current } = await conn.execute("SELECT current_schema() AS name", []);
  const defaultSchema = String(current[0]!.name);
  const schemas = [defaultSchema, ...(options.schemas ?? []).filter((s) => s !== defaultSchema)];
  const schemaOf = (nspname: string) => (nspname === defaultSchema ? {} : { schema: nspname });

  const { rows: tableRows } = await conn.execute(
    "SELECT c.oid, c.relname, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
      "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY($1) AND NOT c.relispartition ORDER BY n.nspname, c.relname",
    [schemas],
  );
  const tables = tableRows.filter((t) => !exclude.has(String(t.relname)));
  const oids = tables.map((t) => String(t.oid));
  const byTable = <T extends Row>(rows: T[]) => (oid: unknown) => rows.filter((r) => String(r.relid) === String(oid));

  const columnsOf = byTable(
    (
      await conn.execute(
        "SELECT a.attrelid AS relid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull, " +
          // attgenerated is PostgreSQL 12+: read through to_jsonb, so that older servers give NULL instead of an error.
          "a.attidentity, to_jsonb(a) ->> 'attgenerated' AS attgenerated, pg_get_expr(d.adbin, d.adrelid) AS default_sql FROM pg_attribute a " +
          "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum " +
          "WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum",
        [oids],
      )
    ).rows,
  );
  const constraintsOf = byTable(
    (
      await conn.execute(
        "SELECT con.conrelid AS relid, con.conname, con.contype, con.conkey, con.confkey, con.confdeltype, con.confupdtype, " +
          "rc.relname AS ref_table, rn.nspname AS ref_schema, pg_get_constraintdef(con.oid) AS def, " +
          "(SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(con.conkey) WITH ORDINALITY k(num, i) JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num) AS cols, " +
          "(SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(con.confkey) WITH ORDINALITY k(num, i) JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num) AS ref_cols " +
          "FROM pg_constraint con LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace " +
          "WHERE con.conrelid = ANY($1::oid[]) AND con.contype IN ('p', 'u', 'c', 'f')",
        [oids],
      )
    ).rows,
  );
  const indexesOf = byTable(
    (
      await conn.execute(
        "SELECT i.indrelid AS relid, ic.relname AS name, i.indisunique, i.indnkeyatts, i.indkey::int2[] AS indkey, i.indoption::int2[] AS indoption, " +
          "pg_get_expr(i.indpred, i.indrelid) AS predicate, " +
          "(SELECT array_agg(pg_get_indexdef(i.indexrelid, k, true) ORDER BY k) FROM generate_series(1, i.indnkeyatts) k) AS parts " +
          "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid " +
          "WHERE i.indrelid = ANY($1::oid[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))",
        [oids],
      )
    ).rows,
  );

  const models: TableModel[] = tables.map((t) => {
    const name = String(t.relname);
    const columns: ColumnModel[] = columnsOf(t.oid).map((c) => columnModel(c));
    const constraints = constraintsOf(t.oid);
    const dbName = (kind: "pk" | "uq" | "ck", conname: string, cols: readonly string[]) =>
      postgresDatabaseName(kind, name, conname, cols) ? {} : { name: conname };
    const pk = constraints.find((c) => c.contype === "p");
    return {
      ...schemaOf(String(t.nspname)),
      name,
      columns,
      ...(pk ? { primaryKey: { ...dbName("pk", String(pk.conname), names(pk.cols)), columns: names(pk.cols) } } : {}),
      foreignKeys: sortByName(
        constraints
          .filter((c) => c.contype === "f")
          .map((c) => {
            const onDelete = ACTIONS[String(c.confdeltype)];
            const onUpdate = ACTIONS[String(c.confupdtype)];
            return {
              name: String(c.conname),
              columns: names(c.cols),
              ...schemaOf(String(c.ref_schema)).schema === undefined ? {} : { referredSchema: String(c.ref_schema) },
              referredTable: String(c.ref_table),
              referredColumns: names(c.ref_cols),
              ...(onDelete ? { onDelete } : {}),
              ...(onUpdate ? { onUpdate } : {}),
            };
          }),
      ),
      uniques: sortByName(constraints.filter((c) => c.contype === "u").map((c) => ({ ...dbName("uq", String(c.conname), names(c.cols)), columns: names(c.cols) }))),
      checks: sortByName(constraints.filter((c) => c.contype === "c").map((c) => ({ ...dbName("ck", String(c.conname), columns.map((col) => col.name)), sql: checkCondition(String(c.def)) }))),
      indexes: sortByName(indexesOf(t.oid).map((i) => indexModel(i))),
    };
  });
  return { tables: sortTableModels(models), enums: await reflectEnums(conn, schemas, defaultSchema) };
}

function columnModel(c: Row): ColumnModel {
  const identity = c.attidentity === "a" || c.attidentity === "d";
  const defaultSql = c.default_sql === null || c.default_sql === undefined ? undefined : String(c.default_sql);
  // A SERIAL column's default is its sequence: generated, like an identity.
  const serial = defaultSql !== undefined && /^nextval\(/i.test(defaultSql);
  // A generated column's expression is kept where a default is ('s': stored, the only kind before 18).
  const generated = c.attgenerated === "s" || c.attgenerated === "v";
  return {
    name: String(c.attname),
    type: postgresTypeModel(String(c.type)),
    nullable: !c.attnotnull,
    ...(defaultSql === undefined || serial || generated ? {} : { serverDefault: postgresDefault(defaultSql) }),
    ...(generated ? { generated: { sql: defaultSql ?? "", stored: c.attgenerated === "s" } } : {}),
    autoincrement: identity || serial,
  };
}

/**
 * An index from pg_index: column parts by name; when a part is an expression or not in the default
 * order, every part in `expressions` (` DESC`, and a NULLS clause other than the order's default,
 * from `indoption`: bit 1 descending, bit 2 NULLS FIRST).
 */
function indexModel(i: Row): IndexModel {
  const parts: string[] = i.parts ?? [];
  const keys: number[] = (i.indkey ?? []).map(Number);
  const options: number[] = (i.indoption ?? []).map(Number);
  const columns: string[] = [];
  parts.forEach((part, k) => {
    if (keys[k] !== 0) columns.push(unquoteIdentifier(part));
  });
  const order = (k: number) => {
    const option = options[k] ?? 0;
    const descending = (option & 1) === 1;
    const nullsFirst = (option & 2) === 2;
    return `${descending ? " DESC" : ""}${nullsFirst !== descending ? (nullsFirst ? " NULLS FIRST" : " NULLS LAST") : ""}`;
  };
  const special = parts.some((_, k) => keys[k] === 0 || order(k) !== "");
  return {
    name: String(i.name),
    columns,
    unique: !!i.indisunique,
    ...(i.predicate === null || i.predicate === undefined ? {} : { where: String(i.predicate) }),
    ...(special ? { expressions: parts.map((part, k) => `${part}${order(k)}`) } : {}),
  };
}

async function reflectEnums(conn: DriverConnection, schemas: readonly string[], defaultSchema: string): Promise<EnumModel[]> {
  const { rows } = await conn.execute(
    "SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels FROM pg_type t " +
      "JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace " +
      "WHERE n.nspname = ANY($1) GROUP BY n.nspname, t.typname ORDER BY n.nspname = $2 DESC, n.nspname, t.typname",
    [schemas, defaultSchema],
  );
  return rows.map((r) => ({
    ...(r.nspname === defaultSchema ? {} : { schema: String(r.nspname) }),
    name: String(r.typname),
    values: names(r.labels),
  }));
}

/** `CHECK ((a > 0))` → `a > 0`: the condition without the keyword and its wrapping parentheses. */
function checkCondition(def: string): string {
  const body = def.replace(/^CHECK\s*/i, "").replace(/\s+NOT VALID$/i, "");
  return unwrapParens(body);
}

/** A `name[]` array as pg returns it (an array, or its text form `{a,b}`). */
function names(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.replace(/^\{|\}$/g, "").split(",").filter(Boolean).map((s) => s.replace(/^"|"$/g, ""));
  return [];
}

function unquoteIdentifier(text: string): string {
  return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}
