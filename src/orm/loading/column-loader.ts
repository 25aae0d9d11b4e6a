/**
 * Loads column attributes of objects already loaded (deferred ones, or expired ones): one SELECT
 * of the primary key and those columns per chunk of keys, whatever the number of objects. The
 * engine of `session.load(obj, "body")`, `session.refresh(obj, ["body"])` and `await lazy(obj).body`.
 */
import { exactKeyCheck } from "./exact-keys.js";
import type { Column } from "../../core/schema/column.js";
import { select, type Select } from "../../core/statements/select.js";
import { identityKeyOf } from "../identity/identity-map.js";
import type { Mapper } from "../mapping/mapper.js";
import type { Labeled } from "../../core/expression/expression.js";
import type { FromSource } from "../../core/schema/table.js";
import { columnsReadBy, propertyLabel } from "../mapping/column-properties.js";
import type { InstanceState } from "../state/instance-state.js";
import { ObjectDeletedError } from "../errors.js";
import { chunks, keyFilter } from "./keys.js";
import { changedDuringRead, changesBefore } from "../state/changed-during-read.js";
import { lockedIfAny } from "./locked-rows.js";
import { isJoined } from "../mapping/joined-tables.js";

type Rows = (statement: Select<unknown>) => Promise<unknown[][]>;

/**
 * Reads `keys` (column attributes, not of the primary key) of each state from its row, replacing
 * what they held: they are loaded, not expired, and unchanged since (SQLAlchemy's refresh of
 * named attributes). A row no longer there raises `ObjectDeletedError`. Rows of `locked` (the
 * transaction locked them) are read under the lock (`lockedIfAny`).
 */
export async function loadColumns(
  rows: Rows,
  mapper: Mapper,
  states: readonly InstanceState[],
  keys: readonly string[],
  locked: ReadonlySet<InstanceState> | undefined,
): Promise<void> {
  const keyColumns = mapper.primaryKey;
  const indexes = keyColumns.map((_, i) => i);
  // A timestamp naming rows (a foreign key) read inexactly is refused (exact-keys.ts).
  const check = exactKeyCheck(mapper, [...mapper.keyAttributes, ...keys], 0);
  const query = select(...keyLabels(keyColumns), ...attributeLabels(mapper, keys));
  // Joined-table inheritance: the columns' tables joined on the key (a bare list of them would pair every row with every other).
  const from = isJoined(mapper) ? query.from(mapper.class_) : query;
  for (const chunk of chunks(states)) {
    const statement = lockedIfAny(
      from.where(keyFilter(keyColumns, mapper.keyAttributes, chunk.map((s) => s.dict))) as unknown as Select<unknown>,
      chunk,
      locked,
    );
    const byKey = new Map<unknown, unknown[]>();
    const before = changesBefore(chunk, keys);
    for (const row of await rows(statement)) {
      check?.(row);
      byKey.set(identityKeyOf(indexes, row), row);
    }
    for (const state of chunk) {
      const row = byKey.get(identityKeyOf(mapper.keyAttributes, state.dict));
      if (!row) throw new ObjectDeletedError(`${mapper.name} object (${mapper.keyAttributes.map((a) => `${a}=${String(state.dict[a])}`).join(", ")}) no longer exists in the database: another transaction deleted it.`);
      // An open savepoint keeps the object as it was: what is read in it may be undone with it.
      state.session?.changing(state);
      keys.forEach((key, i) => {
        const value = row[keyColumns.length + i];
        state.markLoaded(key);
        state.unexpire(key);
        // Assigned while the read was in flight: kept, to be written over the row's value.
        if (changedDuringRead(state, key, before)) state.committed![key] = value;
        else {
          state.dict[key] = value;
          if (state.committed) delete state.committed[key];
        }
      });
      if (state.committed && Object.keys(state.committed).length === 0) state.committed = undefined;
    }
  }
}

/** The attributes' columns (or column properties, on the plain tables) under labels of their own: `c0`, `c1`... */
function attributeLabels(mapper: Mapper, keys: readonly string[]): Labeled<unknown, string>[] {
  let plain: FromSource["c"] | undefined;
  return keys.map((key, i) => {
    const column = mapper.columns.get(key);
    if (column !== undefined) return column.label(`c${i}`);
    return propertyLabel(mapper, key, (plain ??= columnsReadBy(mapper, (c) => c.node))).label(`c${i}`);
  });
}

/** The key columns under labels of their own (`k0`, `k1`...): a key column may share a name with another. */
function keyLabels(columns: readonly Column[]) {
  return columns.map((column, i) => column.label(`k${i}`));
}
