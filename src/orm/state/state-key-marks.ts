/**
 * Marks on an attribute of a few objects (`state`, `key`), kept in a WeakMap beside the states
 * rather than as a field of each: only the marked objects pay for them, and while none is marked
 * (the usual case) a test is one field read, cheap enough for every assignment to ask.
 */
import type { InstanceState } from "./instance-state.js";

export class StateKeyMarks {
  private readonly marks = new WeakMap<InstanceState, Set<string>>();
  private any = false;

  mark(state: InstanceState, key: string): void {
    this.any = true;
    let keys = this.marks.get(state);
    if (keys === undefined) this.marks.set(state, (keys = new Set()));
    keys.add(key);
  }

  has(state: InstanceState, key: string): boolean {
    return this.any && (this.marks.get(state)?.has(key) ?? false);
  }

  clear(state: InstanceState, key: string): void {
    if (this.any) this.marks.get(state)?.delete(key);
  }
}
