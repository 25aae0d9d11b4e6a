/**
 * What the unit of work needs from its session and from the transaction a flush runs in,
 * declared apart from it: the session implements them, the unit of work knows nothing else of it.
 */
import type { Connection } from "../../engine/connection.js";
import type { IdentityMap } from "../identity/identity-map.js";
import type { HookKind } from "../mapping/model-events.js";
import type { RelationshipProperty } from "../mapping/relationship.js";
import type { InstanceState, StateOwner } from "../state/instance-state.js";
import type { Journal } from "./journal.js";

/** What the unit of work needs from its session. */
export interface UnitOfWorkHost {
  /** What a joining object's `state.session` becomes. */
  readonly owner: StateOwner;
  readonly identity: IdentityMap;
  /**
   * The open savepoint, if any: what changes must be reported to (asked once per object
   * joining). An object whose class has the getter, not a closure made per session: optimized
   * code that inlines a closure holds on to it and to its session, and is thrown away when a
   * full collection finds that session gone, so every unit of work after one ran unoptimized
   * until compiled again.
   */
  readonly savepoints: { readonly openSavepoint: SavepointTracker | undefined };
}

/** What an open savepoint needs to know to restore objects on its rollback. */
export interface SavepointTracker {
  /** Before an object's state changes: the savepoint keeps a copy of it. */
  changing(state: InstanceState): void;
  /** An object joined (without a row, or detached and added back): the savepoint's rollback takes it out again. */
  joined(state: InstanceState): void;
}

/** How a flush reaches the database. */
export interface FlushTarget {
  readonly connection: Connection;
  readonly journal: Journal;
  /** A commit expiring every object follows (see `FlushWork.expiring`). */
  readonly expiring: boolean;
  /** Loads a relationship (children to delete or detach), without flushing first. */
  load(rel: RelationshipProperty, objects: readonly object[]): Promise<void>;
  /** Runs the models' hooks inside the flush (flush-hooks.ts); absent, none run. */
  readonly hooks?: FlushHooks;
}

/**
 * Runs model hooks for a flush: the session runs them marked as its own hooks, so that a query
 * made in one does not wait for the flush that called it.
 */
export interface FlushHooks {
  run(kind: HookKind, states: readonly InstanceState[]): Promise<void>;
}
