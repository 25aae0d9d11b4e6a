/**
 * Per-object ORM state, kept in a private field stamped onto the object (below): mapped
 * attributes are accessors that read and write `state.dict`, so an object created without its
 * constructor (hydration) only needs a state to be complete.
 */
import type { Mapper } from "../mapping/mapper.js";
import type { RelationshipProperty } from "../mapping/relationship.js";

/** The session an object belongs to, as the state sees it (implemented by the Session). */
export interface StateOwner {
  /** Called when an attribute or relationship of a persistent object changes. */
  markModified(state: InstanceState): void;
  /**
   * Called before a column of a new object (no row yet) is assigned, or one whose value can change
   * in place is read: a rollback puts back the values it joined with.
   */
  changingNew(state: InstanceState): void;
  /** Whether a flush or commit is in flight: the application's changes to the objects are refused meanwhile (`assertWritable`). */
  readonly writing: boolean;
  /** Whether queries and loads flush first (else the rows they read may not hold the changes made in memory). */
  readonly autoflush: boolean;
  /**
   * Called the first time an object of this session is reached (or loaded, or given a key)
   * after the session last expired its objects: from then on it may hold values that
   * expire-on-commit must expire (see `IdentityMap.drainReached`).
   */
  reached(state: InstanceState): void;
  /**
   * Called before a relationship of a persistent object changes (its value, or its list's
   * members): an open savepoint keeps a copy of the object as it was.
   */
  changing(state: InstanceState): void;
  /**
   * Save-update cascade: an object was attached to one of this session's objects. With
   * `fromItsSide` it was linked from its own side (`association.parent = parent`): it joins at the
   * next commit or `flush()` instead, if still linked then (linked-objects.ts).
   */
  cascadeAdd(obj: object, fromItsSide?: boolean): void;
  /**
   * Delete-orphan cascade: an object lost the parent it cannot exist without. With `via` (the
   * parent's list it left, whose back-reference the object holds), whether it is still an orphan
   * is decided at the next flush, as SQLAlchemy does: moved to another parent by then, it stays.
   * For a link stand-in (an association object not in any session), `via` is the many-to-many
   * view the link was removed from. `from` is the parent it left, if known: an orphan whose
   * back-reference expired since is told from one moved by its foreign key.
   */
  orphaned(obj: object, via?: RelationshipProperty, from?: object): void;
  /** An association object unlinked through a view (so marked for deletion) was linked again before the flush: it stays. */
  relinked(obj: object): void;
  /** How many flushes this session has completed, and rollbacks it has run. */
  readonly flushes: number;
  /** Whether `obj`, in no session, was linked to this session's objects from its own side and joins it at the flush. */
  joinsAtFlush(obj: object): boolean;
  /** The object with this primary key (its values in key order), if the session holds it. */
  objectByKey(mapper: Mapper, values: readonly unknown[]): object | undefined;
}

/** SQLAlchemy's object states: visible through `inspect(obj).status`. */
export type ObjectStatus = "transient" | "pending" | "persistent" | "deleted" | "detached";

const DELETE_PENDING = 1;
const DELETED = 2;
/** Reached since its session last expired it: in that session's list of reached states (`IdentityMap.noteReached`). */
const LIVE = 4;

