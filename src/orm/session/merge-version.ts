/**
 * Checks of the session's object `session.merge()` copies onto. The version check on a versioned
 * model (SQLAlchemy's): an object read at one version may not be merged onto the session's object
 * of a later one. Copied over, its old counter was taken as a change of the attribute, the UPDATE
 * named the row by the newer version and overwrote what another transaction had committed since
 * the object was read. And an object marked for deletion takes no merge.
 */
import { InvalidRequestError } from "../../core/errors.js";
import { StaleDataError } from "../errors.js";
import type { InstanceState } from "../state/instance-state.js";
import { describeKey } from "./expiry.js";

/**
 * Throws `StaleDataError` when both objects hold a version and they differ; the object's, unset or
 * expired, is not compared. The session's, expired, is: the row's is that one or newer (versions
 * only grow), and left out, a copy older than it was written over the newer change.
 */
export function assertSameVersion(source: InstanceState, target: InstanceState): void {
  const { mapper } = source;
  const attr = mapper.versionAttribute;
  if (attr === undefined || source === target) return;
  const held = (state: InstanceState) => state.dict[attr] !== undefined && !state.unloaded?.has(attr);
  if (!held(source) || source.expired?.has(attr) || !held(target)) return;
  const [theirs, ours] = [source.dict[attr], target.dict[attr]];
  if (theirs === ours) return;
  const key = describeKey(mapper.keyAttributes, mapper.keyAttributes.map((a) => target.dict[a]));
  throw new StaleDataError(
    `merge(${mapper.name}): the object's ${attr} ${String(theirs)} does not match ${String(ours)}, the version of ${mapper.name} (${key}) ` +
      `in the session: it was changed since the object was read. Reload it and apply the change again, ` +
      `or leave ${attr} unset (undefined) on the object to merge onto the latest version.`,
  );
}

/**
 * Throws InvalidRequestError when the session's object of the row is marked for deletion (not
 * flushed yet, with autoflush off or `load: false`): the merge copied onto it, and the commit
 * deleted the row and resolved without the changes merged.
 */
export function assertNotMarkedForDeletion(target: InstanceState): void {
  if (!target.deletePending) return;
  const { mapper } = target;
  throw new InvalidRequestError(
    `merge(${mapper.name}): the session's ${mapper.name} (${describeKey(mapper.keyAttributes, mapper.keyAttributes.map((attr) => target.dict[attr]))}) is marked for deletion, ` +
      `so the commit would delete the row with the changes merged. Add it back first (session.add(obj)) to keep the row, or leave it out of the merge: nothing was merged.`,
  );
}
