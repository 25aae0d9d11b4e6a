/** A session on a read-only engine (a replica): what it refuses to write, refused before sending. */
import type { InstanceState } from "../state/instance-state.js";
import { ReadOnlySessionError } from "../errors.js";

/** What a flush would write, by class: `User (1 new), Post (2 changed, 1 deleted)`. */
export interface PendingWork {
  readonly added: Iterable<InstanceState>;
  readonly changed: Iterable<InstanceState>;
  readonly deleted: Iterable<InstanceState>;
}

export function readOnlyFlush(work: PendingWork): ReadOnlySessionError {
  const counts = new Map<string, Record<"new" | "changed" | "deleted", number>>();
  const count = (states: Iterable<InstanceState>, kind: "new" | "changed" | "deleted") => {
    for (const state of states) {
      const entry = counts.get(state.mapper.name) ?? { new: 0, changed: 0, deleted: 0 };
      entry[kind]++;
      counts.set(state.mapper.name, entry);
    }
  };
  count(work.added, "new");
  const deleted = new Set(work.deleted);
  count([...work.changed].filter((state) => !deleted.has(state)), "changed");
  count(deleted, "deleted");
  const parts = [...counts].map(([name, c]) => `${name} (${(["new", "changed", "deleted"] as const).filter((k) => c[k]).map((k) => `${c[k]} ${k}`).join(", ")})`);
  return new ReadOnlySessionError(
    `This session's engine is read-only (createEngine(url, { readOnly: true }): a replica), so it cannot flush: ${parts.join(", ") || "changes to link rows"}. ` +
      `Nothing was sent; the changes stay pending. Make them in a session on the primary's engine, or drop them with session.expunge(obj) or session.rollback().`,
  );
}

/** `kind`: the statement's node kind (`delete`); `cte`: the name of the data-modifying CTE it is in, if so. */
export function readOnlyStatement(kind: string, cte?: string): ReadOnlySessionError {
  const verb = kind.toUpperCase();
  return new ReadOnlySessionError(
    `This session's engine is read-only (createEngine(url, { readOnly: true }): a replica), so it cannot run ${/^[AEIOU]/.test(verb) ? "an" : "a"} ${verb}` +
      `${cte === undefined ? "" : ` (the CTE ${cte} of a SELECT)`}. ` +
      `Nothing was sent. Run it in a session on the primary's engine.`,
  );
}
