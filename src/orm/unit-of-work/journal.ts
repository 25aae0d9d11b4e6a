/**
 * What flushes changed in memory during a transaction (or savepoint): rows inserted and deleted,
 * values flushed, collections committed. Rolling back the transaction, or a failed flush, undoes
 * these in memory too, so the session again holds exactly the unflushed changes, nothing lost.
 */
import type { InstrumentedList } from "../state/collection.js";
import type { InstanceState } from "../state/instance-state.js";

export class Journal {
  readonly inserted: InstanceState[] = [];
  /** Inserted objects whose key the database generated (`mapper.generatedKey`): cleared on undo. */
  readonly generatedKeys: InstanceState[] = [];
  readonly deleted: InstanceState[] = [];
  /** For each updated state, its column values before the first flush of this transaction. */
  readonly updated = new Map<InstanceState, Record<string, unknown>>();
  /** For each collection committed by a flush, its committed members before. */
  readonly collections = new Map<InstrumentedList<object>, object[] | undefined>();

  recordUpdate(state: InstanceState, before: Record<string, unknown>): void {
    const known = this.updated.get(state);
    if (known) {
      for (const key in before) if (!(key in known)) known[key] = before[key];
    } else this.updated.set(state, { ...before });
  }

  /** Call before `list.markCommitted()`, which replaces (never mutates) `committed`: no copy needed. */
  recordCollection(list: InstrumentedList<object>): void {
    if (!this.collections.has(list)) this.collections.set(list, list.committed);
  }

  /** Folds a finished savepoint's journal into its parent's. */
  absorb(child: Journal): void {
    // Loops, not push(...list): a flush of many objects would exceed the argument limit.
    for (const state of child.inserted) this.inserted.push(state);
    for (const state of child.generatedKeys) this.generatedKeys.push(state);
    for (const state of child.deleted) this.deleted.push(state);
    for (const [state, before] of child.updated) this.recordUpdate(state, before);
    for (const [list, before] of child.collections) if (!this.collections.has(list)) this.collections.set(list, before);
  }
}
