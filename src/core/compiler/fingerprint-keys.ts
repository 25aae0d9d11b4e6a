/**
 * The parts of a statement's fingerprint (fingerprint.ts) that outlive it: the keys of tables and
 * types, built once each, and user text made safe to put in a key.
 */
import type { SqlType } from "../types/sql-type.js";
import type { TableNode } from "../ast/nodes.js";

/** Tables live as long as their MetaData: each one's key is built once, not per column reference. */
const tableKeys = new WeakMap<TableNode, string>();

/** @internal A table's part of a key: its schema and name. */
export function tableKey(table: TableNode): string {
  let key = tableKeys.get(table);
  if (key === undefined) {
    key = `t${text(table.schema ?? "")}${text(table.name)}`;
    tableKeys.set(table, key);
  }
  return key;
}

/** Types live as long as their columns: each one's key (all of it: a cast to it is rendered) is built once. */
const typeKeys = new WeakMap<SqlType, string>();

/** @internal A type's part of a key (`_` for none). */
export function typeKey(type: SqlType | undefined): string {
  if (!type) return "_";
  let key = typeKeys.get(type);
  if (key === undefined) {
    key = text(JSON.stringify(type));
    typeKeys.set(type, key);
  }
  return key;
}

/**
 * A name or other user text in the key, prefixed with its length: whatever characters it holds
 * (".", ",", "(", ":" ...), it cannot run into what follows, so names that differ give keys that
 * differ. Cheaper than escaping, which would scan every name.
 *
 * @internal
 */
export function text(value: string): string {
  return `${value.length}:${value}`;
}
