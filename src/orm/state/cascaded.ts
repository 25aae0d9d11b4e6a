/** The loaded objects an object's relationships cascade an operation to (expunge, refresh-expire). */
import type { CascadeOption } from "../mapping/cascade.js";
import type { InstanceState } from "./instance-state.js";
import { loadedValue } from "./loaded-lists.js";

export function cascadedObjects(state: InstanceState, kind: CascadeOption): object[] {
  const into: object[] = [];
  for (const rel of state.mapper.relationshipsCascading(kind)) {
    const value = loadedValue(state, rel);
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) into.push(value as object);
    else for (const item of value as object[]) into.push(item);
  }
  return into;
}
