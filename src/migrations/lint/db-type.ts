/**
 * A column type as the database stores it (`varchar(20)`, `numeric(10,2)`), computed from a
 * TypeModel per dialect the way the dialect compilers write it, or parsed from reflected text, so
 * that the type rules compare what the server compares.
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import type { TypeModel } from "../../core/schema/schema-model.js";

/** A database type: lower-case base name and its parameters. */
export interface DbType {
  readonly name: string;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  /** ENUM values (MariaDB). */
  readonly values?: readonly string[];
}

/** The database type a TypeModel stands for on `dialect` (mirrors the dialects' `typeName`). */
export function dbType(type: TypeModel, dialect: DialectName): DbType {
  if (type.kind === "raw") return parseDbType(type.sql, dialect);
  return dialect === "mysql" ? mysqlType(type) : dialect === "postgresql" ? pgType(type) : { name: type.kind };
}

type Known = Exclude<TypeModel, { kind: "raw" }>;

function pgType(type: Known): DbType {
  switch (type.kind) {
    case "string":
      return type.length ? { name: "varchar", length: type.length } : { name: "varchar" };
    case "enum":
      return { name: "varchar", length: Math.max(1, ...(type.values ?? []).map((v) => v.length)) };
    case "numeric":
      return type.precision ? { name: "numeric", precision: type.precision, scale: type.scale ?? 0 } : { name: "numeric" };
    case "datetime":
      return { name: type.timezone ? "timestamptz" : "timestamp", precision: type.precision ?? 3 };
    case "integer":
      return { name: "int4" };
    case "bigint":
      return { name: "int8" };
    case "float":
      return { name: "float8" };
    case "boolean":
      return { name: "bool" };
    case "json":
      return { name: "jsonb" };
    case "binary":
      return { name: "bytea" };
    default:
      return { name: type.kind };
  }
}

function mysqlType(type: Known): DbType {
  switch (type.kind) {
    case "string":
      return { name: "varchar", length: type.length ?? 255 };
    case "enum":
      return { name: "enum", values: type.values ?? [] };
    case "text":
      return { name: "longtext" };
    case "numeric":
      return { name: "decimal", precision: type.precision ?? 38, scale: type.scale ?? (type.precision ? 0 : 10) };
    case "datetime":
      return { name: "datetime", precision: type.precision ?? 3 };
    case "uuid":
      return { name: "char", length: 36 };
    case "binary":
      return type.length ? { name: "varbinary", length: type.length } : { name: "longblob" };
    case "integer":
      return { name: "int" };
    case "bigint":
      return { name: "bigint" };
    case "float":
      return { name: "double" };
    case "boolean":
      return { name: "tinyint", length: 1 };
    default:
      return { name: type.kind };
  }
}

/** Spellings that name the same type. */
const ALIASES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  postgresql: {
    "character varying": "varchar",
    character: "bpchar",
    char: "bpchar",
    integer: "int4",
    int: "int4",
    bigint: "int8",
    smallint: "int2",
    "double precision": "float8",
    real: "float4",
    boolean: "bool",
    decimal: "numeric",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz",
  },
  mysql: { integer: "int", bool: "tinyint", boolean: "tinyint", dec: "decimal", numeric: "decimal" },
  sqlite: {},
};

/** Parses reflected type text such as `character varying(20)`, `decimal(10,2)` or `enum('a','b')`. */
export function parseDbType(sql: string, dialect: DialectName): DbType {
  const match = /^\s*([a-z][a-z0-9_ ]*?)\s*(?:\((.*)\))?\s*$/i.exec(sql);
  if (!match) return { name: sql.trim().toLowerCase() };
  const base = match[1]!.toLowerCase().replace(/\s+/g, " ");
  const name = ALIASES[dialect]![base] ?? base;
  const args = match[2];
  if (args === undefined) return { name };
  if (name === "enum" || name === "set") return { name, values: [...args.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replace(/''/g, "'")) };
  const numbers = args.split(",").map((a) => Number(a.trim()));
  if (numbers.some((n) => !Number.isInteger(n))) return { name: sql.trim().toLowerCase() };
  if (name === "numeric" || name === "decimal") return { name, precision: numbers[0]!, scale: numbers[1] ?? 0 };
  if (name === "datetime" || name === "timestamp" || name === "timestamptz" || name === "time") return { name, precision: numbers[0]! };
  return { name, length: numbers[0]! };
}

/** Whether two database types are the same. */
export function sameDbType(a: DbType, b: DbType): boolean {
  return (
    a.name === b.name &&
    a.length === b.length &&
    a.precision === b.precision &&
    a.scale === b.scale &&
    (a.values ?? []).join("\u0000") === (b.values ?? []).join("\u0000")
  );
}

/** `varchar(20)`, for messages. */
export function formatDbType(type: DbType): string {
  if (type.values) return `${type.name}(${type.values.map((v) => `'${v}'`).join(",")})`;
  const args = type.length !== undefined ? [type.length] : type.precision !== undefined ? [type.precision, ...(type.scale !== undefined ? [type.scale] : [])] : [];
  return args.length ? `${type.name}(${args.join(",")})` : type.name;
}
