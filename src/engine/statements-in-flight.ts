/**
 * The statements a connection has sent and not had answered yet, kept out of connection.ts (which
 * sends them): counted on the statement path without allocating, and resolved for whoever waits
 * for there to be none (`Connection.whenIdle`: a flush or COMMIT still under way).
 */

/** @internal A connection's statements in flight: `sent()` before the driver's answer is awaited, `answered()` after. */
export class StatementsInFlight {
  private count = 0;
  private idleWaiters: (() => void)[] = [];

  sent(): void {
    this.count++;
  }

  answered(): void {
    if (--this.count === 0 && this.idleWaiters.length) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  whenIdle(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
