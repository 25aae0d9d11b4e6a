/**
 * How the floors (bench/floor.ts, bench/insert-floor.ts) link a state to its object: through a
 * private field stamped onto it, as athanor's `StateSlot` (src/orm/state/instance-state.ts) does.
 */

/** A constructor that returns the object it is given, so that a subclass adds its fields to that object. */
class Stamp {
  constructor(obj: object) {
    return obj;
  }
}

export class StateSlot<S> extends Stamp {
  #state: S;

  constructor(obj: object, state: S) {
    super(obj);
    this.#state = state;
  }

  /** The state of `obj` (its type is the caller's to know: one kind of state per floor). */
  static read<T>(obj: object): T | undefined {
    return #state in obj ? ((obj as StateSlot<unknown>).#state as T) : undefined;
  }
}
