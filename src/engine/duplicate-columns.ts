/**
 * A result whose columns repeat a name (`SELECT a.id, b.id FROM ...` in SQL text) cannot be given
 * as object rows: each row kept one `id`, the second, and the first's values were lost without a
 * word. Such a result is refused, naming the column and the fix; array rows hold it whole.
 */
import { InvalidRequestError } from "../core/errors.js";
import type { DriverResult } from "./driver.js";
import { mayWrite } from "./statement-kind.js";

/** The result as it is, or the error for the column it has twice (`DriverResult.duplicateColumn`). */
export function checkedColumns(result: DriverResult, sql: string): DriverResult {
  if (result.duplicateColumn === undefined) return result;
  throw duplicateColumnError(result.duplicateColumn, sql);
}

/** The error for a result with two columns named `name`, from the statement `sql`. */
export function duplicateColumnError(name: string, sql: string): InvalidRequestError {
  const ran = mayWrite(sql) ? " The statement ran: what it changed stands (inside the open transaction, if one is)." : "";
  return new InvalidRequestError(
    `The result has more than one column named ${JSON.stringify(name)}: a row object holds one value per name, so the ` +
      `others' values would be lost. Give each its own name (SELECT a.${name} AS a_${name}, b.${name} AS b_${name}), or read ` +
      `the rows as arrays: execute(statement, { rowShape: "arrays" }).${ran} [SQL: ${sql.length > 200 ? `${sql.slice(0, 200)}...` : sql}]`,
  );
}
