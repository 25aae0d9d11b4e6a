/**
 * The objects of one mapper by identity key: the identity map's part per mapper.
 *
 * Keys that are small non-negative integers (the autoincremented keys of most tables) are slots
 * of an array: a lookup is an index, and the objects of rows read in key order sit next to each
 * other. A Map hashes consecutive keys all over its table, so that hydrating 100,000 rows took a
 * cache miss per lookup and per insert (measured: 200 ns a row, half the hydrator's time). The
 * array stays dense: a key joins it only if it is at most `MAX_GAP` past its end and the array
 * would not grow past twice its objects (plus `MAX_GAP`); any other key goes to a Map.
 *
 * After a commit that expires every object, `weaken()` moves them all to `weak`, held by WeakRef:
 * an expired, unmodified object the application no longer holds can be collected (as
 * SQLAlchemy's weak identity map allows), so a session used for many commits keeps only the
 * objects still in use. One it still holds is found there, the same object, until it is loaded
 * or changed again (then it is strong again: `set`, and the unit of work holds modified ones).
 */

/** How far past the end of the array a key may land (V8 keeps arrays with gaps this small fast). */
const MAX_GAP = 512;

export class ObjectsByKey {
  private slots: (object | undefined)[] = [];
  /** Objects in `slots`. */
  private slotted = 0;
  private readonly others = new Map<unknown, object>();
  private readonly weak = new Map<unknown, WeakRef<object>>();

  get(key: unknown): object | undefined {
    if (isIndex(key) && key < this.slots.length) {
      const found = this.slots[key];
      // A key can be in the Map from before the array reached it.
      if (found !== undefined || (this.others.size === 0 && this.weak.size === 0)) return found;
    }
    const other = this.others.size === 0 ? undefined : this.others.get(key);
    return other !== undefined || this.weak.size === 0 ? other : this.weakGet(key);
  }

  private weakGet(key: unknown): object | undefined {
    const ref = this.weak.get(key);
    if (ref === undefined) return undefined;
    const obj = ref.deref();
    if (obj === undefined) this.weak.delete(key);
    return obj;
  }

  has(key: unknown): boolean {
    return this.get(key) !== undefined;
  }

  set(key: unknown, obj: object): void {
    if (this.weak.size !== 0) this.weak.delete(key);
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
    if (this.others.size !== 0) this.others.delete(key);
    if (this.weak.size !== 0) this.weak.delete(key);
  }

  /**
   * Holds every object weakly from now on (see the class comment), and forgets those already
   * collected: the entries are then the objects still alive plus those collected since.
   */
  weaken(): void {
    for (const [key, ref] of this.weak) if (ref.deref() === undefined) this.weak.delete(key);
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i] !== undefined) this.weak.set(i, new WeakRef(slots[i]!));
    for (const [key, obj] of this.others) this.weak.set(key, new WeakRef(obj));
    this.slots = [];
    this.slotted = 0;
    this.others.clear();
  }

  /** Entries held, strongly or weakly (the weak ones of collected objects included until the next `weaken`). */
  get size(): number {
    return this.slotted + this.others.size + this.weak.size;
  }

  /** Calls `fn` for every object (which must not add or remove any). */
  forEach(fn: (obj: object) => void): void {
    const slots = this.slots;
    for (let i = 0; i < slots.length; i++) if (slots[i] !== undefined) fn(slots[i]!);
    this.others.forEach((obj) => fn(obj));
    if (this.weak.size === 0) return;
    for (const ref of this.weak.values()) {
      const obj = ref.deref();
      if (obj !== undefined) fn(obj);
    }
  }

  /** Empties it; the same object stays in use (hydrators hold on to it). */
  clear(): void {
    this.slots = [];
    this.slotted = 0;
    this.others.clear();
    this.weak.clear();
  }
}

function isIndex(key: unknown): key is number {
  return typeof key === "number" && key >>> 0 === key;
}
