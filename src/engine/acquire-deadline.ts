/**
 * The limit on one `connect()`'s wait for a pooled connection. Its AbortSignal and timer are made
 * only when a driver asks for the signal, which it does only when it has to wait: a connection
 * taken from the idle ones costs no AbortController (about 2 µs) and no timer.
 */
import type { AcquireWait } from "./driver.js";
import { MAX_TIMER_MS } from "./deadline.js";


export class AcquireDeadline implements AcquireWait {
  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;

  constructor(readonly timeoutMs: number) {}

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = (this.controller = new AbortController());
      if (this.timeoutMs <= MAX_TIMER_MS) {
        this.timer = setTimeout(() => {
          this.timedOut = true;
          controller.abort();
        }, this.timeoutMs);
      }
    }
    return this.controller.signal;
  }

  /** Whether the wait ended because the time ran out. */
  get expired(): boolean {
    return this.timedOut;
  }

  /** Ends a wait under way with `reason` (the engine is being disposed); a caller not waiting is left alone. */
  refuse(reason: Error): void {
    if (this.controller !== undefined && !this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** The wait is over: the timer goes. */
  end(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
  }
}

/**
 * For pools that cannot drop a waiting caller (pg, mysql2), and for a pool still opening: the
 * caller stops waiting when `wait.signal` aborts, and a connection that arrives afterwards is
 * released at once. (These pools do not say whether a checkout will wait; a network round trip
 * dwarfs the signal's cost.)
 */
export function abandonOnAbort<C>(pending: Promise<C>, wait: AcquireWait | undefined, release: (conn: C) => void): Promise<C> {
  if (!wait) return pending;
  const signal = wait.signal;
  if (signal.aborted) {
    pending.then(release, () => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<C>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    pending.then(
      (conn) => {
        signal.removeEventListener("abort", onAbort);
        // Given up on already (the abort rejected the caller): back to the pool.
        if (signal.aborted) release(conn);
        else resolve(conn);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