export class InstanceState {
  /** Current attribute values, by attribute key (every key of the mapper; undefined: not loaded or not set). */
  readonly dict: Record<string, unknown>;
  /**
   * The lifecycle (which session holds the object, its row's key, whether it is to be or was
   * deleted) changes only through the methods below, each named after its transition.
   */
  #session: StateOwner | undefined;
  #key: unknown;
  /** `DELETE_PENDING`, `DELETED`, `LIVE`: one field, not three, on every object a session holds. */
  #flags = 0;
  /**
   * How the session a stream let the object go from takes it back when it changes (`letGo`). A
   * field, not a WeakMap beside: a stream of a million rows set a million entries (25 % of its time).
   */
  #rejoin: ((state: InstanceState) => void) | undefined = undefined;
  /**
   * Values of modified column attributes as last loaded or flushed (copy on first write): what a
   * flush compares against, and what a rollback restores. Undefined when nothing changed.
   */
  committed: Record<string, unknown> | undefined;
  /**
   * Attributes that must be reloaded before they are read (after commit, expire()). Expiring a
   * whole object shares one frozen set per mapper; `expire`/`unexpire` copy it before changing it.
   */
  expired: ReadonlySet<string> | undefined;
  /**
   * Column attributes never loaded: deferred by the mapping or left out by the query's options.
   * Reading one raises; assigning one loads it (the next flush writes it). Shared, frozen, by the
   * objects of one query plan; `markLoaded` copies it before changing it.
   */
  unloaded: ReadonlySet<string> | undefined;

  /** The object this state belongs to. */
  obj!: object;

  constructor(
    readonly mapper: Mapper,
    dict?: Record<string, unknown>,
  ) {
    this.dict = dict ?? mapper.newDict();
  }

  /** The session holding the object, if any. */
  get session(): StateOwner | undefined {
    return this.#session;
  }

  /** The identity-map key, once the object has a row in the database. */
  get key(): unknown {
    return this.#key;
  }

