/**
 * A reflected column type as a column builder call and the attribute's TypeScript type:
 * `string(50)` / `string`, `numeric(10, 2)` / `Decimal`. A type athanor does not know (`raw`) gets
 * the closest builder by the type's name, and a comment that says so: the model then maps values
 * faithfully enough to read and write them, but `createAll` of it would make the closest type, not
 * the database's own.
 */
import type { TypeModel } from "../../core/schema/schema-model.js";
import type { ImportSet } from "./imports.js";
import { quote } from "./names.js";

/** The builder call, the attribute type, and a note when the type is an approximation. */
export interface TypeCode {
  readonly builder: string;
  /** The non-null TypeScript type of the attribute. */
  readonly tsType: string;
  /** Integer-like: a lone primary key of it is generated unless `.autoincrement(false)`. */
  readonly integerLike: boolean;
  /** Set when the database's type is not one athanor knows: what was chosen instead. */
  readonly note?: string;
}

/** The builder and TypeScript type of a known type (`kind` other than raw). */
export function typeCode(type: TypeModel, imports: ImportSet, jsonType: () => string): TypeCode {
  const call = (fn: string, args: string[] = []) => `${imports.value(fn)}(${args.join(", ")})`;
  const plain = (builder: string, tsType: string, integerLike = false): TypeCode => ({ builder, tsType, integerLike });
  switch (type.kind) {
    case "integer":
      return plain(call("integer"), "number", true);
    case "bigint":
      return plain(call("bigint"), "bigint", true);
    case "string":
      return plain(call("string", type.length === undefined ? [] : [String(type.length)]), "string");
    case "text":
      return plain(call("text"), "string");
    case "boolean":
      return plain(call("boolean"), "boolean");
    case "float":
      return plain(call("float"), "number");
    case "numeric": {
      const args = type.precision === undefined ? (type.scale === undefined ? [] : ["undefined", String(type.scale)]) : [String(type.precision), ...(type.scale === undefined ? [] : [String(type.scale)])];
      return plain(call("numeric", args), imports.type("Decimal"));
    }
    case "date":
      return plain(call("date"), "string");
    case "datetime": {
      // A column's own precision (an existing TIMESTAMP keeps 6): the model describes the database.
      const options = [...(type.timezone ? ["timezone: true"] : []), ...(type.precision === undefined ? [] : [`precision: ${type.precision}`])];
      return plain(call("datetime", options.length ? [`{ ${options.join(", ")} }`] : []), "Date");
    }
    case "json": {
      const name = jsonType();
      return plain(`${imports.value("json")}<${name}>()`, name);
    }
    case "uuid":
      return plain(call("uuid"), "string");
    case "enum": {
      const values = type.values ?? [];
      const options = type.enumName === undefined ? [] : [`{ name: ${quote(type.enumName)} }`];
      return plain(call("enumType", [`[${values.map(quote).join(", ")}]`, ...options]), values.length ? values.map(quote).join(" | ") : "string");
    }
    case "binary":
      return plain(call("binary", type.length === undefined ? [] : [String(type.length)]), "Uint8Array");
    case "raw":
      return rawTypeCode(type.sql, imports, jsonType);
  }
}

/** The closest known type of a database type athanor has no kind for, by its name. */
function rawTypeCode(sql: string, imports: ImportSet, jsonType: () => string): TypeCode {
  const text = sql.trim().toLowerCase();
  const size = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(text);
  const first = size?.[1] === undefined ? undefined : Number(size[1]);
  const second = size?.[2] === undefined ? undefined : Number(size[2]);
  const closest: TypeModel = /^(bigint|int8|bigserial|serial8)\b/.test(text)
    ? { kind: "bigint" }
    : /^(tinyint\s*\(\s*1\s*\)|bool)/.test(text)
      ? { kind: "boolean" }
      : /^(tinyint|smallint|mediumint|int|integer|serial|smallserial|int2|int4)\b/.test(text)
        ? { kind: "integer" }
        : /^(real|double|float)/.test(text)
          ? { kind: "float" }
          : /^(decimal|numeric|dec|money)\b/.test(text)
            ? { kind: "numeric", ...(first === undefined ? {} : { precision: first }), ...(second === undefined ? {} : { scale: second }) }
            : /^(timestamp|datetime)/.test(text)
              ? { kind: "datetime", timezone: /with time zone|tz/.test(text) }
              : /^date$/.test(text)
                ? { kind: "date" }
                : /^(bytea|blob|tinyblob|mediumblob|longblob|binary|varbinary|bit)/.test(text)
                  ? { kind: "binary", ...(first === undefined || !/binary/.test(text) ? {} : { length: first }) }
                  : /^json/.test(text)
                    ? { kind: "json" }
                    : /^uuid/.test(text)
                      ? { kind: "uuid" }
                      : /^(varchar|character varying|nvarchar|char|character|nchar|bpchar|varchar2)\s*\(/.test(text) && first !== undefined
                        ? { kind: "string", length: first }
                        : { kind: "text" };
  const code = typeCode(closest, imports, jsonType);
  return { ...code, note: `the database type is ${sql}, which athanor has no type for: mapped as ${code.builder.replace(/<.*>/, "")}` };
}
