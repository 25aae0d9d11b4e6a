/**
 * Rows of a stream's batch that its transaction deleted since the cursor opened by a statement of
 * its own rather than a flush (a bulk `deleteFrom`, SQL text, a database's ON DELETE CASCADE):
 * PostgreSQL's cursor reads as of when it opened and still has them. Their keys are not known to
 * the session, so the batch's keys are looked up (one query per entity, per chunk of keys).
 */
import { select } from "../../core/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import { identityKey } from "../identity/identity-map.js";
import type { ObjectsByKey } from "../identity/objects-by-key.js";
import type { Mapper } from "../mapping/mapper.js";
import { keyConditions } from "../unit-of-work/row-statements.js";

/** @internal An entity a stream reads: its identity-map part, and where its key is in a row. */
export interface StreamedEntity {
  readonly part: ObjectsByKey;
  readonly mapper: Mapper;
  readonly indexes: readonly number[];
}

/** @internal Per part, the keys of `rows` whose rows the database no longer has; undefined when none is gone. */
export async function goneKeys(conn: Connection, entities: readonly StreamedEntity[], rows: readonly unknown[][]): Promise<Map<ObjectsByKey, Set<unknown>> | undefined> {
  let gone: Map<ObjectsByKey, Set<unknown>> | undefined;
  for (const { part, mapper, indexes } of entities) {
    const keys = new Map<unknown, unknown[]>();
    for (const row of rows) {
      const values = indexes.map((i) => row[i]);
      // An outer join's missing side: no row to look for.
      if (!values.some((v) => v === null || v === undefined)) keys.set(identityKey(values), values);
    }
    if (keys.size === 0) continue;
    const found = new Set<unknown>();
    for (const condition of keyConditions(conn, mapper.primaryKey, [...keys.values()])) {
      const result = await conn.execute(select(...mapper.primaryKey).where(condition), { rowShape: "arrays" });
      for (const row of result.rows as unknown as unknown[][]) found.add(identityKey(row));
    }
    for (const key of keys.keys()) {
      if (found.has(key)) continue;
      gone ??= new Map();
      let set = gone.get(part);
      if (set === undefined) gone.set(part, (set = new Set()));
      set.add(key);
    }
  }
  return gone;
}
