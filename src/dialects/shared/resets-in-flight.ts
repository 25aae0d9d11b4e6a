/**
 * Connections being reset after their return to the pool (DISCARD ALL, COM_RESET_CONNECTION: the
 * session's cleanup, answered asynchronously; the pool gets the connection back once it is).
 * `engine.dispose()` waits for them; past `pool.disposeTimeoutMs` it closes their sockets
 * (`Driver.closeResets`): a reset sent to a server gone silent is never answered, and the pool's
 * end waited for it (up to `pool.connectTimeoutMs` on PostgreSQL, for ever on MariaDB, whose pool
 * queued its goodbye behind the reset).
 */
export class ResetsInFlight {
  readonly #pending = new Map<Promise<void>, () => void>();

  /** Follows `reset` until it settles, either way; `destroy` closes its connection's socket. */
  track(reset: Promise<unknown>, destroy: () => void): void {
    const done: Promise<void> = reset.then(
      () => void this.#pending.delete(done),
      () => void this.#pending.delete(done),
    );
    this.#pending.set(done, destroy);
  }

  /** Settles once every reset under way now has. */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending.keys()]);
  }

  /** Closes the socket of each reset still under way: it fails, and its connection is discarded. */
  destroyAll(): void {
    for (const destroy of [...this.#pending.values()]) destroy();
  }
}
