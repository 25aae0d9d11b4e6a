/**
 * Copies of objects as a savepoint found them, taken the first time each changes inside it, so
 * that its rollback puts them back: attribute values, list members and the deletion mark. Values
 * changed in place (JSON, dates, bytes) are kept as their watched images had them: the value
 * object itself may be changed after the copy, or before it with no event to take one (the
 * savepoint began with a flush, so the images were then those of every watched value).
 *
 * The unit of work also copies a detached object as it joins the session again, so that a rollback
 * sends it away as it came (`inPlace: false`). Such values keep their objects, since a change made
 * in place while it was detached shows only against its image: an image of their contents as they
 * joined is taken instead, and the rollback puts those contents back, in place (a retried
 * `transaction(fn)` that pushed to a JSON list would otherwise push twice).
 */
import { InstrumentedList, type CommittedMembers } from "./collection.js";
import type { InstanceState } from "./instance-state.js";
import { contentsOf, mutatedFrom, revertContents, unwatch, valueToKeep } from "./mutable-values.js";

interface Snapshot {
  readonly dict: Record<string, unknown>;
  readonly committed: Record<string, unknown> | undefined;
  readonly unloaded: ReadonlySet<string> | undefined;
  readonly expired: ReadonlySet<string> | undefined;
  /** Each list's members and what it counted as committed (a write-only remove() sets that after the copy). */
  readonly collections: Map<string, { readonly members: object[]; readonly committed: CommittedMembers<object> }>;
  readonly deletePending: boolean;
  /** Whether values changed in place were copied (else `contents` has images of them). */
  readonly inPlace: boolean;
  /** Without `inPlace`: the contents of values that can change in place, as they were. */
  readonly contents: ReadonlyMap<string, string | number | Uint8Array> | undefined;
}

export class Snapshots {
  private readonly byState = new Map<InstanceState, Snapshot>();

  /** Copies an object's state, unless this savepoint has a copy already. */
  take(state: InstanceState, inPlace = true): void {
    if (this.byState.has(state)) return;
    const collections = new Map<string, { members: object[]; committed: CommittedMembers<object> }>();
    for (const [key, value] of Object.entries(state.dict)) {
      if (value instanceof InstrumentedList) collections.set(key, { members: [...value], committed: value.saveCommitted() });
    }
    const dict = { ...state.dict };
    let contents: Map<string, string | number | Uint8Array> | undefined;
    for (const { attr, kind } of state.mapper.mutableColumns) {
      if (inPlace) {
        dict[attr] = valueToKeep(state, attr, kind);
        continue;
      }
      const image = contentsOf(state, attr, kind);
      if (image !== undefined) (contents ??= new Map()).set(attr, image);
    }
    this.byState.set(state, {
      dict,
      committed: state.committed ? { ...state.committed } : undefined,
      unloaded: state.unloaded,
      expired: state.expired,
      collections,
      deletePending: state.deletePending,
      inPlace,
      contents,
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
    for (const [state, snap] of this.byState) put(state, snap);
    return [...this.byState.keys()];
  }

  /** Forgets the copy of `state` (it left the session: a later join takes a new one). */
  drop(state: InstanceState): void {
    if (this.byState.size !== 0) this.byState.delete(state);
  }

  /** Forgets every copy. */
  clear(): void {
    if (this.byState.size !== 0) this.byState.clear();
  }

  /** Puts back `state` as copied, if it was. */
  restoreOne(state: InstanceState): void {
    const snap = this.byState.get(state);
    if (snap !== undefined) put(state, snap);
  }
}

function put(state: InstanceState, snap: Snapshot): void {
  state.touch();
  let committed = snap.committed;
  const dict = snap.inPlace ? snap.dict : { ...snap.dict };
  if (!snap.inPlace) {
    for (const { attr, kind } of state.mapper.mutableColumns) {
      // Not loaded as it joined: what a read in the transaction loaded stays.
      if (!(attr in snap.dict)) dict[attr] = state.dict[attr];
      else {
        const image = snap.contents?.get(attr);
        dict[attr] = image === undefined ? snap.dict[attr] : revertContents(state, attr, kind, snap.dict[attr], image);
      }
      if (state.committed !== undefined && attr in state.committed) committed = { ...committed, [attr]: state.committed[attr] };
      else if (committed !== undefined && attr in committed) {
        committed = { ...committed };
        delete committed[attr];
      }
    }
  }
  for (const key of Object.keys(state.dict)) if (!(key in dict)) delete state.dict[key];
  Object.assign(state.dict, dict);
  for (const [key, { members, committed: was }] of snap.collections) {
    const list = state.dict[key] as InstrumentedList<object>;
    list.resetQuietly(members);
    list.restoreCommitted(was);
  }
  state.committed = committed;
  state.unloaded = snap.unloaded;
  // Expired then: what was loaded since (in the savepoint) is gone with it.
  state.expired = snap.expired;
  if (snap.deletePending) state.markForDeletion();
  else state.unmarkForDeletion();
}
