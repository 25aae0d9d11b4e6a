/**
 * Where a model and its reflection cannot be equal field by field, a canonical form that is:
 * PostgreSQL rewrites a CHECK's condition (`"rating" >= 0` comes back as
 * `rating >= (0)::double precision`, `"mood" IN ('a', 'b')` as
 * `(mood)::text = ANY ((ARRAY['a'::character varying, ...])::text[])`), so conditions are compared
 * in a form without quotes, casts, parentheses and case outside string literals. Everything else
 * is already normalised per dialect by `DdlCompiler.tableModel` and the dialect's reflector; the
 * differ compares `canonicalSchema` of both sides.
 */
import { isDeepStrictEqual } from "node:util";
import { dialectNameOf, type DialectRef } from "../dialect-ref.js";
import { sortByName } from "../../core/compiler/table-model.js";
import type { IndexModel, SchemaModel, TableModel, TypeModel } from "../../core/schema/schema-model.js";



/**
 * A CHECK condition in comparable form: identifiers unquoted, casts (`::text`) and parentheses
 * removed, `= ANY (ARRAY[...])` read as `IN (...)`, lower case and single spaces outside string
 * literals. Lossy on purpose: it only decides whether two texts mean the same condition.
 */
export function canonicalCheckSql(sql: string, _dialect: DialectRef): string {
  const pieces = sql.split(/('(?:[^']|'')*')/);
  const code = pieces
    .map((piece, i) => {
      if (i % 2 === 1) return piece; // a string literal, kept as it is
      return piece
        .replace(/::\s*"?(character varying|double precision|timestamp with(?:out)? time zone|[a-z_]\w*)"?(\([\d,\s]*\))?(\[\])?/gi, "")
        .replace(/["`]/g, "")
        .toLowerCase();
    })
    .join("");
  return code
    .replace(/=\s*any\s*\(*\s*array\s*\[([^\]]*)\]\s*\)*/gi, "in ($1)")
    .replace(/[()]/g, " ")
    .replace(/\s*,\s*/g, ", ")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A type in comparable form: a raw type's text compacted and in lower case; a timestamp that keeps
 * milliseconds or more without its precision. `datetime()` is TIMESTAMP(3) now, DATETIME(6) or
 * TIMESTAMP before: a column that keeps more digits is left as it is (narrowing it would cut
 * what it holds), one that keeps fewer (DATETIME(0)) is widened.
 */
export function canonicalType(type: TypeModel, _dialect: DialectRef): TypeModel {
  if (type.kind === "datetime" && type.precision !== undefined && type.precision >= 3) {
    const { precision: _kept, ...rest } = type;
    return rest;
  }
  if (type.kind !== "raw") return type;
  return { kind: "raw", sql: type.sql.trim().toLowerCase().replace(/\s+/g, " ").replace(/\s*([(),])\s*/g, "$1") };
}

/** Whether two column types are the same on `dialect`. */
export function sameType(a: TypeModel, b: TypeModel, dialect: DialectRef): boolean {
  return isDeepStrictEqual(canonicalType(a, dialect), canonicalType(b, dialect));
}

/**
 * A generated column's expression in comparable form: a check's (the databases rewrite it the same
 * ways: PostgreSQL adds casts and parentheses, MariaDB quotes names), with MariaDB's spellings of
 * `lower`/`upper` read as those. Another rewritten function still shows as a change.
 */
export function canonicalGeneratedSql(sql: string, dialect: DialectRef): string {
  return canonicalCheckSql(sql, dialect).replace(/\blcase\b/g, "lower").replace(/\bucase\b/g, "upper");
}

/**
 * An index's key part or WHERE in comparable form: a generated column's (`canonicalGeneratedSql`),
 * since the databases rewrite these texts the same ways (PostgreSQL's `lower((email)::text)` and
 * `(deleted_at IS NULL)` for the model's `lower("email")` and `"deleted_at" IS NULL`; SQLite quotes
 * a renamed column). A change of function, column, condition or order still shows.
 *
 * @internal
 */
export function canonicalIndexSql(sql: string, dialect: DialectRef): string {
  return canonicalGeneratedSql(sql, dialect);
}

/** An index with its parts and WHERE in comparable form (`canonicalIndexSql`). @internal */
export function canonicalIndex(index: IndexModel, dialect: DialectRef): IndexModel {
  return {
    ...index,
    ...(index.expressions ? { expressions: index.expressions.map((e) => canonicalIndexSql(e, dialect)) } : {}),
    ...(index.where !== undefined ? { where: canonicalIndexSql(index.where, dialect) } : {}),
  };
}

/** A table with its checks, generated expressions, index texts and raw types in canonical form, each list re-sorted. */
export function canonicalTable(table: TableModel, dialect: DialectRef): TableModel {
  return {
    ...table,
    columns: table.columns.map((c) => ({
      ...c,
      type: canonicalType(c.type, dialect),
      ...(c.generated ? { generated: { ...c.generated, sql: canonicalGeneratedSql(c.generated.sql, dialect) } } : {}),
    })),
    checks: sortByName(table.checks.map((c) => ({ ...c, sql: canonicalCheckSql(c.sql, dialect) }))),
    indexes: table.indexes.map((i) => canonicalIndex(i, dialect)),
  };
}

/**
 * The schema in the form the differ compares: `canonicalSchema(reflected, d)` deep-equals
 * `canonicalSchema(schemaModelOf(metadata, d), d)` after `metadata.createAll()` on `d`.
 */
export function canonicalSchema(schema: SchemaModel, dialect: DialectRef): SchemaModel {
  return { tables: schema.tables.map((t) => canonicalTable(t, dialectNameOf(dialect))), enums: schema.enums };
}

/**
 * The schema as two schemas are compared for drift: canonical, without the model-only rename
 * hints (a table's `previousNames`, a column's `renamedFrom`: they say how the schema came to be,
 * and reflection has none), and columns in name order (a column dropped by an up and added back
 * by its down comes last; no operation moves a column, so its position is not compared).
 */
export function comparableSchema(schema: SchemaModel, dialect: DialectRef): SchemaModel {
  const tables = schema.tables.map(({ previousNames: _names, ...table }) => ({
    ...table,
    columns: sortByName(table.columns.map(({ renamedFrom: _from, ...c }) => c)),
  }));
  return canonicalSchema({ ...schema, tables }, dialect);
}

/** Whether two schemas are the same on `dialect`, compared as `comparableSchema`. */
export function sameSchema(a: SchemaModel, b: SchemaModel, dialect: DialectRef): boolean {
  return isDeepStrictEqual(comparableSchema(a, dialect), comparableSchema(b, dialect));
}
