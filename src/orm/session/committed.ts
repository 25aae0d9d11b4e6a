/**
 * Which sessions have committed a transaction: `sessionMaker().transaction` must not run a
 * function again once it committed part of its work itself (`session.commit()` inside it), since
 * that part would be written a second time.
 */
const sessions = new WeakSet<object>();

/** Records that the session (its transactions' owner) committed a transaction, or may have (its outcome unknown). */
export function noteCommitted(session: object): void {
  sessions.add(session);
}

/** Whether the session has committed a transaction since it was made. */
export function hasCommitted(session: object): boolean {
  return sessions.has(session);
}
