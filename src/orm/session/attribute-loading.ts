/**
 * `session.load(obj, ...keys)` and `session.refresh(obj, keys)`: named attributes of a loaded
 * object read from the database, columns with one SELECT, relationships with their loader.
 */
import type { WriteOnlyMark } from "../typing/checks.js";
import { writeOnlyLoadError } from "../state/write-only.js";
import { ArgumentError } from "../../core/errors.js";
import type { Restored } from "../../core/statements/executable.js";
import type { Select } from "../../core/statements/select.js";
import { DetachedInstanceError } from "../errors.js";
import { loadColumns } from "../loading/column-loader.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import { didYouMean } from "../mapping/suggest.js";
import type { InstanceState } from "../state/instance-state.js";
import { unloadReferencesOf } from "./expiry.js";

/** `T` with the attributes options left out of its type (`loadOnly`, `defer`) put back. */
type Full<T> = Restored<T>;

/** The attributes `session.load` can load on a `T`: its columns and relationships, also those a query's options left out. */
export type LoadableKeys<T> = { [K in keyof Full<T> & string]: Full<T>[K] extends Function | WriteOnlyMark<unknown> ? never : K }[keyof Full<T> & string];

/** `T` once `session.load(obj, ...K)` loaded `K`: those attributes readable again. */
export type WithLoaded<T, K extends string> = T & { [P in K & keyof Full<T>]: Full<T>[P] };

/** What loading attributes needs of the session. */
export interface AttributeLoadHost {
  rows(statement: Select<unknown>): Promise<unknown[][]>;
  /** Loads a relationship for objects (select-in), after an autoflush. */
  load(rel: RelationshipProperty, objects: readonly object[]): Promise<void>;
  /** The objects whose rows the transaction locked: read again under the lock. */
  readonly identity: { readonly lockedRows: ReadonlySet<InstanceState> | undefined };
}

/**
 * Loads the named attributes of a persistent object: with `refresh`, all of them again
 * (unflushed changes to them dropped); without, only those not loaded (deferred, expired, or a
 * relationship not read yet), so that a second call costs no SQL. A pending or transient object
 * has nothing to load.
 */
export async function loadAttributes(host: AttributeLoadHost, state: InstanceState, keys: readonly string[], refresh: boolean): Promise<void> {
  const { mapper } = state;
  for (const key of keys) {
    if (mapper.loadsColumn(key) || mapper.relationships.has(key)) continue;
    const known = [...mapper.columns.keys(), ...mapper.propertyKeys, ...mapper.relationships.keys()];
    throw new ArgumentError(`${mapper.name} has no attribute '${key}' to load.${didYouMean(key, known)}`);
  }
  if (state.key === undefined) return;
  if (state.session === undefined) {
    throw new DetachedInstanceError(`${mapper.name}.${keys.join(", ")} cannot be loaded: the object is detached from its session. Merge it into a session first.`);
  }
  const identity = new Set(mapper.keyAttributes);
  const columns = keys.filter(
    (key) => mapper.loadsColumn(key) && !identity.has(key) && (refresh || state.unloaded?.has(key) || state.expired?.has(key)),
  );
  if (refresh) unloadReferencesOf(state, columns);
  if (columns.length) await loadColumns((s) => host.rows(s), mapper, [state], [...new Set(columns)], host.identity.lockedRows);
  for (const key of keys) {
    const rel = mapper.relationships.get(key);
    if (!rel) continue;
    if (rel.writeOnly) throw writeOnlyLoadError(rel, `session.load(obj, "${key}")`);
    if (refresh) state.dict[key] = undefined;
    if (state.dict[key] === undefined) await host.load(rel, [state.obj]);
  }
}
