/**
 * The list behind a one-to-many or many-to-many attribute: an Array whose mutating methods report
 * what was added and removed, so that the other side of the relationship (and, for the seed's
 * double path, the association objects) follow at once, before any flush.
 *
 * Mutate it with its methods (`push`, `unshift`, `pop`, `shift`, `splice`); writing an index
 * directly or setting `length` is not observed. Methods returning new arrays (`map`, `filter`, `slice`) return plain arrays.
 */

export interface CollectionListener {
  added(item: object): void;
  removed(item: object): void;
}

export class InstrumentedList<T extends object> extends Array<T> {
  static override get [Symbol.species]() {
    return Array;
  }

  /** Members as last loaded or flushed; undefined for a collection that never was. */
  committed: T[] | undefined;
  private listener: CollectionListener | undefined;

  /** Wraps `items` without reporting them as added. */
  static adopt<T extends object>(items: readonly T[], listener: CollectionListener, committed: boolean): InstrumentedList<T> {
    const list = new InstrumentedList<T>();
    // Filled by index: `push.apply` on an Array subclass takes V8's generic path (loaders adopt a list per parent).
    for (let i = 0; i < items.length; i++) list[i] = items[i]!;
    list.listener = listener;
    if (committed) list.committed = items.slice();
    return list;
  }

  override push(...items: T[]): number {
    const length = super.push(...items);
    for (const item of items) this.listener?.added(item);
    return length;
  }

  override unshift(...items: T[]): number {
    const length = super.unshift(...items);
    for (const item of items) this.listener?.added(item);
    return length;
  }

  override pop(): T | undefined {
    const item = super.pop();
    if (item !== undefined) this.listener?.removed(item);
    return item;
  }

  override shift(): T | undefined {
    const item = super.shift();
    if (item !== undefined) this.listener?.removed(item);
    return item;
  }

  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    const removed = deleteCount === undefined ? super.splice(start) : super.splice(start, deleteCount, ...items);
    for (const item of removed) this.listener?.removed(item);
    for (const item of items) this.listener?.added(item);
    return removed;
  }

  /**
   * Adds or removes without reporting: the other side's own events already did the rest.
   * Plain loops and an indexed store: these run for every link an object graph makes, and
   * `includes` / `super.push` on an Array subclass take V8's slower generic paths.
   */
  appendQuietly(item: T): void {
    const length = this.length;
    for (let i = 0; i < length; i++) if (this[i] === item) return;
    this[length] = item;
  }

  removeQuietly(item: T): void {
    const index = this.indexOf(item);
    if (index >= 0) super.splice(index, 1);
  }

  /** The membership is now what the database holds (after load or flush). */
  markCommitted(): void {
    const length = this.length;
    const members = new Array<T>(length);
    for (let i = 0; i < length; i++) members[i] = this[i]!;
    this.committed = members;
  }
}