  /** Marked with `session.delete()` and not yet flushed. */
  get deletePending(): boolean {
    return (this.#flags & DELETE_PENDING) !== 0;
  }

  /** Deleted by a flush; not yet committed. */
  get deleted(): boolean {
    return (this.#flags & DELETED) !== 0;
  }

  /** Marked for deletion or deleted: its row is, or is about to be, gone. */
  get gone(): boolean {
    return (this.#flags & (DELETE_PENDING | DELETED)) !== 0;
  }

  /**
   * Tells the session, once per expiry, that this object was reached: everything that can give
   * it values (an accessor, a loader, the flush) reaches it here first, through `stateOf` or one
   * of the transitions below. Cheap when already told: one bit test.
   */
  touch(): void {
    if ((this.#flags & LIVE) === 0 && this.#session !== undefined) {
      this.#flags |= LIVE;
      this.#session.reached(this);
    }
  }

  /** Its session expired it and forgot it was reached (see `IdentityMap.drainReached`). */
  unreached(): void {
    this.#flags &= ~LIVE;
  }

  /** Joins a session: pending while it has no key, persistent with one. */
  attach(session: StateOwner): void {
    this.#session = session;
    this.touch();
  }

  /** Loaded from a row: in `session`, under `key`. */
  loaded(session: StateOwner, key: unknown): void {
    this.#session = session;
    this.#key = key;
    this.touch();
  }

  /** Its row was inserted, or its key changed: it is known under `key` from now on. */
  identifiedBy(key: unknown): void {
    this.#key = key;
    this.touch();
  }

  /** Its row is no longer in the database (its insert was undone): transient or pending again. */
  forgetKey(): void {
    this.#key = undefined;
    this.#flags &= ~DELETED;
  }

  markForDeletion(): void {
    this.#flags |= DELETE_PENDING;
  }

  unmarkForDeletion(): void {
    this.#flags &= ~DELETE_PENDING;
  }

  /** A flush deleted its row. */
  markDeleted(): void {
    this.#flags = (this.#flags | DELETED) & ~DELETE_PENDING;
  }

  /** The flush that deleted its row was undone: persistent again. */
  undoDeletion(): void {
    this.#flags &= ~DELETED;
  }

  /** Leaves its session: detached with a key, transient without. */
  detach(): void {
    this.#session = undefined;
    this.#flags = 0;
    this.#rejoin = undefined;
  }

  /** Detached (`detach`) by a stream whose batch ended (streaming.ts): `rejoin` takes it back at its first change. */
  letGo(rejoin: (state: InstanceState) => void): void {
    this.#rejoin = rejoin;
  }

  /**
   * The session a change of this object must tell: its own. An object a stream let go of when its
   * batch ended (`letGo`) goes back into that session first, so that the change is
   * written as if it had never left, where it was dropped without a word.
   */
  get sessionForChange(): StateOwner | undefined {
    const rejoin = this.#rejoin;
    if (rejoin !== undefined && this.#session === undefined) {
      rejoin(this); // may refuse (it throws): the object stays let go of, and refuses again
      this.#rejoin = undefined;
    }
    return this.#session;
  }

  get status(): ObjectStatus {
    if (this.session === undefined) return this.key === undefined ? "transient" : "detached";
    if (this.key === undefined) return "pending";
    return this.deleted ? "deleted" : "persistent";
  }

  /** Marks attributes as expired. */
  expire(keys: Iterable<string>): void {
    const next = new Set(this.expired);
    for (const key of keys) next.add(key);
    this.expired = next.size ? next : undefined;
  }

  /** Expires every column attribute but the primary key, with the mapper's shared set. */
  expireAllColumns(): void {
    this.expired = this.mapper.expirableColumns;
  }

  /** Marks an attribute as loaded again; returns whether it was expired. */
  unexpire(key: string): boolean {
    if (!this.expired?.has(key)) return false;
    this.touch();
    // An open savepoint copies the object while the key is still expired: its rollback expires it again.
    this.#session?.changing(this);
    const next = new Set(this.expired);
    next.delete(key);
    this.expired = next.size ? next : undefined;
    return true;
  }

  /** Marks a column attribute as loaded (read or assigned); returns whether it was not. */
  markLoaded(key: string): boolean {
    if (!this.unloaded?.has(key)) return false;
    this.touch();
    const next = new Set(this.unloaded);
    next.delete(key);
    this.unloaded = next.size ? next : undefined;
    return true;
  }

  /** Records the old value of a column attribute before its first change since load/flush. */
  recordChange(key: string, old: unknown): void {
    this.touch();
    if (this.committed !== undefined && key in this.committed) return;
    // Told first: an open savepoint copies the object as it was, without this change's record
    // (with it, its rollback left a column not loaded as "changed from null", an UPDATE with nothing to set).
    if (this.key !== undefined) this.sessionForChange?.markModified(this);
    (this.committed ??= {})[key] = old;
  }
}

/** The object's state, if it has one; reaching it tells its session (`InstanceState.touch`). */
export function stateOf(obj: object): InstanceState | undefined {
  const state = StateSlot.read(obj);
  state?.touch();
  return state;
}

/** The object's state, without telling its session: for walks over all of a session's objects. */
export function peekState(obj: object): InstanceState | undefined {
  return StateSlot.read(obj);
}

/** The object's state, created on first use for objects built with `new`. */
export function ensureState(obj: object, mapper: Mapper): InstanceState {
  let state = StateSlot.read(obj);
  if (state === undefined) attachState(obj, (state = new InstanceState(mapper)));
  else state.touch();
  return state;
}

/** Attaches a fresh state to an object that has none (hydration makes objects with `Object.create`). */
export function attachState(obj: object, state: InstanceState): void {
  state.obj = obj;
  new StateSlot(obj, state);
}

/** A constructor that returns the object it is given, so that a subclass adds its fields to that object. */
class Stamp {
  constructor(obj: object) {
    return obj;
  }
}

/**
 * The state lives in a private field stamped onto the object. Like a non-enumerable property, it
 * is invisible to `console.log`, spreading, `JSON.stringify` and deep equality, and no copy of
 * the object carries it; unlike `Object.defineProperty`, adding it takes a store, not a call into
 * the engine's runtime (25x faster, on the path of every new or loaded object).
 */
class StateSlot extends Stamp {
  #state: InstanceState;

  constructor(obj: object, state: InstanceState) {
    super(obj);
    this.#state = state;
  }

  static read(obj: object): InstanceState | undefined {
    return #state in obj ? (obj as StateSlot).#state : undefined;
  }
}
