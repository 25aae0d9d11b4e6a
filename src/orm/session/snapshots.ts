/**
 * Copies of objects as a savepoint found them, taken the first time each changes inside it, so
 * that its rollback puts them back: attribute values, list members and the deletion mark. Values
 * changed in place (JSON, dates, bytes) are kept as their watched images had them: the value
 * object itself may be changed after the copy, or before it with no event to take one (the
 * savepoint began with a flush, so the images were then those of every watched value).
 */
import { InstrumentedList, type CommittedMembers } from "../state/collection.js";
import type { InstanceState } from "../state/instance-state.js";
import { mutatedFrom, unwatch, valueToKeep } from "../state/mutable-values.js";

interface Snapshot {
  readonly dict: Record<string, unknown>;
  readonly committed: Record<string, unknown> | undefined;
  readonly unloaded: ReadonlySet<string> | undefined;
  readonly expired: ReadonlySet<string> | undefined;
  /** Each list's members and what it counted as committed (a write-only remove() sets that after the copy). */
  readonly collections: Map<string, { readonly members: object[]; readonly committed: CommittedMembers<object> }>;
  readonly deletePending: boolean;
}

export class Snapshots {
  private readonly byState = new Map<InstanceState, Snapshot>();

  /** Copies an object's state, unless this savepoint has a copy already. */
  take(state: InstanceState): void {
    if (this.byState.has(state)) return;
    const collections = new Map<string, { members: object[]; committed: CommittedMembers<object> }>();
    for (const [key, value] of Object.entries(state.dict)) {
      if (value instanceof InstrumentedList) collections.set(key, { members: [...value], committed: value.saveCommitted() });
    }
    const dict = { ...state.dict };
    for (const { attr, kind } of state.mapper.mutableColumns) dict[attr] = valueToKeep(state, attr, kind);
    this.byState.set(state, {
      dict,
      committed: state.committed ? { ...state.committed } : undefined,
      unloaded: state.unloaded,
      expired: state.expired,
      collections,
      deletePending: state.deletePending,
    });
  }

  /** A released savepoint's copies go to its parent, which keeps its own older ones. */
  passTo(parent: Snapshots): void {
    for (const [state, snapshot] of this.byState) if (!parent.byState.has(state)) parent.byState.set(state, snapshot);
  }

  /**
   * Puts every copied object back as it was; returns them. Of the other `watched` objects, values
   * changed in place since the savepoint began (never flushed: no copy was taken) go back too.
   */
  restore(watched: Iterable<InstanceState> = []): InstanceState[] {
    for (const state of watched) {
      if (this.byState.has(state)) continue;
      for (const { attr, kind } of state.mapper.mutableColumns) {
        const change = mutatedFrom(state, attr, kind);
        if (change === undefined) continue;
        state.dict[attr] = change.before;
        unwatch(state, attr);
      }
    }
    for (const [state, snap] of this.byState) {
      state.touch();
      for (const key of Object.keys(state.dict)) if (!(key in snap.dict)) delete state.dict[key];
      Object.assign(state.dict, snap.dict);
      for (const [key, { members, committed }] of snap.collections) {
        const list = state.dict[key] as InstrumentedList<object>;
        list.resetQuietly(members);
        list.restoreCommitted(committed);
      }
      state.committed = snap.committed;
      state.unloaded = snap.unloaded;
      // Expired then: what was loaded since (in the savepoint) is gone with it.
      state.expired = snap.expired;
      if (snap.deletePending) state.markForDeletion();
      else state.unmarkForDeletion();
    }
    return [...this.byState.keys()];
  }
}
