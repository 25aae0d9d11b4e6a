/**
 * The list behind a one-to-many or many-to-many attribute: an Array whose mutating methods report
 * what was added and removed, so that the other side of the relationship (and, for the seed's
 * double path, the association objects) follow at once, before any flush.
 *
 * Mutate it with its methods (`push`, `unshift`, `pop`, `shift`, `splice`); writing an index
 * directly or setting `length` is not observed. Methods returning new arrays (`map`, `filter`, `slice`) return plain arrays.
 *
 * It may hold an object twice, as any Array may; the relationship still links the two objects
 * once. Only when an object's last copy leaves the list is it reported removed (`reportRemoved`).
 * A second `push` is not refused: an error thrown from an Array method would break ordinary code
 * (a list built from data with repeats), and the flush already writes links as a set, so the
 * link is written once (a one-to-many's foreign key is set once) whatever the list holds.
 */

/**
 * Where a list reports its changes: one object per relationship, shared by every list of it (a
 * session holds tens of thousands of lists; a listener per list would double their cost).
 */
export interface CollectionEvents {
  /** Before any change, quiet ones too (a savepoint copies the owner first). */
  changing(owner: object): void;
  /** Before a change the application makes (not a quiet one): refused while the owner's session writes (`writable.ts`). */
  checkWritable(owner: object): void;
  added(owner: object, item: object): void;
  removed(owner: object, item: object): void;
}

/** Lists from this length on check membership with a Map of counts rather than a scan. */
const MEMBERSHIP_SET_FROM = 32;

/** `committed` of a list whose members are what the database holds: the list itself, uncopied. */
const CLEAN = Symbol("clean");

/**
 * `committed` of a list assigned to a persistent object's relationship that was not loaded: the
 * members the database holds are not known until the flush reads them (`unread-collections.ts`).
 */
const UNREAD = Symbol("unread");

/**
 * What a list's committed membership is, for a journal to put back: undefined (never committed),
 * the members as an array never mutated afterwards, the list's own contents, or not read yet.
 */
export type CommittedMembers<T> = readonly T[] | undefined | typeof CLEAN | typeof UNREAD;

/** The array of a to-many relationship: records additions and removals for the flush, and keeps back-references in step. */
export class InstrumentedList<T extends object> extends Array<T> {
  static override get [Symbol.species]() {
    return Array;
  }

  private owner: object | undefined;
  private events: CollectionEvents | undefined;
  /**
   * Copy on write: a list just loaded or flushed is CLEAN, and its first change afterwards copies
   * the members it had, so that a flush touching thousands of lists copies none of them.
   */
  private committedMembers: CommittedMembers<T>;
  /**
   * How many times each member is in the list, once the list is long enough for a membership
   * check to need a Map (else each link added to, or removed from, a large collection would scan
   * it: quadratic). Kept up to date by the methods; rebuilt when next needed if the length shows
   * a change it did not see (an index written directly).
   */
  private membership: { readonly counts: Map<T, number>; length: number } | undefined;

  /** @internal Wraps `items` (copied) without reporting them as added. */
  static adopt<T extends object>(items: readonly T[], owner: object, events: CollectionEvents, committed: boolean): InstrumentedList<T> {
    const list = new InstrumentedList<T>();
    // Filled by index: `push.apply` on an Array subclass takes V8's generic path (loaders adopt a list per parent).
    for (let i = 0; i < items.length; i++) list[i] = items[i]!;
    list.owner = owner;
    list.events = events;
    list.committedMembers = committed ? CLEAN : undefined;
    return list;
  }

  /** @internal Members as last loaded or flushed; undefined for a collection that never was. */
  get committed(): readonly T[] | undefined {
    const members = this.committedMembers;
    if (members === UNREAD) throw new Error("internal: the committed members of a list assigned while not loaded are read before the flush");
    return members === CLEAN ? this.slice() : members;
  }

  /**
   * @internal Whether the list replaced one that was not loaded: until the flush reads them, the members
   * the database holds are unknown, and so are those it removes.
   */
  get awaitsCommitted(): boolean {
    return this.committedMembers === UNREAD;
  }

  /** @internal The committed membership for a list that replaces this one: a copy where it is this list's own contents. */
  handOverCommitted(): CommittedMembers<T> {
    return this.committedMembers === CLEAN ? this.slice() : this.committedMembers;
  }

  /** @internal Whether the members differ, or may differ, from those last loaded or flushed. */
  get changed(): boolean {
    return this.committedMembers !== CLEAN;
  }

  /**
   * @internal The members not among those last loaded or flushed: none for an unchanged list, every member
   * of one never committed (or assigned while not loaded, whose committed members are unknown).
   */
  gained(): readonly T[] {
    const members = this.committedMembers;
    if (members === CLEAN) return [];
    if (members === UNREAD || members === undefined || members.length === 0) return this;
    const before = new Set(members);
    return this.filter((member) => !before.has(member));
  }

