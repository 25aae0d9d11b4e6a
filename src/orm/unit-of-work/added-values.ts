/**
 * New objects (no row) as they were when they joined the session, so that a rollback sends them
 * away with those values: what the transaction set on them after `add()` is its work, dropped with
 * it, as for a detached object added back (`UnitOfWork.rejoinedAs`). Kept, a retried
 * `sessionMaker().transaction(fn)` made the change again: `c.n += 1` on an object made outside `fn`
 * committed `n` incremented twice. SQLAlchemy keeps them; athanor differs to write each change once.
 *
 * Nothing is copied when an object joins (the path of every new object): its column values are
 * copied the first time, before its INSERT, that one is assigned or a value that can change in
 * place (JSON, a date, bytes) is read, with images of those values' contents (copy on write).
 * Changes after its INSERT are undone from what the flushes recorded (`committed`, the images of
 * the values they wrote, the journal's values before its UPDATEs). A value changed in place
 * through a reference taken before `add()` is not seen: no accessor was passed.
 */
import type { InstanceState } from "../state/instance-state.js";
import { committedValue, contentsOf, revertContents, revertMutation } from "../state/mutable-values.js";

type Image = string | number | Uint8Array;

interface AddedAs {
  /** Its column values when first touched since it joined. */
  readonly dict: Record<string, unknown>;
  /** Images of its values that can change in place then, by index of `mapper.mutableColumns`. */
  readonly contents: (Image | undefined)[] | undefined;
}

/** @internal The new objects of a unit of work touched since they joined, as they joined. */
export class AddedValues {
  private readonly byState = new Map<InstanceState, AddedAs>();

  /** A column of the new object is about to be assigned, or one that can change in place is read: the first time, it is copied. */
  changing(state: InstanceState): void {
    if (this.byState.has(state)) return;
    const dict: Record<string, unknown> = {};
    for (const attr of state.mapper.columns.keys()) dict[attr] = state.dict[attr];
    const columns = state.mapper.mutableColumns;
    let contents: (Image | undefined)[] | undefined;
    for (let c = 0; c < columns.length; c++) {
      const image = contentsOf(state, columns[c]!.attr, columns[c]!.kind);
      if (image !== undefined) (contents ??= new Array<Image | undefined>(columns.length))[c] = image;
    }
    this.byState.set(state, { dict, contents });
  }

  /**
   * The transaction was rolled back: `state`, leaving the session, gets back the values it joined
   * with. `flushedBefore`: its values before the transaction's UPDATEs of it, if it was inserted
   * and updated (`Journal.updated`).
   */
  restore(state: InstanceState, flushedBefore: Record<string, unknown> | undefined): void {
    const dict = state.dict;
    const columns = state.mapper.mutableColumns;
    // Changed since its INSERT: as inserted (as it joined, but for what `byState` has below).
    for (let c = 0; c < columns.length; c++) revertMutation(state, columns[c]!.attr, columns[c]!.kind);
    const committed = state.committed;
    if (committed !== undefined) for (const attr in committed) dict[attr] = committedValue(committed[attr], dict[attr]);
    if (flushedBefore !== undefined) for (const attr in flushedBefore) dict[attr] = flushedBefore[attr];
    state.committed = undefined;
    const added = this.byState.get(state);
    if (added === undefined) return;
    Object.assign(dict, added.dict);
    const contents = added.contents;
    if (contents === undefined) return;
    for (let c = 0; c < columns.length; c++) {
      const image = contents[c];
      const { attr, kind } = columns[c]!;
      // In the same object where it can: the program may hold it (`const tags = c.tags`).
      if (image !== undefined) dict[attr] = revertContents(state, attr, kind, dict[attr], image);
    }
  }

  /** Forgets `state` (it left the session as it is: expunged). */
  drop(state: InstanceState): void {
    if (this.byState.size !== 0) this.byState.delete(state);
  }

  /** Forgets every object (committed, or rolled back). */
  clear(): void {
    if (this.byState.size !== 0) this.byState.clear();
  }
}
