/**
 * `SELECT DISTINCT ON (...)` (PostgreSQL's), checked before it is rendered: a dialect without it
 * is told what to write instead, and the leading ORDER BY items must be the DISTINCT ON
 * expressions (in any order), which PostgreSQL requires; checked here rather than left to the server.
 */
import type { SelectNode } from "../ast/nodes.js";
import { CompileError, UnsupportedFeatureError } from "../errors.js";
import type { DialectCapabilities } from "./compiler-types.js";
import { expressionKey } from "./fingerprint.js";

/** @internal Throws when `node`'s DISTINCT ON cannot be compiled for a dialect of `capabilities`. */
export function checkDistinctOn(node: SelectNode, capabilities: DialectCapabilities): void {
  const on = node.distinctOn!;
  if (!capabilities.distinctOn) {
    throw new UnsupportedFeatureError("DISTINCT ON", capabilities.displayName, "select the first row per group with func.rowNumber().over({ partitionBy, orderBy }) in a subquery instead.");
  }
  if (node.orderBy.length === 0) return;
  const keys = new Set(on.map(expressionKey));
  const leading = node.orderBy.slice(0, on.length).map((o) => expressionKey(o.expr));
  if (leading.length < keys.size || leading.some((k) => !keys.has(k))) {
    throw new CompileError("SELECT DISTINCT ON (...) with ORDER BY: the first ORDER BY items must be the DISTINCT ON expressions; order by them first, then by what picks the row kept.");
  }
}
