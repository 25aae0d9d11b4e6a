/**
 * Pairs the items of two versions (the tables of a schema, or the columns of a table): by declared
 * rename, then by name. A declaration (`renamedFrom`, `previousNames`) counts while the item's own
 * name is free in the old version: absent (the rename is still to be made; once it is, a
 * declaration left in the model is history) or itself renamed away. It then takes its old item even
 * when the model reuses the old name for a new item, which is added after the rename: `name`
 * renamed to `full_name` beside a new `name` moves the data to `full_name`. (Before, such a
 * declaration was ignored without a word: `full_name` was added empty and the data stayed.)
 */
import { AthanorError } from "../../core/errors.js";

/** The model declares renames that cannot be made as declared (a swap): nothing was generated. */
export class AmbiguousRenameError extends AthanorError {
  override name = "AmbiguousRenameError";
}

/** How the items of two versions correspond. */
export interface NameMatch<T> {
  /** New item → the old item it continues. */
  readonly pairOf: ReadonlyMap<T, T>;
  /** `[old, new]` renames, in an order that runs: one onto a name another rename frees comes after it. */
  readonly renamed: readonly (readonly [T, T])[];
}

/** How the items of one side are named and what they declare. */
export interface Naming<T> {
  /** The item's key (`schema.name` for tables). */
  key(item: T): string;
  /** The keys it declares it had, newest first. */
  previous(item: T): readonly string[];
  /** `table books`, `column books.title`: for messages. */
  describe(item: T): string;
}

/** Pairs `old` and `now` (see the file comment). */
export function matchNames<T>(old: readonly T[], now: readonly T[], naming: Naming<T>): NameMatch<T> {
  const { key, previous } = naming;
  const oldByKey = new Map(old.map((t) => [key(t), t] as const));
  const claimed = new Set<string>();
  const pairOf = new Map<T, T>();
  const renamed: (readonly [T, T])[] = [];
  // A rename frees its old name, which may let the item now holding that name take its own declaration.
  for (let progress = true; progress; ) {
    progress = false;
    for (const t of now) {
      if (pairOf.has(t) || (oldByKey.has(key(t)) && !claimed.has(key(t)))) continue;
      const from = previous(t).find((k) => k !== key(t) && oldByKey.has(k) && !claimed.has(k));
      if (from === undefined) continue;
      pairOf.set(t, oldByKey.get(from)!);
      claimed.add(from);
      renamed.push([oldByKey.get(from)!, t]);
      progress = true;
    }
  }
  for (const t of now) {
    const same = oldByKey.get(key(t));
    if (pairOf.has(t) || !same || claimed.has(key(t))) continue;
    pairOf.set(t, same);
    claimed.add(key(t));
  }
  refuseSwaps(now, pairOf, naming);
  return { pairOf, renamed: runOrder(renamed, key) };
}

/** Two items kept by name that each declare the other's name: a swap, which one rename each cannot make. */
function refuseSwaps<T>(now: readonly T[], pairOf: ReadonlyMap<T, T>, { key, previous, describe }: Naming<T>): void {
  const keptByName = new Map(now.filter((t) => pairOf.get(t) !== undefined && key(pairOf.get(t)!) === key(t)).map((t) => [key(t), t] as const));
  for (const [k, t] of keptByName) {
    const other = previous(t).map((p) => keptByName.get(p)).find((u) => u !== undefined && u !== t && previous(u).includes(k));
    if (other === undefined) continue;
    throw new AmbiguousRenameError(
      `${describe(t)} and ${describe(other)} each declare that they were renamed from the other, a swap of names, which athanor does not ` +
        `generate: make it in an execute step through a temporary name (and remove the two declarations), or, if the swap was made ` +
        `already, remove the declarations; nothing was generated`,
    );
  }
}

/** `renames` ordered so that a rename onto an old name comes after the rename that frees it. */
function runOrder<T>(renames: readonly (readonly [T, T])[], key: (t: T) => string): (readonly [T, T])[] {
  const pending = [...renames];
  const order: (readonly [T, T])[] = [];
  while (pending.length) {
    const next = pending.findIndex(([, to]) => !pending.some(([from]) => key(from) === key(to)));
    // A chain of renames starts at a name the old version lacks, so it never closes on itself.
    order.push(...pending.splice(Math.max(next, 0), 1));
  }
  return order;
}
