/**
 * Changes the application makes to an object while its session writes. A flush copies what it
 * writes and then marks the object clean, and a commit expires every object once its COMMIT
 * returns: a change made in between (to an object whose `session.commit()` was not awaited
 * yet) would be neither written nor kept, and the next commit would resolve without it. It is
 * refused instead, with an error that says what to await. The session's own writes (keys copied
 * by the flush, a failed flush putting objects back) do not come through here.
 */
import { InvalidRequestError } from "../../core/errors.js";
import { ChangeDuringFlushError } from "../errors.js";
import type { InstanceState, StateOwner } from "./instance-state.js";

/** Throws `ChangeDuringFlushError` if the object's session is flushing or committing. */
export function assertWritable(state: InstanceState, key: string): void {
  if (state.session?.writing) throw changeDuringFlush(`${state.mapper.name}.${key} was changed`);
}

/**
 * `assertWritable`, and refuses a change to an object whose row a flush or a bulk DELETE of the
 * transaction deleted: no flush writes it (its row is gone), so the commit used to resolve
 * without it. A column or a many-to-one assigned, or `flagModified`.
 */
export function assertChangeable(state: InstanceState, key: string): void {
  if (state.deleted) throw changeOfDeleted(state, key);
  assertWritable(state, key);
}

function changeOfDeleted(state: InstanceState, key: string): InvalidRequestError {
  const { mapper } = state;
  const row = mapper.keyAttributes.map((attr) => `${attr}=${JSON.stringify(state.dict[attr])}`).join(", ");
  return new InvalidRequestError(
    `${mapper.name}.${key} was changed on ${mapper.name} (${row}), deleted in this transaction by a flush or a bulk DELETE: ` +
      `its row is gone, so no flush would write the change. Roll back to keep the object, or make a new one: nothing was changed.`,
  );
}

/** Throws `ChangeDuringFlushError` if `session` is flushing or committing: `what` would change its objects. */
export function assertSessionWritable(session: StateOwner, what: string): void {
  if (session.writing) throw changeDuringFlush(what);
}

function changeDuringFlush(what: string): ChangeDuringFlushError {
  return new ChangeDuringFlushError(
    `${what} while its session was flushing or committing; the change would be lost. ` +
      `Await session.commit() (or flush()) before changing the session's objects.`,
  );
}
