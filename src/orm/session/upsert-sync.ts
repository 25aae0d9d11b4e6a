/**
 * An upsert through the session (`insert(Model).values(rows).onConflictDoUpdate(...)`, or
 * `.onDuplicateKeyUpdate(...)`) updates rows the session may hold objects of. Left as they were,
 * those objects showed values their rows no longer held. Here they follow the rows, when the
 * session holds any object of the model, taking the values as loaded (not as changes to write),
 * as a bulk UPDATE's objects do (bulk-apply.ts):
 * - by RETURNING (PostgreSQL, SQLite, MariaDB 10.5+ when the caller asks for RETURNING too): the
 *   rows the statement inserted or updated come back with their keys and the columns it sets,
 *   after the caller's own columns, which are all the caller gets. Exactly the objects of those
 *   keys follow, whatever unique key the conflict was on, a `where` that left a row alone too;
 * - by a SELECT after it, of the columns it sets, in the same transaction (MariaDB without
 *   RETURNING: ON DUPLICATE KEY UPDATE's row count counts an updated row twice, which RETURNING's
 *   rows would not tell; MySQL): of the objects of the keys the rows carry when the table declares
 *   no unique key but its primary key, else of every object of the model the session holds;
 * - by expiring what it sets on every object of the model, with a timestamp in the key (read back
 *   inexactly, a key names another object).
 * The columns followed are those the upsert sets and the generated ones the database computes.
 * An attribute changed and not flushed (autoflush off) is kept: the flush writes it over the
 * upsert's value, as it would over another transaction's. `onConflictDoNothing` changes no row
 * that was there: nothing to follow. (SQLAlchemy leaves the objects as they were.)
 */
import type { InsertNode } from "../../core/ast/nodes.js";
import type { Column } from "../../core/schema/column.js";
import { select } from "../../core/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import { identityKey } from "../identity/identity-map.js";
import type { ObjectsByKey } from "../identity/objects-by-key.js";
import { timestampKeyed } from "../loading/exact-keys.js";
import { chunks, keyFilter } from "../loading/keys.js";
import type { Mapper } from "../mapping/mapper.js";
import { changedColumns } from "../state/changed-columns.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import type { Journal } from "../unit-of-work/journal.js";
import { apply, type ApplyHost } from "./bulk-apply.js";
import { expireAttributes } from "./expiry.js";

/** The upsert to send, and what to do once it ran. */
export interface UpsertFollower {
  /** The statement, with the keys and values of its rows added to its RETURNING when they are read that way. */
  readonly node: InsertNode;
  /** Has the objects follow the rows; returns the rows as the caller's RETURNING gave them. */
  follow(rows: readonly unknown[][], journal: Journal): Promise<unknown[][]>;
}

/** A follower for an upsert of `mapper` that may change rows the session holds; undefined when there is nothing to follow. */
export function upsertFollower(host: ApplyHost, connection: Connection, mapper: Mapper, node: InsertNode): UpsertFollower | undefined {
  const clause = node.onConflict;
  if (clause === undefined || clause.action === "doNothing" || clause.set.length === 0) return undefined;
  const held = host.identity.forMapper(mapper);
  if (held.isEmpty) return undefined;
  const followed = followedColumns(mapper, node);
  const attributes = followed.map(([attr]) => attr);
  const width = node.returning.length;
  const keyCount = mapper.primaryKey.length;
  /** Has the objects of the keys in `rows` (from `start`, then the followed columns) take the values. */
  const take = (rows: readonly unknown[][], start: number, journal: Journal): void => {
    const seen = new Set<InstanceState>();
    for (const row of rows) {
      const obj = held.get(identityKey(row.slice(start, start + keyCount)));
      const state = obj && stateOf(obj);
      if (!state || state.gone || seen.has(state)) continue;
      seen.add(state);
      const taken = unchanged(state, attributes);
      const values = new Map<string, unknown>();
      followed.forEach(([attr], i) => {
        if (taken.includes(attr)) values.set(attr, row[start + keyCount + i]);
      });
      apply(host, mapper, state, values, journal);
    }
  };
  const columns = [...mapper.primaryKey, ...followed.map(([, column]) => column)];
  if (timestampKeyed(mapper)) {
    return {
      node,
      follow: async (rows) => {
        for (const state of statesOf(held)) {
          if (state.gone) continue;
          host.owner.changing(state); // an open savepoint keeps the values its rollback puts back
          expireAttributes(state, unchanged(state, attributes));
        }
        return rows as unknown[][];
      },
    };
  }
  if (connection.dialect.capabilities.insertReturning && (width > 0 || clause.action !== "duplicateKey")) {
    return {
      node: { ...node, returning: [...node.returning, ...columns.map((column) => column.labelNode())] },
      follow: async (rows, journal) => {
        take(rows, width, journal);
        return width === 0 ? [] : rows.map((row) => row.slice(0, width));
      },
    };
  }
  return {
    node,
    follow: async (rows, journal) => {
      const states = candidates(held, mapper, node);
      for (const some of chunks(states)) {
        const query = select(...columns).where(keyFilter(mapper.primaryKey, mapper.keyAttributes, some.map((state) => state.dict)));
        take((await connection.execute<unknown>(query, { rowShape: "arrays" })).rows as unknown as unknown[][], 0, journal);
      }
      return rows as unknown[][];
    },
  };
}

/**
 * The session's objects whose rows the upsert may have changed: those of the keys its rows carry
 * when a conflict can only be on the primary key (the table declares no other unique key), else
 * every one of the model.
 */
function candidates(held: ObjectsByKey, mapper: Mapper, node: InsertNode): InstanceState[] {
  const table = mapper.table;
  const positions = mapper.primaryKey.map((column) => node.columns.indexOf(column.name));
  const onlyKey = table.uniques.length === 0 && !table.columnList.some((c) => c.unique) && !table.indexes.some((index) => index.unique);
  if (!onlyKey || node.select !== undefined || positions.some((i) => i < 0)) return statesOf(held).filter((state) => !state.gone);
  const found = new Set<InstanceState>();
  for (const row of node.rows) {
    const values = positions.map((i) => (row[i]!.kind === "param" ? (row[i] as { value: unknown }).value : undefined));
    const obj = values.includes(undefined) ? undefined : held.get(identityKey(values));
    const state = obj && stateOf(obj);
    if (state && !state.gone) found.add(state);
  }
  return [...found];
}

function statesOf(held: ObjectsByKey): InstanceState[] {
  const states: InstanceState[] = [];
  held.forEach((obj) => states.push(stateOf(obj)!));
  return states;
}

/** `attributes` but those changed and not flushed: the application's changes, which the flush writes. */
function unchanged(state: InstanceState, attributes: readonly string[]): readonly string[] {
  const changed = changedColumns(state);
  return changed.length ? attributes.filter((attr) => !changed.includes(attr)) : attributes;
}

/** The attributes the upsert's SET changes, and the generated ones the database computes again, with their columns. */
function followedColumns(mapper: Mapper, node: InsertNode): [string, Column][] {
  const followed = new Map<string, Column>();
  for (const [name] of node.onConflict!.set) {
    const column = mapper.table.columnList.find((c) => c.name === name);
    const attr = column && mapper.attributeFor(column);
    // The key is the object's identity: a key the upsert sets names no object the session holds.
    if (attr !== undefined && !mapper.keyAttributes.includes(attr)) followed.set(attr, column!);
  }
  for (const attr of mapper.generatedColumns) followed.set(attr, mapper.columns.get(attr)!);
  return [...followed];
}
