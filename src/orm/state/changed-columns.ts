/** Which columns of an object changed since it was loaded or flushed: for `inspect` and `merge`. */
import type { InstanceState } from "./instance-state.js";
import { mutatedFrom, sameValue } from "./mutable-values.js";

/**
 * The column attributes changed since load or flush: assigned another value, or (an object with
 * a row) changed in place, for JSON, dates and bytes read since.
 */
export function changedColumns(state: InstanceState): string[] {
  const committed = state.committed ?? {};
  const changed = Object.keys(committed).filter((key) => !sameValue(committed[key], state.dict[key]));
  if (state.key !== undefined) {
    for (const { attr, kind } of state.mapper.mutableColumns) if (!(attr in committed) && mutatedFrom(state, attr, kind)) changed.push(attr);
  }
  return changed;
}
