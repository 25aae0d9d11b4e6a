/** Own fields of imperatively mapped objects, moved behind the mapped accessors. */
import type { InstanceState } from "./instance-state.js";

/**
 * An imperatively mapped class that declares plain fields gets own properties that hide the
 * mapped accessors; moving their values into the state makes the accessors visible again.
 */
export function adoptOwnProperties(obj: object, state: InstanceState): void {
  for (const key of Object.keys(obj)) {
    if (!state.mapper.columns.has(key) && !state.mapper.relationships.has(key)) continue;
    const value = (obj as Record<string, unknown>)[key];
    delete (obj as Record<string, unknown>)[key];
    if (value !== undefined) (obj as Record<string, unknown>)[key] = value;
  }
}

