/**
 * An INSERT that `Connection.execute` runs as several statements in a transaction: chunks over the
 * database's bind-parameter limit (chunked-insert.ts), or rows paired with their generated keys
 * (`sortByParameterOrder`, insert-parameter-order.ts). Kept apart so that `execute` asks once.
 */
import type { StatementNode } from "../core/ast/nodes.js";
import { insertChunks } from "../core/statements/chunking.js";
import { executeChunks } from "./chunked-insert.js";
import type { Connection } from "./connection.js";
import type { ExecuteOptions } from "./driver.js";
import { executeInParameterOrder } from "./insert-parameter-order.js";
import type { Result } from "./result.js";

/** @internal `node` run as several statements, or undefined when it runs as one. */
export function executeAsSeveral<Row>(conn: Connection, node: StatementNode, options: ExecuteOptions): Promise<Result<Row>> | undefined {
  if (node.kind !== "insert") return undefined;
  if (node.sortByParameterOrder === true) return executeInParameterOrder<Row>(conn, node, options);
  const chunks = insertChunks(node, conn.dialect.capabilities.maxParameters);
  return chunks && executeChunks<Row>(conn, chunks, options);
}
