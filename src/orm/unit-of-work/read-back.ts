/**
 * Values the database computes, read back by the flush's own statements (SQLAlchemy's
 * `eager_defaults`): an INSERT's RETURNING gives the server defaults it applied and the generated
 * columns, an UPDATE's the generated columns it recomputed, where the dialect has RETURNING for
 * that verb. Elsewhere those attributes are expired, as before: a value the database may have
 * changed is never left readable. A model with neither sends the statements it always sent.
 */
import { InvalidRequestError } from "../../core/errors.js";
import type { Table } from "../../core/schema/table.js";
import { identityKeyOf } from "../identity/identity-map.js";
import type { MappedColumn, Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";
import { mutableKindOf, sameValue, watchValue, watchedIn } from "../state/mutable-values.js";
import type { PersistContext } from "./persister.js";

/** What a batch read back, kept by the journal: undoing the INSERT clears these values again. */
export interface ReadBackBatch {
  readonly states: readonly InstanceState[];
  readonly attrs: readonly string[];
  /** Per state, the values read back, in `attrs` order. */
  readonly values: readonly (readonly unknown[])[];
}

const NONE: readonly MappedColumn[] = [];

/**
 * The columns of `table` an INSERT giving `given` reads back: those with a server default the
 * rows leave out, and the generated ones. Not the primary key (the flush reads a generated key
 * back on its own, `mapper.generatedKey`). None without RETURNING on INSERT, or with `eagerDefaults: false`.
 * @internal
 */
export function insertReadBack(ctx: PersistContext, mapper: Mapper, table: Table, given: readonly MappedColumn[]): readonly MappedColumn[] {
  if (mapper.serverDefaulted.length === 0 || !mapper.eagerDefaults || !ctx.conn.dialect.capabilities.insertReturning) return NONE;
  const picked: MappedColumn[] = [];
  for (const mapped of mapper.tableColumns) {
    const { column } = mapped;
    if (column.table !== table || column.primaryKey || (column.serverDefault === undefined && column.generated === undefined)) continue;
    if (!given.some((g) => g.column === column)) picked.push(mapped);
  }
  return picked;
}

/**
 * The generated columns an UPDATE of one row reads back, on a single-table mapper where the dialect
 * has UPDATE ... RETURNING (every one of them: their expressions are SQL the flush cannot read to
 * tell which inputs changed). None elsewhere: the caller expires them.
 * @internal
 */
export function updateReadBack(ctx: PersistContext, mapper: Mapper, joined: boolean): readonly MappedColumn[] {
  if (mapper.generatedColumns.length === 0 || joined || !mapper.eagerDefaults || !ctx.conn.dialect.capabilities.updateReturning) return NONE;
  return mapper.generatedColumns.map((attr) => ({ attr, column: mapper.columns.get(attr)! }));
}

/**
 * Sets the values an INSERT's RETURNING gave: `rows[j]` is `[key?, ...keyColumns?, ...values]`.
 * With a generated key (`keyGenerated`), the row that gave an object its key gives its values.
 * Otherwise each row names its row by the key the object gave, and is matched by it, not by
 * position (SQLite, for one, does not promise RETURNING's order).
 * @internal
 */
export function setInsertedValues(ctx: PersistContext, mapper: Mapper, chunk: readonly InstanceState[], rows: readonly unknown[][], readBack: readonly MappedColumn[], keyGenerated: boolean): void {
  const attrs = readBack.map((m) => m.attr);
  const skip = keyGenerated ? 1 : mapper.primaryKey.length;
  const ordered = keyGenerated ? rows : rowsInChunkOrder(mapper, chunk, rows);
  const values: unknown[][] = new Array(chunk.length);
  for (let j = 0; j < chunk.length; j++) {
    const row = ordered[j]!;
    values[j] = row.slice(skip);
    setValues(ctx, chunk[j]!, readBack, values[j]!);
  }
  ctx.journal.readBack.push({ states: chunk, attrs, values });
}

/** The RETURNING rows in the order of `chunk`, matched by primary key. */
function rowsInChunkOrder(mapper: Mapper, chunk: readonly InstanceState[], rows: readonly unknown[][]): readonly unknown[][] {
  const width = mapper.primaryKey.length;
  const keyOfRow = (row: unknown[]) => identityKeyOf(indexes(width), row as unknown as Record<number, unknown>);
  // Mostly in order: checked row by row, and matched by key only when one is not.
  let inOrder = rows.length === chunk.length;
  for (let j = 0; inOrder && j < chunk.length; j++) inOrder = keyOfRow(rows[j]!) === identityKeyOf(mapper.keyAttributes, chunk[j]!.dict);
  if (inOrder) return rows;
  if (rows.length !== chunk.length) throw new Error(`internal: the INSERT of ${chunk.length} ${mapper.name} rows returned ${rows.length}`);
  const byKey = new Map(rows.map((row) => [keyOfRow(row), row]));
  const matched = chunk.map((state) => byKey.get(identityKeyOf(mapper.keyAttributes, state.dict)));
  if (matched.every((row) => row !== undefined)) return matched as unknown[][];
  // A key the database returns in another form than given: a CHAR(n) padded with spaces, a
  // number as its text. Matched again with those told apart no more; never by position, since
  // no database promises RETURNING's rows in the order of VALUES.
  const loose = (parts: readonly unknown[]) => parts.map((part) => (typeof part === "string" ? part.trimEnd() : String(part))).join("\u0000");
  const byLooseKey = new Map(rows.map((row) => [loose(row.slice(0, width)), row]));
  const again = chunk.map((state) => byLooseKey.get(loose(mapper.keyAttributes.map((attr) => state.dict[attr]))));
  if (byLooseKey.size === rows.length && again.every((row) => row !== undefined)) return again as unknown[][];
  throw new InvalidRequestError(
    `The INSERT of ${chunk.length} ${mapper.name} rows returned keys that do not name them as given (${rows.slice(0, 3).map((row) => JSON.stringify(row.slice(0, width))).join(", ")}...), ` +
      `so the values it read back cannot be told apart. Nothing was kept: the flush is rolled back. Give such keys as the database stores them, ` +
      `or map the model with @model({ eagerDefaults: false }) to read those values later instead.`,
  );
}

const indexLists: number[][] = [];
function indexes(width: number): number[] {
  return (indexLists[width] ??= Array.from({ length: width }, (_, i) => i));
}

/**
 * Sets the generated values an UPDATE's RETURNING gave (one row). Not journaled: undoing the
 * UPDATE expires the generated columns (journal.ts, `undoUpdate`).
 * @internal
 */
export function setUpdatedValues(ctx: PersistContext, state: InstanceState, readBack: readonly MappedColumn[], row: readonly unknown[]): void {
  setValues(ctx, state, readBack, row);
}

function setValues(ctx: PersistContext, state: InstanceState, readBack: readonly MappedColumn[], row: readonly unknown[]): void {
  for (let c = 0; c < readBack.length; c++) {
    const { attr, column } = readBack[c]!;
    const value = row[c];
    // Before the value is set: an open savepoint copies the object with the attribute still expired.
    if (state.expired !== undefined) state.unexpire(attr);
    state.dict[attr] = value;
    // A date or JSON value the program may change in place: watched, as a loaded one is, unless a commit expiring every object follows.
    const kind = mutableKindOf(column.type);
    if (kind !== undefined && !ctx.expiring && typeof value === "object" && value !== null && state.session !== undefined) {
      watchValue(state, attr, kind, value);
      watchedIn(state.session).add(state);
    }
  }
}

/**
 * The INSERTs were undone: the values they read back leave the objects (pending or transient
 * again, the next INSERT lets the database compute them again), unless the program assigned
 * another value since.
 * @internal
 */
export function clearReadBack(batches: readonly ReadBackBatch[]): void {
  for (const { states, attrs, values } of batches) {
    for (let j = 0; j < states.length; j++) {
      const dict = states[j]!.dict;
      for (let a = 0; a < attrs.length; a++) if (sameValue(dict[attrs[a]!], values[j]![a])) dict[attrs[a]!] = undefined;
    }
  }
}
