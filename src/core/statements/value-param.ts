/**
 * A value written to a column by INSERT, UPDATE or an upsert's SET, as a parameter: checked first
 * against what the column's type accepts (`core/types/value-check.ts`), as a flush checks its
 * objects. A value the database would store as another (1.5 in an INT column is 2 on MariaDB,
 * "1.005" in NUMERIC(6, 2) is 1.01, NaN in a SQLite REAL is NULL) is refused while the statement
 * is built, before anything is sent, whichever way it is written.
 */
import type { ParamNode } from "../ast/nodes.js";
import { InvalidColumnValueError } from "../errors.js";
import type { SqlType } from "../types/sql-type.js";
import { describeValue, valueCheck, type ValueCheck } from "../types/value-check.js";

/**
 * The parameter of `value` for a column of `type`; `statement` and `column` name them in the
 * error (`insert(books)`, `price`), only built when the value is refused. `check`: the type's,
 * when the caller looked it up once for many rows.
 */
export function valueParam(
  type: SqlType | undefined,
  value: unknown,
  statement: () => string,
  column: string,
  check: ValueCheck | undefined = type && valueCheck(type),
): ParamNode {
  if (value !== null && check !== undefined && !check.accepts(value)) {
    const what = statement();
    const message = `${what}: ${column} = ${describeValue(value)}: expected ${check.expected}. The statement was not sent.`;
    throw new InvalidColumnValueError(what, column, value, check.expected, message);
  }
  return { kind: "param", value, type };
}
