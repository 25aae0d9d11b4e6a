/** One object per primary key per session: the identity map. */
import type { Mapper } from "../mapping/mapper.js";
import { peekState, type InstanceState, type StateOwner } from "../state/instance-state.js";
import { ObjectsByKey } from "./objects-by-key.js";

/**
 * The identity key of a row: the primary-key value itself for a single-column key (numbers and
 * strings compare by value in a Map). A composite key of two non-negative integers below 2^26
 * (most association tables) is packed into one exact number (`pairKey`); any other composite
 * key is a joined string. Keys of one mapper all have the same arity, and a number never equals
 * a string, so the forms cannot collide.
 */
export function identityKey(values: readonly unknown[]): unknown {
  if (values.length === 1) return normalizeKeyPart(values[0]);
  if (values.length === 2) return pairKey(normalizeKeyPart(values[0]), normalizeKeyPart(values[1]));
  let key = compositeKeyPart(values[0]);
  for (let i = 1; i < values.length; i++) key += "\u0000" + compositeKeyPart(values[i]);
  return key;
}

/**
 * The identity key of a row read from `source` at `fields`: attribute keys of an object's state
 * dict, or column indexes of an array row.
 */
export function identityKeyOf<F extends string | number>(fields: readonly F[], source: Readonly<Record<F, unknown>>): unknown {
  if (fields.length === 1) return normalizeKeyPart(source[fields[0]!]);
  if (fields.length === 2) return pairKey(normalizeKeyPart(source[fields[0]!]), normalizeKeyPart(source[fields[1]!]));
  let key = compositeKeyPart(source[fields[0]!]);
  for (let i = 1; i < fields.length; i++) key += "\u0000" + compositeKeyPart(source[fields[i]!]);
  return key;
}

/**
 * Two non-negative integer parts pack into one exact number, with no string per row: below 2^15
 * each, into a small integer below 2^30 (which V8 keeps unboxed); else, below 2^26 each, into a
 * negative number above -2^52, so that the two ranges never meet.
 */
const SMALL_PART_LIMIT = 2 ** 15;
const PACKED_PART_LIMIT = 2 ** 26;

function pairKey(a: unknown, b: unknown): unknown {
  if (isPackable(a) && isPackable(b)) {
    return a < SMALL_PART_LIMIT && b < SMALL_PART_LIMIT ? a * SMALL_PART_LIMIT + b : -(a * PACKED_PART_LIMIT + b) - 1;
  }
  return compositeKeyPart(a) + "\u0000" + compositeKeyPart(b);
}

function isPackable(part: unknown): part is number {
  return typeof part === "number" && part >= 0 && part < PACKED_PART_LIMIT && Number.isInteger(part);
}

/**
 * One value of a composite key, typed so that 1 and "1" differ. Text carries its length, so that
 * a part containing the separator cannot end early (("a\0sb", "c") and ("a", "b\0sc") were both
 * "sa\0sb\0sc").
 */
function compositeKeyPart(value: unknown): string {
  // Typed by the normalized value (a bigint that fits is the number): 1 is "n1", "1" is "s1:1".
  const part = normalizeKeyPart(value);
  if (typeof part === "number") return "n" + part;
  if (typeof part === "string") return "s" + part.length + ":" + part;
  const text = String(part);
  return `${typeof part}${text.length}:${text}`;
}

/**
 * Keys compare by value: a bigint that fits and the same number are the same key, and so are a
 * UUID in upper and in lower case (case-insensitive, RFC 9562; PostgreSQL answers lower case).
 * A Date is its time in milliseconds and bytes their text: as objects, each row read back made a
 * new key (a second object for the row), and in a composite key a Date was its text to the
 * second, so rows a millisecond apart were one object.
 */
function normalizeKeyPart(value: unknown): unknown {
  if (typeof value === "string") return value.length === 36 ? lowerCaseIfUuid(value) : value;
  if (typeof value === "object" && value !== null) return objectKeyPart(value);
  return typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value;
}

/**
 * A key value that is an object (a `datetime()` key's Date, a `binary()` key's bytes) by its
 * value: a Map compares objects by identity, so each row read made a new Date, found no object
 * and made another (two objects for one row, a loaded collection of such parents empty), and a
 * composite part was `String(date)`, which drops the milliseconds (two rows, one object).
 */
function objectKeyPart(value: object): unknown {
  if (value instanceof Date) return value.getTime();
  if (value instanceof Uint8Array) return "\u0001" + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex");
  return value;
}

const UUID_WITH_UPPER_CASE = /^(?=.*[A-F])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** A 36-character string: lower case if it is a UUID with upper-case digits, else as it is. */
function lowerCaseIfUuid(value: string): string {
  return value.charCodeAt(8) === 45 && UUID_WITH_UPPER_CASE.test(value) ? value.toLowerCase() : value;
}

/** States per chunk of the list of reached states (see `IdentityMap.reached`). */
const REACHED_CHUNK = 1024;

export class IdentityMap {
  /** The objects of each mapper, kept for the session's life (hydrators hold on to them). */
  private readonly byMapper = new Map<Mapper, ObjectsByKey>();
  /**
   * Objects a flush inserted, not yet in their mapper's part. Building the parts costs a large
   * insert more than its INSERT statements, and most sessions commit and close without looking
   * any of those objects up: every lookup indexes them first, each under its state's key.
   */
  private unindexed: (readonly InstanceState[])[] = [];
  /**
   * The states reached since the session last expired its objects (`InstanceState.touch`): the
   * only ones that can hold values loaded since, so the only ones expire-on-commit visits. A walk
   * over the whole map cost every commit about 10 ns per object held, already expired or not.
   * Kept in chunks of `REACHED_CHUNK`: one array grown to hold every object a large load or
   * insert reaches is copied as it grows and soon lives in the old generation, where storing
   * each new state costs a write barrier (32,000 pushes: 1.75 ms flat, 0.34 ms chunked).
   */
  private reached: InstanceState[][] = [];
  private reaching: InstanceState[] = [];
  /**
   * Objects that left the session since the list was last emptied or compacted: a stream
   * releases every batch's objects, which the list would otherwise hold until the next commit.
   */
  private left = 0;
  /** How many times the map was cleared (its session closed): an object let go before stays out (streaming.ts). */
  generation = 0;

