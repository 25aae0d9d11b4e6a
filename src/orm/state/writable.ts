/**
 * Changes the application makes to an object while its session writes. A flush copies what it
 * writes and then marks the object clean, and a commit expires every object once its COMMIT
 * returns: a change made in between (to an object whose `session.commit()` was not awaited
 * yet) would be neither written nor kept, and the next commit would resolve without it. It is
 * refused instead, with an error that says what to await. The session's own writes (keys copied
 * by the flush, a failed flush putting objects back) do not come through here.
 */
import { ChangeDuringFlushError } from "../errors.js";
import type { InstanceState, StateOwner } from "./instance-state.js";

/** Throws `ChangeDuringFlushError` if the object's session is flushing or committing. */
export function assertWritable(state: InstanceState, key: string): void {
  if (state.session?.writing) throw changeDuringFlush(`${state.mapper.name}.${key} was changed`);
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
