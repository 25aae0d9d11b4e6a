/**
 * Rows a stream's cursor still has that its session deleted since: PostgreSQL's cursor reads as of
 * when it opened, and yielded such a row as a new persistent object, whose next change failed with
 * a StaleDataError blaming another transaction. The stream's readers skip them (`skippingDeleted`):
 * those its flushes deleted by their objects' keys, those deleted otherwise (a bulk DELETE, SQL
 * text, a database cascade) by looking the batch's keys up once the transaction wrote (gone-rows.ts).
 */
import type { ColumnPlan } from "../mapping/column-plan.js";
import type { Mapper } from "../mapping/mapper.js";
import { identityKey, type IdentityMap } from "../identity/identity-map.js";
import type { ObjectsByKey } from "../identity/objects-by-key.js";
import type { InstanceState } from "../state/instance-state.js";
import type { Hydrator } from "./hydrate.js";
import type { Connection } from "../../engine/connection.js";
import { checkRows, type Rereadable, type StreamedEntity } from "./gone-rows.js";
import type { Rejoin } from "./stream-rejoins.js";

/** @internal What a stream's query knows of its items: those on the nullable side of an outer join, and those whose columns can be read again. */
export interface StreamedItems {
  readonly outerJoined: readonly boolean[];
  readonly reread: readonly (Rereadable | undefined)[];
}

/** @internal What a skipping reader returns for a deleted row: the query runner drops the rows that have it. */
export const DELETED_ROW: object = Object.freeze({});

/** @internal The keys of the rows a session deleted in its transaction, read again before each batch of a stream. */
export class DeletedRows {
  /** Per identity-map part (a class hierarchy's), the keys of its deleted rows; undefined while none are. */
  private keys: Map<ObjectsByKey, Set<unknown>> | undefined;
  /** The lists `keys` was made from, and their lengths: the same again, nothing to redo. */
  private madeFrom: (readonly InstanceState[])[] = [];
  private lengths: number[] = [];
  /** `keys` with the keys of the batch's rows found gone (`checkRows`); undefined when none is. */
  private batchKeys: Map<ObjectsByKey, Set<unknown>> | undefined;
  /** The entities the stream's readers read. */
  private readonly entities: StreamedEntity[] = [];
  /** The stream's joined loads, read again with the batch's rows (stream-rejoins.ts). */
  private readonly rejoins: Rejoin[] = [];
  /** The connection's write count when the first batch came: the cursor reads as of then. */
  private writesAtOpen: number | undefined;
  /** A reader returned `DELETED_ROW` since the last `takeSkipped`. */
  private skipped = false;

  constructor(
    private readonly identity: IdentityMap,
    /** The objects the flushes of the session's open transaction deleted (its journals', savepoints' too). */
    private readonly deleted: () => (readonly InstanceState[])[],
    /** The session's connection, once its transaction is open. */
    private readonly connection: () => Connection | undefined,
  ) {}

  /**
   * Before a batch is read: the keys deleted since the cursor opened. Once the transaction wrote beside the cursor (async
   * then), the batch's rows are looked up: those gone are skipped, the others' entity columns read again (gone-rows.ts).
   */
  refresh(rows: readonly unknown[][]): Promise<void> | undefined {
    this.refreshDeleted();
    this.batchKeys = undefined;
    const conn = this.connection();
    if (conn === undefined || this.entities.length === 0) return undefined;
    const writes = conn.writesBesideStreams;
    this.writesAtOpen ??= writes;
    return writes === this.writesAtOpen ? undefined : this.lookUp(conn, rows);
  }

  /** @internal Notes an entity a reader reads (once per part and key position). */
  track(entity: StreamedEntity): void {
    const same = (e: StreamedEntity) => e.part === entity.part && e.indexes.every((index, i) => index === entity.indexes[i]);
    if (!this.entities.some(same)) this.entities.push(entity);
  }

  /** @internal Notes the stream's joined loads, to read again with each batch looked up. */
  rejoin(rejoin: Rejoin): void {
    this.rejoins.push(rejoin);
  }

  private async lookUp(conn: Connection, rows: readonly unknown[][]): Promise<void> {
    for (const rejoin of this.rejoins) await rejoin.reread(conn, rows);
    const gone = await checkRows(conn, this.entities, rows);
    if (gone === undefined) return;
    const keys = new Map(this.keys);
    for (const [part, set] of gone) for (const key of keys.get(part) ?? []) set.add(key);
    for (const [part, set] of gone) keys.set(part, set);
    this.batchKeys = keys;
  }

  /** Reads the deleted objects again: once per batch, a pass over them only when they changed. */
  private refreshDeleted(): void {
    const lists = this.deleted();
    if (lists.length === this.madeFrom.length && lists.every((list, i) => list === this.madeFrom[i] && list.length === this.lengths[i])) return;
    this.madeFrom = lists;
    this.lengths = lists.map((list) => list.length);
    let keys: Map<ObjectsByKey, Set<unknown>> | undefined;
    for (const list of lists) {
      for (const state of list) {
        // An undone delete (a failed flush, a savepoint rolled back) left the object persistent.
        if (!state.deleted || state.key === undefined) continue;
        const part = this.identity.forMapper(state.mapper);
        keys ??= new Map();
        let set = keys.get(part);
        if (set === undefined) keys.set(part, (set = new Set()));
        set.add(state.key);
      }
    }
    this.keys = keys;
  }

  /** Whether a reader skipped a row since the last call. */
  takeSkipped(): boolean {
    const skipped = this.skipped;
    this.skipped = false;
    return skipped;
  }

  /** @internal The keys deleted from `part`, if any. */
  keysOf(part: ObjectsByKey): ReadonlySet<unknown> | undefined {
    return (this.batchKeys ?? this.keys)?.get(part);
  }

  /** @internal Notes that a reader skipped a row. */
  noteSkipped(): void {
    this.skipped = true;
  }
}

/**
 * @internal `read`, but a row whose key the session deleted in its transaction, and holds no object under
 * again (one added back under the key is the row's), reads as `DELETED_ROW`: the query would not
 * return the row now. An entity on the nullable side of an outer join (`outerJoined`) reads as
 * null instead, as the query would read it now, and the rest of the row stays. Costs a property
 * read per row while the transaction deleted nothing of the class.
 */
export function skippingDeleted(
  read: Hydrator,
  mapper: Mapper,
  start: number,
  plan: ColumnPlan,
  identity: IdentityMap,
  deleted: DeletedRows,
  outerJoined: boolean,
  reread: Rereadable | undefined,
): Hydrator {
  const indexes = mapper.primaryKey.map((column) => start + plan.keys.indexOf(mapper.attributeFor(column)!));
  const part = identity.forMapper(mapper);
  deleted.track({ part, mapper, indexes, start, reread });
  return (row) => {
    const keys = deleted.keysOf(part);
    if (keys === undefined) return read(row);
    const key = identityKey(indexes.map((i) => row[i]));
    if (!keys.has(key)) return read(row);
    if (identity.hasUnindexed) identity.indexInserted();
    if (part.has(key)) return read(row);
    if (outerJoined) return null;
    deleted.noteSkipped();
    return DELETED_ROW;
  };
}