  /**
   * While a savepoint is open, the objects given values read from the database in it (set by the
   * session's transactions): rolling it back expires them, since the rows they were read from may
   * have been written in it (SQL text, bulk DML) and are as they were again.
   */
  savepointReads: Set<InstanceState> | undefined = undefined;

  /**
   * The objects whose rows the open transaction locked (`forUpdate()`), set by the session's
   * transactions: loaders read them again under the lock (locked-rows.ts `lockedIfAny`).
   */
  lockedRows: Set<InstanceState> | undefined = undefined;

  /** @param owner the session whose objects these are */
  constructor(private readonly owner: StateOwner) {}

  get(mapper: Mapper, key: unknown): object | undefined {
    return this.forMapper(mapper).get(key);
  }

  set(mapper: Mapper, key: unknown, obj: object): void {
    this.forMapper(mapper).set(key, obj);
  }

  /** Adds inserted objects, each under the key its state has now; indexed on the next lookup. */
  addInserted(states: readonly InstanceState[]): void {
    this.unindexed.push(states);
  }

  delete(mapper: Mapper, key: unknown): void {
    this.forMapper(mapper).delete(key);
  }

  /** Whether objects wait to be indexed: a hydrator holding a mapper's part checks this per row. */
  get hasUnindexed(): boolean {
    return this.unindexed.length !== 0;
  }

  /**
   * The objects of one mapper, created on demand and the same object from then on: hydration
   * looks keys up in it in a tight loop.
   */
  forMapper(mapper: Mapper): ObjectsByKey {
    if (this.unindexed.length !== 0) this.indexInserted();
    return this.mapOf(mapper);
  }

  /** Calls `fn` for every object (which must not add to or remove from the map). */
  forEachObject(fn: (obj: object) => void): void {
    for (const map of this.byMapper.values()) map.forEach(fn);
    for (const states of this.unindexed) for (let i = 0; i < states.length; i++) fn(states[i]!.obj);
  }

  /** Calls `fn` with the state of every object (the inserted ones waiting to be indexed have theirs at hand). */
  forEachState(fn: (state: InstanceState) => void): void {
    for (const map of this.byMapper.values()) map.forEach((obj) => fn(peekState(obj)!));
    for (const states of this.unindexed) for (let i = 0; i < states.length; i++) fn(states[i]!);
  }

  /** Notes a state of the session's objects reached since it last expired them (see `reached`). */
  noteReached(state: InstanceState): void {
    if (this.reaching.length === REACHED_CHUNK) this.startChunk();
    this.reaching.push(state);
  }

  /** An object left the session (expunged, released by a stream): the list may hold it for nothing. */
  noteLeft(): void {
    this.left++;
  }

  private startChunk(): void {
    this.reached.push(this.reaching);
    this.reaching = [];
    // Compacted once objects gone make up half of it: each pass is paid for by as many leavings.
    if (this.left * 2 >= this.reachedCount) this.compactReached();
  }

  /** Keeps the states still the session's (a stream's released batches go). */
  private compactReached(): void {
    const chunks = this.reached;
    this.reached = [];
    this.left = 0;
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) if (chunk[i]!.session === this.owner) this.noteReached(chunk[i]!);
    }
  }

  /** How many states `drainReached` would visit now. */
  get reachedCount(): number {
    return this.reached.length * REACHED_CHUNK + this.reaching.length;
  }

  /**
   * Calls `fn` with each state reached since the last call that is still the session's, and forgets
   * them: each is noted again when next reached. Every other object of the session was expired
   * before and not reached since, so is expired still.
   */
  drainReached(fn: (state: InstanceState) => void): void {
    const chunks = this.reached;
    chunks.push(this.reaching);
    this.reached = [];
    this.reaching = [];
    this.left = 0;
    for (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) {
        const state = chunk[i]!;
        // Expunged (and maybe in another session now): no longer this session's to expire.
        if (state.session !== this.owner) continue;
        state.unreached();
        fn(state);
      }
    }
  }

  clear(): void {
    this.generation++;
    for (const map of this.byMapper.values()) map.clear();
    this.unindexed = [];
    this.reached = [];
    this.reaching = [];
    this.left = 0;
  }

  /** Puts the objects waiting in `unindexed` into their mappers' parts. */
  indexInserted(): void {
    const unindexed = this.unindexed;
    this.unindexed = [];
    for (const states of unindexed) {
      // Consecutive states are mostly of one mapper: its part is looked up when the mapper changes.
      let mapper: Mapper | undefined;
      let part: ObjectsByKey | undefined;
      for (let i = 0; i < states.length; i++) {
        const state = states[i]!;
        if (state.mapper !== mapper) part = this.mapOf((mapper = state.mapper));
        part!.set(state.key, state.obj);
      }
    }
  }

  private mapOf(mapper: Mapper): ObjectsByKey {
    // The classes of a single-table hierarchy share their rows' keys: one entry per row, whichever class asks.
    if (mapper.inheritance !== undefined) mapper = mapper.inheritance.hierarchy.root;
    let map = this.byMapper.get(mapper);
    if (!map) this.byMapper.set(mapper, (map = new ObjectsByKey()));
    return map;
  }
}