  /** @internal The committed membership as it stands, for `restoreCommitted` (no copy). */
  saveCommitted(): CommittedMembers<T> {
    return this.committedMembers;
  }

  /** @internal */
  restoreCommitted(saved: CommittedMembers<T>): void {
    this.committedMembers = saved;
  }

  /** @internal The membership is now what the database holds (after load or flush). */
  markCommitted(): void {
    this.committedMembers = CLEAN;
  }

  /** @internal Starts as a list replacing one of a persistent object that was not loaded (see `awaitsCommitted`). */
  markUnread(): void {
    this.committedMembers = UNREAD;
  }

  /**
   * `Array.push`, reported: each object added is linked at once (its back-reference set, the
   * save-update cascade adding it to the owner's session) and written at the next flush.
   *
   * ```ts
   * const post = (await session.get(Post, 1))!;
   * post.tags.push(create(Tag, { name: "sql" })); // the tag joins the session; tag.posts includes post
   * await session.commit(); // INSERT INTO tags ...; INSERT INTO post_tags (post_id, tag_id) ...
   * ```
   */
  override push(...items: T[]): number {
    this.checkWritable();
    this.beforeChange();
    const at = this.length;
    const length = super.push(...items);
    this.noteAdded(items);
    this.reportAdded(items, at);
    return length;
  }

  /**
   * `Array.unshift`, reported as `push` is (the position matters only to an ordered relationship).
   *
   * ```ts
   * const user = (await session.get(User, 1))!;
   * user.posts.unshift(create(Post, { title: "First", author: user }));
   * ```
   */
  override unshift(...items: T[]): number {
    this.checkWritable();
    this.beforeChange();
    const length = super.unshift(...items);
    this.noteAdded(items);
    this.reportAdded(items, 0);
    return length;
  }

  /**
   * `Array.pop`, reported: the object removed is unlinked (for a one-to-many, its foreign key is
   * cleared at the flush, or the object deleted when the relationship cascades `delete-orphan`).
   *
   * ```ts
   * const post = (await session.get(Post, 1))!;
   * const last = post.tags.pop(); // at the flush: DELETE FROM post_tags WHERE post_id = ? AND tag_id = ?
   * ```
   */
  override pop(): T | undefined {
    this.checkWritable();
    this.beforeChange();
    const counted = this.countsFresh();
    const item = super.pop();
    if (item !== undefined) this.reportRemoved([item], counted);
    return item;
  }

  /**
   * `Array.shift`, reported as `pop` is.
   *
   * ```ts
   * const post = (await session.get(Post, 1))!;
   * const first = post.tags.shift();
   * ```
   */
  override shift(): T | undefined {
    this.checkWritable();
    this.beforeChange();
    const counted = this.countsFresh();
    const item = super.shift();
    if (item !== undefined) this.reportRemoved([item], counted);
    return item;
  }

