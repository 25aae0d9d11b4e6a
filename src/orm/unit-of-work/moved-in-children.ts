/**
 * Children given a parent by their many-to-one in memory and not flushed yet (moved from another
 * parent, or new). Their rows do not name that parent, so reading its list for its delete misses
 * them. A list not loaded when they moved in does not hold them either. SQLAlchemy keeps such
 * changes as pending collection changes. They are members of the parent all the same: deleted with
 * it under a delete cascade, else unlinked. Left out, a child was updated to name a parent the
 * flush deletes, so NULL: an IntegrityError on a NOT NULL key, or a child the cascade should have
 * deleted left with no parent.
 */
import { isSubmapper } from "../mapping/inheritance.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstanceState } from "../state/instance-state.js";

/** @internal The children each parent gained in memory, per relationship: found once per flush. */
export class MovedInChildren {
  readonly #byRel = new Map<RelationshipProperty, Map<object, object[]>>();

  /** `changed`: the flush's new and modified objects (a reference assigned makes its object modified). */
  constructor(private readonly changed: readonly (readonly InstanceState[])[]) {}

  /** The children whose many-to-one back along `rel` (a one-to-many) names `parent` in memory. */
  of(parent: InstanceState, rel: RelationshipProperty): readonly object[] {
    const back = rel.backRef;
    if (rel.resolved.direction !== "oneToMany" || back === undefined || back.collection) return [];
    let byParent = this.#byRel.get(rel);
    if (byParent === undefined) this.#byRel.set(rel, (byParent = this.#index(rel, back)));
    return byParent.get(parent.obj) ?? [];
  }

  #index(rel: RelationshipProperty, back: RelationshipProperty): Map<object, object[]> {
    const target = rel.resolved.target;
    const byParent = new Map<object, object[]>();
    for (const states of this.changed) {
      for (let i = 0; i < states.length; i++) {
        const state = states[i]!;
        // Another class may name the same parent under the same attribute name.
        if (state.mapper !== target && (state.mapper.inheritance === undefined || !isSubmapper(state.mapper, target))) continue;
        const holder = state.dict[back.key];
        if (holder === undefined || holder === null) continue;
        let children = byParent.get(holder as object);
        if (children === undefined) byParent.set(holder as object, (children = []));
        children.push(state.obj);
      }
    }
    return byParent;
  }
}
