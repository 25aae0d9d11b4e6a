/**
 * Lazy loading that waits for the database without N+1: every `await lazy(obj).key` requested in
 * the same tick for the same relationship is answered by one statement.
 *
 * ```ts
 * const parents = await session.scalars(select(Parent));
 * const childrenOfAll = await Promise.all(parents.map((p) => lazy(p).children)); // one SELECT
 * ```
 */
import { ArgumentError } from "../../core/errors.js";
import type { Restored } from "../../core/statements/executable.js";
import { lazyColumnLoader, type ColumnReads } from "./lazy-columns.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { DetachedInstanceError } from "../errors.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";
import { raiseLoadError } from "../state/raise-load.js";
import { loadedValue } from "../state/loaded-lists.js";
import { writeOnlyLoadError } from "../state/write-only.js";

type Loader = (rel: RelationshipProperty, objects: readonly object[]) => Promise<void>;

/** `await lazy(obj).key` in a session: the loaded value, or a load batched with the tick's others. */
export function loadLazily(state: InstanceState, key: string, loader: LazyLoader): Promise<unknown> {
  const rel = state.mapper.relationships.get(key);
  if (!rel && state.mapper.loadsColumn(key) && loader.loadColumn) return loader.loadColumn(state, key);
  if (!rel) return Promise.reject(new ArgumentError(`${state.mapper.name} has no relationship '${key}'.`));
  if (rel.writeOnly) return Promise.reject(writeOnlyLoadError(rel, `lazy(obj).${key}`));
  const loaded = loadedValue(state, rel);
  if (loaded !== undefined) return Promise.resolve(loaded);
  const refused = raiseLoadError(state, rel);
  if (refused) return Promise.reject(refused);
  if (state.key === undefined) return Promise.resolve((state.obj as Record<string, unknown>)[key]);
  return loader.load(rel, state.obj).then(() => state.dict[key]);
}

export class LazyLoader {
  private readonly queued = new Map<RelationshipProperty, { objects: Set<object>; done: Promise<void> }>();

  /** Loads a column not loaded (deferred): `lazy-columns.ts`, reading rows through `reads`. */
  readonly loadColumn: ((state: InstanceState, key: string) => Promise<unknown>) | undefined;

  constructor(
    private readonly loadMany: Loader,
    reads?: () => ColumnReads,
  ) {
    this.loadColumn = reads && lazyColumnLoader(reads);
  }

  load(rel: RelationshipProperty, obj: object): Promise<void> {
    let batch = this.queued.get(rel);
    if (!batch) {
      const objects = new Set<object>();
      // The batch runs once the current synchronous code (the rest of this tick) has queued its loads.
      const done = Promise.resolve().then(() => {
        this.queued.delete(rel);
        return this.loadMany(rel, [...objects]);
      });
      batch = { objects, done };
      this.queued.set(rel, batch);
    }
    batch.objects.add(obj);
    return batch.done;
  }
}

/** Awaitable access to an object's relationships and deferred columns: `await lazy(parent).children`. */
export type LazyAccess<T> = { readonly [K in keyof Restored<T>]: Promise<Restored<T>[K]> };

/**
 * Reads a relationship (or a deferred column) that may not be loaded yet, loading it if needed:
 * `await lazy(post).author`, `await lazy(book).body`.
 *
 * ```ts
 * const post = await session.get(Post, 1);
 * const author = await lazy(post!).author;                                  // loads it if not loaded yet
 * const counts = await Promise.all((await session.scalars(select(User))).map(async (u) => (await lazy(u).posts).length)); // one SELECT
 * ```
 */
export function lazy<T extends object>(obj: T): LazyAccess<T> {
  return new Proxy({} as LazyAccess<T>, {
    get(_target, key) {
      if (typeof key !== "string") return undefined;
      const state = stateOf(obj);
      const session = state?.session as { loadLazily?: (o: object, k: string) => Promise<unknown> } | undefined;
      // Not an expired value (kept in the dict until read again): that is the row's as it was.
      if (state?.dict[key] !== undefined && !state.expired?.has(key) && !state.unloaded?.has(key)) return Promise.resolve(state.dict[key]);
      if (!session?.loadLazily) {
        if (state?.key === undefined) return Promise.resolve((obj as Record<string, unknown>)[key]);
        return Promise.reject(new DetachedInstanceError(`lazy(): ${state!.mapper.name}.${key} cannot be loaded: the object is detached from its session (closed, or expunged). Load it in a session with merge(obj) or get(${state!.mapper.name}, key) first.`));
      }
      return session.loadLazily(obj, key);
    },
  });
}
