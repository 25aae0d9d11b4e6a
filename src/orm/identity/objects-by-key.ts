/**
 * The objects of one mapper by identity key: the identity map's part per mapper.
 *
 * Keys that are small non-negative integers (the autoincremented keys of most tables) are slots
 * of an array: a lookup is an index, and the objects of rows read in key order sit next to each
 * other. A Map hashes consecutive keys all over its table, so that hydrating 100,000 rows took a
 * cache miss per lookup and per insert (measured: 200 ns a row, half the hydrator's time). The
 * array stays dense: a key joins it only if it is at most `MAX_GAP` past its end and the array
 * would not grow past twice its objects (plus `MAX_GAP`); any other key goes to a Map.
 */

/** How far past the end of the array a key may land (V8 keeps arrays with gaps this small fast). */
const MAX_GAP = 512;

/** Deletes from the Map, beyond its size, after which it is rebuilt (see `delete`). */
const CHURN_LIMIT = 256;

export class ObjectsByKey {
  private slots: (object | undefined)[] = [];
  /** Objects in `slots`. */
  private slotted = 0;
  private others = new Map<unknown, object>();
  /** Keys deleted from `others` since it was built. */
  private deleted = 0;

  get(key: unknown): object | undefined {
    if (isIndex(key) && key < this.slots.length) {
      const found = this.slots[key];
      // A key can be in the Map from before the array reached it.
      if (found !== undefined || this.others.size === 0) return found;
    }
    return this.others.size === 0 ? undefined : this.others.get(key);
  }

  /** Whether it holds no object. */
  get isEmpty(): boolean {
    return this.slotted === 0 && this.others.size === 0;
  }

  has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }

  set(key: unknown, obj: object): void {
    if (isIndex(key) && (key < this.slots.length || (key < this.slots.length + MAX_GAP && key < 2 * this.slotted + MAX_GAP))) {
      if (this.others.size !== 0) this.others.delete(key);
      if (this.slots[key] === undefined) this.slotted++;
      this.slots[key] = obj;
      return;
    }
    this.others.set(key, obj);
  }

  delete(key: unknown): void {
    if (isIndex(key) && key < this.slots.length && this.slots[key] !== undefined) {
      this.slots[key] = undefined;
      this.slotted--;
    }
    if (this.others.size === 0 || !this.others.delete(key)) return;
    this.deleted++;
    if (this.others.size === 0 || this.deleted >= this.others.size + CHURN_LIMIT) this.renew();
  }

  /**
   * A fresh Map in place of one that many deletes went through (a stream's batches leaving the
   * session). V8 rehashes a Map as it grows and shrinks, and each table it leaves points on to the
   * next; once one of them has reached the old generation, the young-generation collections take
   * it as live, and the chain from it keeps every object inserted since alive until a full
   * collection, so that each of a stream's objects was promoted (measured: 190 MB of 1M rows,
   * all garbage, and a peak RSS of 150-190 MB on MariaDB). A new Map starts no chain. Rebuilt
   * when it empties, or once its deletes outnumber its entries (plus a margin): O(1) a delete.
   */
  private renew(): void {
    this.others = this.others.size === 0 ? new Map() : new Map(this.others);
    this.deleted = 0;
  }

  /** Calls `fn` for every object (which must not add or remove any). */
  forEach(fn: (obj: object) => void): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i] !== undefined) fn(slots[i]!);
    this.others.forEach((obj) => fn(obj));
  }

  /** Empties it; the same object stays in use (hydrators hold on to it). */
  clear(): void {
    this.slots = [];
    this.slotted = 0;
    this.others = new Map();
    this.deleted = 0;
  }
}

function isIndex(key: unknown): key is number {
  return typeof key === "number" && key >>> 0 === key;
}
