/**
 * Savepoints of a session: a database savepoint, the journal of the flushes made inside it, and
 * copies of the objects it touched, so that its rollback restores them as they were.
 */
import type { Transaction } from "../../engine/transaction.js";
import { InstrumentedList } from "../state/collection.js";
import type { InstanceState } from "../state/instance-state.js";
import { Journal } from "../unit-of-work/journal.js";

export interface Savepoint {
  readonly tx: Transaction;
  readonly journal: Journal;
  /** Dicts (and collection members) of objects as they were when the savepoint began. */
  readonly snapshots: Map<InstanceState, Snapshot>;
  /** Objects added to the session inside the savepoint. */
  readonly added: Set<InstanceState>;
}

interface Snapshot {
  readonly dict: Record<string, unknown>;
  readonly committed: Record<string, unknown> | undefined;
  readonly collections: Map<string, object[]>;
  readonly deletePending: boolean;
}

export function newSavepoint(tx: Transaction): Savepoint {
  return { tx, journal: new Journal(), snapshots: new Map(), added: new Set() };
}

/** Copies an object's state the first time the savepoint sees it change. */
export function takeSnapshot(savepoint: Savepoint, state: InstanceState): void {
  if (savepoint.snapshots.has(state)) return;
  const collections = new Map<string, object[]>();
  for (const [key, value] of Object.entries(state.dict)) if (value instanceof InstrumentedList) collections.set(key, [...value]);
  savepoint.snapshots.set(state, {
    dict: { ...state.dict },
    committed: state.committed ? { ...state.committed } : undefined,
    collections,
    deletePending: state.deletePending,
  });
}

/** Puts every touched object back as it was; returns the states restored. */
export function restoreSnapshots(savepoint: Savepoint): InstanceState[] {
  for (const [state, snap] of savepoint.snapshots) {
    for (const key of Object.keys(state.dict)) if (!(key in snap.dict)) delete state.dict[key];
    Object.assign(state.dict, snap.dict);
    for (const [key, members] of snap.collections) {
      const list = state.dict[key] as InstrumentedList<object>;
      list.resetQuietly(members);
    }
    state.committed = snap.committed;
    state.deletePending = snap.deletePending;
  }
  return [...savepoint.snapshots.keys()];
}
