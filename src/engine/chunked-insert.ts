/**
 * The chunks of one multi-row INSERT (`insertChunks`: more bind parameters than the database
 * allows) run in a transaction (a savepoint inside one), so that a failing chunk undoes the others
 * as the single statement would have. Their rows and row counts are combined; the generated key
 * is what the driver reports for the whole insert: MySQL the first row's, SQLite the last row's.
 */
import type { InsertNode } from "../core/ast/nodes.js";
import type { Connection } from "./connection.js";
import type { ExecuteOptions } from "./driver.js";
import { Result } from "./result.js";

export function executeChunks<Row>(conn: Connection, chunks: readonly InsertNode[], options: ExecuteOptions): Promise<Result<Row>> {
  return conn.transaction(async () => {
    const results: Result<Row>[] = [];
    for (const node of chunks) results.push(await conn.executeCompiled<Row>(conn.compile({ node }), options));
    return combinedResult(conn, results);
  });
}

/** The results of the parts of one INSERT as one: rows in order, counts summed, the insert id the driver reports for the whole. */
export function combinedResult<Row>(conn: Connection, results: readonly Result<Row>[]): Result<Row> {
  const rows = results.length === 1 ? results[0]!.rows : results.flatMap((r) => r.rows);
  const rowCount = results.reduce((sum, r) => sum + r.rowCount, 0);
  const keyFrom = conn.dialect.capabilities.lastInsertIdOf === "first" ? results[0]! : results[results.length - 1]!;
  return new Result<Row>(rows, rowCount, keyFrom.lastInsertId);
}
