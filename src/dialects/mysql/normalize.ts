/**
 * MySQL / MariaDB spelling of types and defaults (`COLUMN_TYPE`, `COLUMN_DEFAULT`) and the DDL
 * compiler's, mapped to one form: `int(11)` and `INT` are both `integer`, `tinyint(1)` is a
 * boolean, `current_timestamp()` is `CURRENT_TIMESTAMP`, booleans are `1`/`0`.
 */
import type { TypeModel } from "../../core/schema/schema-model.js";
import { compactType, isPlainType, numericModel, stringLiterals, typeArgs } from "../shared/type-text.js";

/** A MySQL column type as a `TypeModel`: athanor's kinds for the types it emits, else raw. */
export function mysqlTypeModel(columnType: string): TypeModel {
  const enumList = /^\s*enum\s*\((.*)\)\s*$/is.exec(columnType);
  if (enumList) return { kind: "enum", values: stringLiterals(enumList[1]!, true) };
  const text = compactType(columnType);
  if (!isPlainType(text)) return { kind: "raw", sql: columnType };
  const args = typeArgs(text);
  const base = text.replace(/\(.*$/, "");
  switch (base) {
    case "int":
    case "integer":
      return { kind: "integer" }; // display width (`int(11)`) means nothing
    case "bigint":
      return { kind: "bigint" };
    case "varchar":
      if (args.length === 1) return { kind: "string", length: args[0]! };
      break;
    case "longtext":
      return { kind: "text" };
    case "bool":
    case "boolean":
      return { kind: "boolean" };
    case "tinyint":
      if (args[0] === 1) return { kind: "boolean" };
      break;
    case "double":
      if (!args.length) return { kind: "float" };
      break;
    case "decimal":
      return numericModel(args[0] ?? 10, args[1] ?? 0);
    case "date":
      return { kind: "date" };
    case "datetime": {
      // datetime() is DATETIME(3); DATETIME alone keeps whole seconds.
      const precision = args[0] ?? 0;
      if (args.length <= 1 && precision <= 6) return { kind: "datetime", timezone: false, ...(precision === 3 ? {} : { precision }) };
      break;
    }
    case "json":
      return { kind: "json" };
    case "char":
      if (args[0] === 36) return { kind: "uuid" };
      break;
    case "varbinary":
      if (args.length === 1) return { kind: "binary", length: args[0]! };
      break;
    case "longblob":
      return { kind: "binary" };
  }
  return { kind: "raw", sql: columnType };
}

/** A default's text in one form: functions in upper case without `()`, booleans as 1/0, decimals with their scale. */
export function mysqlDefault(sql: string, type: TypeModel): string {
  const text = sql.trim();
  if (/^current_timestamp(\(\d*\))?$/i.test(text) || /^now\(\d*\)$/i.test(text)) return "CURRENT_TIMESTAMP";
  if (/^true$/i.test(text)) return "1";
  if (/^false$/i.test(text)) return "0";
  if (type.kind === "numeric" && /^'?-?\d+(\.\d+)?'?$/.test(text)) return Number(text.replace(/'/g, "")).toFixed(type.scale ?? 0);
  // DATETIME(6) keeps six fractional digits, and MariaDB reports them: `'2020-01-02 03:04:05.000000'`.
  const stamp = type.kind === "datetime" ? /^'(\d{4}-\d{2}-\d{2})(?: (\d{2}:\d{2}:\d{2})(?:\.(\d*))?)?'$/.exec(text) : null;
  if (stamp) return `'${stamp[1]} ${stamp[2] ?? "00:00:00"}.${(stamp[3] ?? "").padEnd(6, "0")}'`;
  // MariaDB quotes numbers given as strings to numeric columns only when they were quoted
  if ((type.kind === "integer" || type.kind === "bigint" || type.kind === "float") && /^'-?\d+(\.\d+)?(e-?\d+)?'$/i.test(text)) {
    return text.slice(1, -1);
  }
  return text;
}

/**
 * Whether `name` is one MySQL/MariaDB gives an unnamed constraint: every primary key is
 * `PRIMARY`; a unique key is named after its first column (`email`, `email_2`); a check is
 * `CONSTRAINT_<n>`. Both sides of a comparison drop such names.
 */
export function mysqlDatabaseName(kind: "pk" | "uq" | "ck", _table: string, name: string, columns: readonly string[]): boolean {
  if (kind === "pk") return true;
  if (kind === "uq") return name === columns[0] || (columns[0] !== undefined && name.startsWith(`${columns[0]}_`) && /^\d+$/.test(name.slice(columns[0].length + 1)));
  return /^CONSTRAINT_\d+$/.test(name);
}
