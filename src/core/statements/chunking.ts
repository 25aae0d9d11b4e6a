/**
 * A multi-row INSERT with more bind parameters than the dialect allows (PostgreSQL and MySQL
 * 65,535, SQLite 32,766) is split into INSERTs of consecutive rows that each fit: the same
 * columns, upsert clause and RETURNING. The connection runs them in one transaction (or
 * savepoint), so the insert stays all-or-nothing, and combines their results.
 */
import type { ExprNode, InsertNode, StatementNode } from "../ast/nodes.js";
import { fingerprint } from "../compiler/fingerprint.js";
import { CompileError } from "../errors.js";

/** The chunks of `node`, or undefined when it is not a multi-row INSERT or fits in one statement. */
export function insertChunks(node: StatementNode, maxParameters: number): InsertNode[] | undefined {
  if (node.kind !== "insert" || node.rows.length < 2) return undefined;
  let total = 0;
  let widest = 0;
  for (const row of node.rows) {
    let count = 0;
    // Plain values are one parameter each; only expressions need a walk.
    for (let i = 0; i < row.length; i++) count += row[i]!.kind === "param" ? 1 : paramsIn(row[i]!);
    total += count;
    if (count > widest) widest = count;
  }
  if (total <= maxParameters) return undefined;
  const fixed = paramsOutsideRows(node);
  if (total + fixed <= maxParameters) return undefined;
  const perChunk = Math.floor((maxParameters - fixed) / Math.max(1, widest));
  if (perChunk < 1) {
    throw new CompileError(`One row of INSERT INTO ${node.table.name} needs more bind parameters than the database allows (${maxParameters}).`);
  }
  const chunks: InsertNode[] = [];
  for (let i = 0; i < node.rows.length; i += perChunk) chunks.push({ ...node, rows: node.rows.slice(i, i + perChunk) });
  return chunks;
}

function paramsIn(...nodes: (ExprNode | undefined)[]): number {
  return fingerprint({ kind: "raw", parts: nodes.filter((n) => n !== undefined) }).params.length;
}

/** Parameters every chunk repeats: in the upsert clause and RETURNING. */
function paramsOutsideRows(node: InsertNode): number {
  const conflict = node.onConflict;
  return paramsIn(...(conflict?.set.map(([, value]) => value) ?? []), conflict?.where, ...node.returning);
}
