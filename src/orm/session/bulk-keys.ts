/**
 * The keys (or other columns) of the rows a bulk UPDATE or DELETE will change, read before it
 * runs, FOR UPDATE (bulk.ts, bulk-joined.ts): a locking read sees the rows as the statement will
 * (MariaDB's plain SELECT reads the transaction's snapshot, and the keys of rows another
 * transaction had changed since were given the statement's values, or missed), and keeps them so
 * until it runs. A key a Date cannot hold is refused here, before anything is written.
 */
import type { ExprNode } from "../../core/ast/nodes.js";
import { Expression } from "../../core/expression/expression.js";
import type { Column } from "../../core/schema/column.js";
import { select } from "../../core/statements/select.js";
import { checkBulkKey } from "../loading/exact-keys.js";
import type { Mapper } from "../mapping/mapper.js";
import type { SessionTransaction } from "./session-transaction.js";

/**
 * `columns` of the rows of `mapper` that `where` names, locked. `from`: the class itself, for a
 * joined-table subclass whose rows span its tables joined; else the columns' own table.
 */
export async function keysBefore(
  tx: SessionTransaction,
  mapper: Mapper,
  where: ExprNode | undefined,
  run: <T>(work: () => Promise<T>) => Promise<T>,
  columns: readonly Column[] = mapper.primaryKey,
  from?: Mapper["class_"],
): Promise<unknown[][]> {
  const columnsOnly = select(...columns);
  const query = (from === undefined ? columnsOnly : columnsOnly.from(from)).where(...(where ? [new Expression<boolean>(where, undefined)] : [])).forUpdate();
  const rows = (await run(() => tx.connection.executeCompiled<unknown[]>(tx.connection.compile(query), { rowShape: "arrays" }))).rows;
  for (const row of rows) checkBulkKey(mapper, row, 0, "Nothing was written: the statement was not run.");
  return rows;
}
