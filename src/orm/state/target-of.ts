/** The object a many-to-one of a row stands for, read from its value or its foreign key. */
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstanceState } from "./instance-state.js";

/**
 * What a many-to-one of a row holds: the loaded value, or, not loaded, the object its foreign
 * key names if the session holds it (so that changing an association object whose ends were not
 * loaded still updates the lists that show it); undefined when neither is known.
 * @internal
 */
export function targetOf(state: InstanceState, rel: RelationshipProperty): object | null | undefined {
  const value = state.dict[rel.key] as object | null | undefined;
  if (value !== undefined || state.key === undefined || state.session === undefined || !rel.referencesTargetKey) return value;
  const attributes = rel.localAttributes;
  const values = new Array<unknown>(attributes.length);
  for (let i = 0; i < attributes.length; i++) {
    values[i] = state.dict[attributes[i]!];
    if (values[i] === null || values[i] === undefined) return null;
  }
  return state.session.objectByKey(rel.resolved.target, values);
}