  /**
   * `Array.splice`, reported: the objects removed are unlinked as by `pop`, those inserted linked as by `push`.
   *
   * ```ts
   * const post = (await session.get(Post, 1))!;
   * post.tags.splice(0, 1, create(Tag, { name: "replacement" })); // one link removed, one added
   * ```
   */
  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    this.checkWritable();
    this.beforeChange();
    const counted = this.countsFresh();
    // Where the items go, as Array.prototype.splice reckons it from the length before.
    const relative = Math.trunc(start) || 0;
    const at = relative < 0 ? Math.max(this.length + relative, 0) : Math.min(relative, this.length);
    const removed = deleteCount === undefined ? super.splice(start) : super.splice(start, deleteCount, ...items);
    if (counted) this.count(items, 1);
    this.reportRemoved(removed, counted);
    this.reportAdded(items, at);
    return removed;
  }

  /**
   * Reports `items`, just placed at `at`. An event that throws (a many-to-many's `creator`) has
   * changed nothing else: that item and those after it leave the list again, so that the list
   * holds what its events made, and the error goes on to the caller.
   */
  private reportAdded(items: readonly T[], at: number): void {
    const events = this.events;
    if (events === undefined) return;
    let i = 0;
    try {
      for (; i < items.length; i++) events.added(this.owner!, items[i]!);
    } catch (error) {
      this.membership = undefined;
      super.splice(at + i, items.length - i);
      throw error;
    }
  }

  /** @internal Removes, in one pass, the members `remove` picks, and reports each (a splice per member would be quadratic). */
  removeWhere(remove: (item: T) => boolean): void {
    let first = 0;
    while (first < this.length && !remove(this[first]!)) first++;
    if (first === this.length) return;
    this.beforeChange();
    const counted = this.countsFresh();
    const removed: T[] = [this[first]!];
    let kept = first;
    for (let i = first + 1; i < this.length; i++) {
      const item = this[i]!;
      if (remove(item)) removed.push(item);
      else this[kept++] = item;
    }
    this.length = kept;
    this.reportRemoved(removed, counted);
  }

  /**
   * @internal Adds or removes without reporting: the other side's own events already did the rest.
   * Plain loops and an indexed store: these run for every link an object graph makes, and
   * `includes` / `super.push` on an Array subclass take V8's slower generic paths.
   */
  appendQuietly(item: T): void {
    if (this.holds(item)) return;
    this.beforeChange();
    this[this.length] = item;
    this.noteAdded([item]);
  }

  /**
   * @internal Removes every occurrence of `item`: the other side says the link is gone, and a
   * copy left behind would show a link the flush no longer writes.
   */
  removeQuietly(item: T): void {
    if (this.indexOf(item) < 0) return;
    this.beforeChange();
    this.membership = undefined;
    let kept = 0;
    for (let i = 0; i < this.length; i++) if (this[i] !== item) this[kept++] = this[i]!;
    this.length = kept;
  }

  /** @internal Replaces the members quietly (a savepoint's rollback puts back what it saw). */
  resetQuietly(items: readonly T[]): void {
    this.beforeChange();
    this.membership = undefined;
    this.length = 0;
    for (let i = 0; i < items.length; i++) this[i] = items[i]!;
  }

  /** @internal How many times `item` is in the list: a scan of a short list, the membership counts of a long one. */
  occurrences(item: T): number {
    const length = this.length;
    if (length < MEMBERSHIP_SET_FROM) {
      let n = 0;
      for (let i = 0; i < length; i++) if (this[i] === item) n++;
      return n;
    }
    this.holds(item); // brings the counts up to date
    return this.membership!.counts.get(item) ?? 0;
  }

  /** Whether `item` is a member: a scan of a short list, the membership counts of a long one. */
  private holds(item: T): boolean {
    const length = this.length;
    if (length < MEMBERSHIP_SET_FROM) {
      for (let i = 0; i < length; i++) if (this[i] === item) return true;
      return false;
    }
    let membership = this.membership;
    if (membership === undefined || membership.length !== length) {
      const counts = new Map<T, number>();
      for (let i = 0; i < length; i++) counts.set(this[i]!, (counts.get(this[i]!) ?? 0) + 1);
      this.membership = membership = { counts, length };
    }
    return membership.counts.has(item);
  }

  private noteAdded(items: readonly T[]): void {
    const membership = this.membership;
    if (membership === undefined) return;
    // Counts that missed a change (an index written directly) are rebuilt when next needed.
    if (membership.length !== this.length - items.length) this.membership = undefined;
    else this.count(items, 1);
  }

  /** Whether the membership counts are up to date, before a removal: only then can it keep them. */
  private countsFresh(): boolean {
    const fresh = this.membership !== undefined && this.membership.length === this.length;
    if (!fresh) this.membership = undefined;
    return fresh;
  }

  /** Adds `by` (1 or -1) to the counts of `items`, and notes the length they match. */
  private count(items: readonly T[], by: 1 | -1): void {
    const counts = this.membership!.counts;
    for (const item of items) {
      const n = (counts.get(item) ?? 0) + by;
      if (n > 0) counts.set(item, n);
      else counts.delete(item);
    }
    this.membership!.length = this.length;
  }

  /**
   * Reports the members just taken out whose last occurrence went. A list may hold an object
   * twice (Array semantics: `push` does not refuse it), but a relationship links two objects once:
   * the flush writes one link row for it, and removing one of two copies must not delete that row,
   * nor clear the back-reference or orphan the member, while the list still shows it.
   */
  private reportRemoved(removed: readonly T[], counted: boolean): void {
    if (counted) this.count(removed, -1);
    const events = this.events;
    if (events === undefined) return;
    for (const item of removed) if (!this.holds(item)) events.removed(this.owner!, item);
  }

  /** A change the application makes: refused while the owner's session writes. */
  private checkWritable(): void {
    this.events?.checkWritable(this.owner!);
  }

  /** Keeps the committed members before the first change after a load or flush. */
  private beforeChange(): void {
    this.events?.changing(this.owner!);
    if (this.committedMembers !== CLEAN) return;
    const length = this.length;
    const members = new Array<T>(length);
    for (let i = 0; i < length; i++) members[i] = this[i]!;
    this.committedMembers = members;
  }
}

const ignored: CollectionEvents = { changing() {}, checkWritable() {}, added() {}, removed() {} };
/**
 * An empty list and one holding an object (their elements kinds differ), kept for their hidden
 * classes (see `Mapper.shapeKeeper`). Exported so that the module keeps them: a top-level constant
 * that no function reads is not kept once the module has run.
 */
export const listShapeKeepers: readonly object[] = [InstrumentedList.adopt([], {}, ignored, true), InstrumentedList.adopt([{}], {}, ignored, false)];
