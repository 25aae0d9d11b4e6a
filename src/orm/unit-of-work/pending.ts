/**
 * The session's objects waiting for their INSERT: in the order they joined, and grouped by
 * mapper as they join, which is how the flush takes them. Grouping while joining touches each
 * object when it is in hand anyway; grouping at flush time was one more pass over every object
 * of a large unit of work, each a likely cache miss by then.
 */
import type { Mapper } from "../mapping/mapper.js";
import type { InstanceState } from "../state/instance-state.js";

export class PendingObjects {
  private states: InstanceState[] = [];
  /**
   * The states again, per mapper, in the same order; undefined after a change other than a
   * push (a removal, a rollback putting objects back), until the list is next taken.
   */
  private groups: { mappers: Mapper[]; lists: InstanceState[][] } | undefined = { mappers: [], lists: [] };
  /** The group the last push went to: consecutive objects are often of one mapper. */
  private lastMapper: Mapper | undefined;
  private lastGroup: InstanceState[] | undefined;

  get length(): number {
    return this.states.length;
  }

  /** The mappers of the states, while they are grouped (undefined after a removal, until taken). */
  get mappers(): readonly Mapper[] | undefined {
    return this.groups?.mappers;
  }

  /** The states in the order they joined (the same array while only pushes happen: a worklist may index it as it grows). */
  get all(): readonly InstanceState[] {
    return this.states;
  }

  push(state: InstanceState): void {
    this.states.push(state);
    const groups = this.groups;
    if (groups === undefined) return;
    const mapper = state.mapper;
    if (mapper !== this.lastMapper) {
      // A unit of work holds a few mappers: a scan of a short array beats a hash lookup.
      let index = groups.mappers.indexOf(mapper);
      if (index < 0) index = groups.mappers.push(mapper) - 1;
      this.lastMapper = mapper;
      this.lastGroup = groups.lists[index] ??= [];
    }
    this.lastGroup!.push(state);
  }

  /** Takes every state out, with the groups by mapper when they were kept up to date. */
  take(): { readonly states: InstanceState[]; readonly byMapper: Map<Mapper, InstanceState[]> | undefined } {
    const { states, groups } = this;
    this.reset([]);
    const byMapper = groups && new Map(groups.mappers.map((mapper, i) => [mapper, groups.lists[i]!]));
    return { states, byMapper };
  }

  /** Replaces the states; the groups are made again when the list is next taken. */
  reset(states: InstanceState[]): void {
    this.states = states;
    this.groups = states.length === 0 ? { mappers: [], lists: [] } : undefined;
    this.lastMapper = this.lastGroup = undefined;
  }

  remove(state: InstanceState): void {
    const index = this.states.indexOf(state);
    if (index < 0) return;
    this.states.splice(index, 1);
    this.groups = undefined;
    this.lastMapper = this.lastGroup = undefined;
  }
}
