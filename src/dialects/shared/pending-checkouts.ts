/**
 * Checkouts still waiting for a connection when the engine is disposed are refused with a
 * ResourceClosedError. Left to the drivers' pools they would wait forever (pg's end() never
 * answers them) or fail as a driver error (mysql2's "Pool is closed.").
 */
import { ResourceClosedError } from "../../core/errors.js";

export function poolDisposedError(): ResourceClosedError {
  return new ResourceClosedError(
    "The engine was disposed (engine.dispose()) while this connect() waited for a connection. " +
      "Close connections before dispose(), or connect again: the engine then opens a new pool.",
  );
}

export class PendingCheckouts {
  private readonly waiting = new Set<(error: Error) => void>();

  /** `connect()`, refused by `refuseAll()` until it answers; a connection that comes after that goes back. */
  checkout<C>(connect: () => Promise<C>, giveBack: (conn: C) => void): Promise<C> {
    return new Promise<C>((resolve, reject) => {
      this.waiting.add(reject);
      connect().then(
        (conn) => (this.waiting.delete(reject) ? resolve(conn) : giveBack(conn)),
        (error: unknown) => {
          if (this.waiting.delete(reject)) reject(error);
        },
      );
    });
  }

  refuseAll(): void {
    for (const reject of this.waiting) reject(poolDisposedError());
    this.waiting.clear();
  }
}
