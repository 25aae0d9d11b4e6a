/**
 * Relationship cascades, as in SQLAlchemy: which session operations on an object also apply to
 * the objects its relationship holds. The default is `save-update, merge`; `all` means
 * `save-update, merge, refresh-expire, expunge, delete`; `delete-orphan` adds deleting a child
 * that leaves its parent.
 */
import { ArgumentError } from "../../core/errors.js";

export type CascadeOption = "save-update" | "merge" | "refresh-expire" | "expunge" | "delete" | "delete-orphan";

const ALL: readonly CascadeOption[] = ["save-update", "merge", "refresh-expire", "expunge", "delete"];
/** Every cascade option. */
export const CASCADE_OPTIONS: readonly CascadeOption[] = [...ALL, "delete-orphan"];
const KNOWN = new Set<string>([...CASCADE_OPTIONS, "all", "none"]);
const DEFAULT: readonly CascadeOption[] = ["save-update", "merge"];

const cache = new Map<string | undefined, ReadonlySet<CascadeOption>>();

/** Parses a cascade string (`"all, delete-orphan"`); undefined gives the default. */
export function parseCascade(spec: string | undefined, where: string): ReadonlySet<CascadeOption> {
  const known = cache.get(spec);
  if (known) return known;
  const result = new Set<CascadeOption>(spec === undefined ? DEFAULT : []);
  for (const word of (spec ?? "").split(",").map((w) => w.trim()).filter(Boolean)) {
    if (!KNOWN.has(word)) {
      throw new ArgumentError(`${where}: unknown cascade '${word}'. Known: ${[...KNOWN].join(", ")}.`);
    }
    if (word === "all") ALL.forEach((o) => result.add(o));
    else if (word !== "none") result.add(word as CascadeOption);
  }
  cache.set(spec, result);
  return result;
}
