/**
 * A check the test suite turns on (`test/support/check-expiry.ts`). Expire-on-commit visits only
 * the objects reached since the session last expired its objects (`IdentityMap.drainReached`):
 * an object given values along a path that neither reached it through `stateOf` nor through a
 * state transition would keep them past the commit, and stale values would read as current.
 * Checked, every commit then walks all of the session's objects; off by default for that reason.
 */
import type { IdentityMap } from "../identity/identity-map.js";
import type { InstanceState } from "../state/instance-state.js";

let checking = false;

/** Turns the check on (or off) for this process. */
export function checkExpiryOnCommit(on = true): void {
  checking = on;
}

/** Throws if an object of the session still holds values that expire-on-commit should have expired. */
export function assertAllExpired(identity: IdentityMap): void {
  if (checking) identity.forEachState(assertExpired);
}

function assertExpired(state: InstanceState): void {
  if (isExpired(state)) return;
  throw new Error(
    `athanor internal check: a ${state.mapper.name} object (key ${String(state.key)}) kept loaded values past expire-on-commit; ` +
      `it was given them without being reached (InstanceState.touch).`,
  );
}

/** Whether expiring the object would change nothing: all columns but the key expired, nothing changed, no relationship held. */
function isExpired(state: InstanceState): boolean {
  if (state.key === undefined) return true;
  if (state.committed !== undefined || state.expired?.size !== state.mapper.expirableColumns.size) return false;
  for (const rel of state.mapper.relationships.values()) if (state.dict[rel.key] !== undefined) return false;
  return true;
}
