/**
 * A stream's joined loads read again for a batch's parents. PostgreSQL's cursor joined each parent
 * to its targets' rows as they were when it opened: once the stream's transaction wrote beside the
 * cursor (deleted-rows.ts), a parent moved to another target came with the old one (its key said
 * otherwise), and one whose target was deleted with none, where `execute` run then joins what the
 * rows hold now. So each later batch's joins are run again for its parents' keys (one query per
 * chunk of keys), with the query's loader criteria in their ON, and the targets' columns put in the
 * batch's rows.
 */
import type { FromNode } from "../../core/ast/nodes.js";
import type { Expression } from "../../core/expression/expression.js";
import { select, type Select } from "../../core/statements/select.js";
import { sourcesOf } from "../../core/statements/join-inference.js";
import type { Connection } from "../../engine/connection.js";
import { identityKey } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import { keyConditions } from "../unit-of-work/row-statements.js";
import { applyCriteria, type Resolved } from "./criteria.js";
import { withJoinedLoads, type JoinedLoad } from "./joined.js";
import type { JoinRequest } from "./load-plan.js";

/** @internal A stream's joined loads, to read again for a batch (deleted-rows.ts calls it, importing no loader). */
export interface Rejoin {
  /** Puts in `rows` their joined columns as the query would join them now (those of parents no longer found stay). */
  reread(conn: Connection, rows: readonly unknown[][]): Promise<void>;
}

/** Where a stream's rows hold its joined loads, and how to read them again. */
interface Joins {
  /** The parents' class: the entity the query selects first. */
  readonly mapper: Mapper;
  /** Where a parent's key is in the stream's rows. */
  readonly keyIndexes: readonly number[];
  /** Each joined column's index in the stream's rows, and (`to`) in the rows read again. */
  readonly from: readonly number[];
  readonly to: readonly number[];
  /** The joins, for the parents `where` names: their keys first, then the joined columns. */
  statement(where: Expression<boolean>): Select<unknown>;
}

/**
 * @internal The rejoin of a stream's `loads` (made of `requests`), its parents' columns at `start`
 * in its rows, in the order of `parentKeys` (their column plan's); `resolved`: its loader criteria.
 */
export function rejoinOf(mapper: Mapper, start: number, parentKeys: readonly string[], requests: readonly JoinRequest[], loads: readonly JoinedLoad[], resolved: readonly Resolved[] | undefined): Rejoin {
  const parents = select(...mapper.primaryKey).from(mapper.class_);
  // As in the stream's query, the criteria go into the joins' ON; the parents are named by key.
  const skip = new Set<FromNode>(sourcesOf(parents.node.from[0]!));
  const joined = withJoinedLoads(parents, requests).loads;
  const from: number[] = [];
  const to: number[] = [];
  loads.forEach((load, i) => {
    for (let j = 0; j < load.rel.resolved.target.defaultLoad.keys.length; j++) {
      from.push(load.start + j);
      to.push(joined[i]!.start + j);
    }
  });
  const joins: Joins = {
    mapper,
    keyIndexes: mapper.primaryKey.map((column) => start + parentKeys.indexOf(mapper.attributeFor(column)!)),
    from,
    to,
    statement: (where) => {
      const statement = withJoinedLoads(parents.where(where), requests).statement;
      return resolved === undefined ? statement : applyCriteria(statement, resolved, skip).statement;
    },
  };
  return { reread: (conn, rows) => rejoinRows(conn, joins, rows) };
}

async function rejoinRows(conn: Connection, rejoin: Joins, rows: readonly unknown[][]): Promise<void> {
  const keys = new Map<unknown, unknown[]>();
  for (const row of rows) {
    const values = rejoin.keyIndexes.map((i) => row[i]);
    if (!values.some((v) => v === null || v === undefined)) keys.set(identityKey(values), values);
  }
  if (keys.size === 0) return;
  const width = rejoin.mapper.primaryKey.length;
  const found = new Map<unknown, unknown[]>();
  for (const condition of keyConditions(conn, rejoin.mapper.primaryKey, [...keys.values()])) {
    const result = await conn.execute(rejoin.statement(condition), { rowShape: "arrays" });
    for (const row of result.rows as unknown as unknown[][]) found.set(identityKey(row.slice(0, width)), row);
  }
  for (const row of rows) {
    // A parent gone is skipped (deleted-rows.ts).
    const again = found.get(identityKey(rejoin.keyIndexes.map((i) => row[i])));
    if (again !== undefined) for (let j = 0; j < rejoin.from.length; j++) row[rejoin.from[j]!] = again[rejoin.to[j]!];
  }
}
