/**
 * Values a program can change in place without assigning the attribute: JSON objects and arrays
 * (`obj.data.x = 1`), dates (`obj.when.setFullYear(...)`) and bytes (`obj.bytes[0] = 1`). No
 * setter sees such a change, so the value's image (its JSON text, its time, a copy of its bytes)
 * is kept when it is first read from a persistent object, and compared with the value at the
 * next flush (`unit-of-work/mutations.ts`), as SQLAlchemy's PickleType comparator did. Objects
 * are watched only once such an attribute is read (or written by a flush): hydration and objects
 * whose values are never touched pay nothing.
 */
import type { SqlType } from "../../core/types/sql-type.js";
import type { InstanceState, StateOwner } from "./instance-state.js";

/** The column types whose values are mutable objects. */
export type MutableKind = "json" | "datetime" | "binary";

export function mutableKindOf(type: SqlType): MutableKind | undefined {
  const kind = type.kind;
  return kind === "json" || kind === "datetime" || kind === "binary" ? kind : undefined;
}

/** What a value was when watching began: the value itself, and an image of its contents then. */
interface Snapshot {
  readonly value: object;
  readonly image: string | number | Uint8Array;
}

/** Snapshots by attribute, per object: a WeakMap, so that objects never watched carry nothing. */
const snapshots = new WeakMap<InstanceState, Map<string, Snapshot>>();

/** The watched objects of each session, compared at its next flush. */
const watchedBySession = new WeakMap<StateOwner, Set<InstanceState>>();

/**
 * The image of a value's contents, or undefined when it has none to change (a string, a number)
 * or none can be made (JSON with a cycle or a bigint: it could not be written either).
 */
function imageOf(kind: MutableKind, value: unknown): string | number | Uint8Array | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  if (kind === "datetime") return value instanceof Date ? value.getTime() : undefined;
  if (kind === "binary") return value instanceof Uint8Array ? new Uint8Array(value) : undefined;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** Whether a value's contents are still those of `image`. */
function matchesImage(kind: MutableKind, value: object, image: string | number | Uint8Array): boolean {
  if (kind === "datetime") return Object.is((value as Date).getTime(), image);
  if (kind === "binary") return sameBytes(value as Uint8Array, image as Uint8Array);
  try {
    return JSON.stringify(value) === image;
  } catch {
    return false;
  }
}

/**
 * The value as it was when its image was taken: what a flush compares with and a rollback keeps.
 * Bytes read as a Buffer (the drivers') come back as a Buffer: a rollback may put them back.
 */
function valueFromImage(kind: MutableKind, image: string | number | Uint8Array, like?: unknown): unknown {
  if (kind === "datetime") return new Date(image as number);
  if (kind === "binary") return Buffer.isBuffer(like) ? Buffer.from(image as Uint8Array) : new Uint8Array(image as Uint8Array);
  return JSON.parse(image as string);
}

/** Starts watching `value`, read from attribute `key` of a persistent object (if not watched already). */
export function watchValue(state: InstanceState, key: string, kind: MutableKind, value: object): void {
  let byKey = snapshots.get(state);
  if (byKey?.get(key)?.value === value) return;
  const image = imageOf(kind, value);
  if (image === undefined) return;
  if (byKey === undefined) snapshots.set(state, (byKey = new Map()));
  byKey.set(key, { value, image });
  if (state.session !== undefined) watchedIn(state.session).add(state);
}

/** Watches the value a flush writes: the program may still hold it and change it afterwards. */
export function watchWritten(state: InstanceState, key: string, kind: MutableKind, value: unknown): void {
  const image = imageOf(kind, value);
  let byKey = snapshots.get(state);
  if (image === undefined) {
    byKey?.delete(key);
    return;
  }
  if (byKey === undefined) snapshots.set(state, (byKey = new Map()));
  byKey.set(key, { value: value as object, image });
}

/**
 * The attribute is being assigned: its old value, as it was before any change in place (what the
 * flush must compare the new value with), and the snapshot is dropped.
 */
export function valueBeforeMutation(state: InstanceState, key: string, kind: MutableKind, old: unknown): unknown {
  const byKey = snapshots.get(state);
  const snapshot = byKey?.get(key);
  if (snapshot === undefined) return old;
  byKey!.delete(key);
  return snapshot.value === old && !matchesImage(kind, snapshot.value, snapshot.image) ? valueFromImage(kind, snapshot.image) : old;
}

/**
 * If the watched value of `key` was changed in place: its value before the change (undefined
 * otherwise, or when the attribute holds another value since: assigned, or reloaded).
 */
export function mutatedFrom(state: InstanceState, key: string, kind: MutableKind): { readonly before: unknown } | undefined {
  const snapshot = snapshots.get(state)?.get(key);
  if (snapshot === undefined || snapshot.value !== state.dict[key]) return undefined;
  return matchesImage(kind, snapshot.value, snapshot.image) ? undefined : { before: valueFromImage(kind, snapshot.image, snapshot.value) };
}

/**
 * What a savepoint keeps of attribute `key`: a copy of its value as its watched image has it (as
 * last read or flushed), else a copy of the value now; the value object itself may still be
 * changed in place.
 */
export function valueToKeep(state: InstanceState, key: string, kind: MutableKind): unknown {
  const value = state.dict[key];
  const snapshot = snapshots.get(state)?.get(key);
  if (snapshot !== undefined && snapshot.value === value) return valueFromImage(kind, snapshot.image, value);
  const image = imageOf(kind, value);
  return image === undefined ? value : valueFromImage(kind, image, value);
}

