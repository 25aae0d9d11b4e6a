/**
 * Driver values as the text of a JSON array, for a long IN list bound as one parameter and read
 * back with `json_each` (SQLite) or `JSON_TABLE` (MariaDB, MySQL). Bigints keep every digit.
 */
import { ArgumentError } from "../../core/errors.js";

export function jsonArrayText(values: readonly unknown[]): string {
  return arrayText(values, false);
}

/**
 * Like `jsonArrayText`, for `inValues`: tuples become nested arrays, and binary values hex text
 * (the SQL reads them back with unhex()).
 */
export function jsonListText(values: readonly unknown[]): string {
  return arrayText(values, true);
}

function arrayText(values: readonly unknown[], lists: boolean): string {
  let text = "[";
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) text += ",";
    if (typeof value === "bigint") text += String(value);
    else if (value === null || value === undefined) text += "null";
    else if (lists && Array.isArray(value)) text += arrayText(value, true);
    else if (lists && value instanceof Uint8Array) text += `"${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}"`;
    else if (typeof value === "object") {
      throw new ArgumentError(
        "An IN list too long to bind value by value is bound as one JSON array here, which cannot hold binary values; split the list.",
      );
    } else text += JSON.stringify(value);
  }
  return `${text}]`;
}
