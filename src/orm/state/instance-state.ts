/**
 * Per-object ORM state, kept under a symbol on the object rather than in class fields: mapped
 * attributes are accessors that read and write `state.dict`, so an object created without its
 * constructor (hydration) only needs a state to be complete.
 */
import type { Mapper } from "../mapping/mapper.js";

export const STATE: unique symbol = Symbol.for("athanor.state") as never;

export class InstanceState {
  /** Current attribute values, by attribute key. */
  readonly dict: Record<string, unknown>;

  constructor(
    readonly mapper: Mapper,
    dict?: Record<string, unknown>,
  ) {
    this.dict = dict ?? {};
  }
}

interface WithState {
  [STATE]?: InstanceState;
}

export function stateOf(obj: object): InstanceState | undefined {
  return (obj as WithState)[STATE];
}

/** The object's state, created on first use for objects built with `new`. */
export function ensureState(obj: object, mapper: Mapper): InstanceState {
  return ((obj as WithState)[STATE] ??= new InstanceState(mapper));
}
