/**
 * SQLite's spelling of types and defaults, read back as athanor's: the declared type text that
 * `PRAGMA table_xinfo` reports (SQLite keeps it as written) and the DDL compiler's own are both
 * mapped to the `TypeModel` the compiler's type stands for.
 */
import type { TypeModel } from "../../core/schema/schema-model.js";
import { compactType, isPlainType, numericModel, typeArgs } from "../shared/type-text.js";

/** A declared SQLite type as a `TypeModel`: athanor's kinds for the names it emits, else raw. */
export function sqliteTypeModel(declared: string): TypeModel {
  const text = compactType(declared);
  if (!isPlainType(text)) return { kind: "raw", sql: declared };
  const args = typeArgs(text);
  const base = text.replace(/\(.*$/, "");
  switch (base) {
    case "integer":
    case "bigint":
    case "text":
    case "boolean":
    case "date":
    case "json":
      if (args.length) break;
      return { kind: base };
    case "varchar":
      if (args.length > 1) break;
      return args.length ? { kind: "string", length: args[0]! } : { kind: "string" };
    case "real":
      return args.length ? { kind: "raw", sql: declared } : { kind: "float" };
    case "numeric":
      return args.length === 2 ? numericModel(args[0], args[1]) : args.length ? { kind: "raw", sql: declared } : numericModel(undefined, undefined);
    case "datetime":
      // DATETIME carries no zone on SQLite: `datetime({ timezone: true })` emits the same text.
      return args.length ? { kind: "raw", sql: declared } : { kind: "datetime", timezone: false };
    case "char":
      if (args.length === 1 && args[0] === 36) return { kind: "uuid" };
      break;
    case "blob":
      if (!args.length) return { kind: "binary" };
  }
  return { kind: "raw", sql: declared };
}

/** A default's text as SQLite reports it (`dflt_value` keeps the text as written): booleans as 1/0. */
export function sqliteDefault(sql: string): string {
  const upper = sql.toUpperCase();
  return upper === "TRUE" ? "1" : upper === "FALSE" ? "0" : sql;
}