/** An image of the contents of attribute `key`'s value now (undefined: nothing to change in place). */
export function contentsOf(state: InstanceState, key: string, kind: MutableKind): string | number | Uint8Array | undefined {
  return imageOf(kind, state.dict[key]);
}

/**
 * Gives `value` back the contents it had when `image` was taken (`contentsOf`): in place where it
 * can, since the program may hold it (a date, bytes of the same length, a plain object or array),
 * else a copy, watched as `value` was. Returns the value to put in the attribute.
 */
export function revertContents(state: InstanceState, key: string, kind: MutableKind, value: unknown, image: string | number | Uint8Array): unknown {
  if (typeof value !== "object" || value === null || matchesImage(kind, value, image)) return value;
  if (kind === "datetime" && value instanceof Date) {
    value.setTime(image as number);
    return value;
  }
  if (kind === "binary" && value instanceof Uint8Array && value.length === (image as Uint8Array).length) {
    value.set(image as Uint8Array);
    return value;
  }
  const copy = valueFromImage(kind, image, value);
  if (kind === "json" && refill(value, copy)) return value;
  const snapshot = snapshots.get(state)?.get(key);
  if (snapshot?.value === value) snapshots.get(state)!.set(key, { value: copy as object, image: snapshot.image });
  return copy;
}

/** Replaces a plain array's or object's members with `copy`'s; false for anything else. */
function refill(value: object, copy: unknown): boolean {
  if (Array.isArray(value) && Array.isArray(copy)) {
    value.length = 0;
    for (const item of copy) value.push(item);
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if ((proto !== Object.prototype && proto !== null) || typeof copy !== "object" || copy === null || Array.isArray(copy)) return false;
  for (const key of Object.keys(value)) delete (value as Record<string, unknown>)[key];
  Object.assign(value, copy);
  return true;
}

/** If the watched value of `key` was changed in place, gives it back its contents then (in place where it can). */
export function revertMutation(state: InstanceState, key: string, kind: MutableKind): void {
  const snapshot = snapshots.get(state)?.get(key);
  if (snapshot === undefined || snapshot.value !== state.dict[key]) return;
  state.dict[key] = revertContents(state, key, kind, snapshot.value, snapshot.image);
}

/** Whether the object has a snapshot of `key`'s current value. */
export function isWatched(state: InstanceState, key: string): boolean {
  const snapshot = snapshots.get(state)?.get(key);
  return snapshot !== undefined && snapshot.value === state.dict[key];
}

export function unwatch(state: InstanceState, key: string): void {
  snapshots.get(state)?.delete(key);
}

/** Whether any snapshot of the object is left. */
export function hasSnapshots(state: InstanceState): boolean {
  const byKey = snapshots.get(state);
  if (byKey !== undefined && byKey.size === 0) snapshots.delete(state);
  return byKey !== undefined && byKey.size !== 0;
}

export function unwatchAll(state: InstanceState): void {
  snapshots.delete(state);
}

/** The session's set of watched objects (made on first use). */
export function watchedIn(owner: StateOwner): Set<InstanceState> {
  let watched = watchedBySession.get(owner);
  if (watched === undefined) watchedBySession.set(owner, (watched = new Set()));
  return watched;
}

/** The session's watched objects, if it has any. */
export function watchedBy(owner: StateOwner): Set<InstanceState> | undefined {
  return watchedBySession.get(owner);
}

/**
 * Whether two column values are equal for the flush: the same value, or equal dates, bytes or
 * JSON contents (assigning an equal copy writes nothing).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return a !== 0 || Object.is(a, b); // -0 is not 0 (PostgreSQL's float8 holds it)
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return false;
  if (a instanceof LastRead || b instanceof LastRead) return false;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime());
  if (a instanceof Uint8Array || b instanceof Uint8Array) return a instanceof Uint8Array && b instanceof Uint8Array && sameBytes(a, b);
  try {
    return JSON.stringify(a) === JSON.stringify(b);
  } catch {
    return false;
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * `committed[key]` of an attribute marked with `flagModified`: its old value is unknown, and no
 * value equals it, so that the flush writes the attribute whatever it holds.
 */
export const FLAGGED: unique symbol = Symbol("flagged modified");

/**
 * `committed[key]` of an expired attribute assigned: the value the object last read, which the row
 * may no longer hold (another transaction may have changed it since). It equals no value, so the
 * flush writes the attribute (assigning the value read was otherwise no change, and was lost);
 * where the old value names the row (its key in a WHERE, a unique value handed on),
 * `storedValue` gives the value read, the best the session knows.
 */
export class LastRead {
  constructor(readonly value: unknown) {}
}

/** An attribute's value as the database holds it: the committed value if it changed (a flagged one is unchanged). */
export function storedValue(state: InstanceState, attr: string): unknown {
  const committed = state.committed;
  if (committed === undefined || !(attr in committed)) return state.dict[attr];
  return committedValue(committed[attr], state.dict[attr]);
}

/** A `committed[key]` entry as a value: a flagged one is `current` (unchanged), a `LastRead` the value read. */
export function committedValue(entry: unknown, current: unknown): unknown {
  return entry === FLAGGED ? current : entry instanceof LastRead ? entry.value : entry;
}
