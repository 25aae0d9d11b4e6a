/** The state of an object handed to the session, checked to be of a mapped class. */
import { UnmappedClassError } from "../errors.js";
import { mapperOfObject } from "../mapped.js";
import { ensureState, type InstanceState } from "./instance-state.js";
import { adoptOwnProperties } from "./own-properties.js";

export function stateFor(obj: object): InstanceState {
  const mapper = mapperOfObject(obj);
  if (!mapper) throw new UnmappedClassError(`${String(obj?.constructor?.name ?? obj)} is not a mapped class.`);
  mapper.registry.configure();
  const state = ensureState(obj, mapper);
  if (mapper.fieldsMayHideAttributes) adoptOwnProperties(obj, state);
  return state;
}
