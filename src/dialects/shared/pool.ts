/**
 * A minimal connection pool for drivers that have none (better-sqlite3): at most `max`
 * connections, callers wait in order when all are checked out, and a caller whose wait is
 * aborted leaves the queue.
 */
import { ResourceClosedError } from "../../core/errors.js";
import type { AcquireWait, PoolOptions } from "../../engine/driver.js";
import { connectTimeoutOf } from "./connect-deadline.js";

interface Waiter<C> {
  readonly resolve: (conn: C) => void;
  readonly reject: (error: unknown) => void;
}

export class SimplePool<C> {
  private readonly idle: C[] = [];
  private readonly waiting: Waiter<C>[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly create: () => C,
    private readonly destroy: (conn: C) => void,
    readonly max: number,
  ) {}

  async acquire(wait?: AcquireWait): Promise<C> {
    if (this.closed) throw new ResourceClosedError("The connection pool has been disposed.");
    const conn = this.idle.pop();
    if (conn !== undefined) return conn;
    if (this.open < this.max) {
      const created = this.create();
      this.open++;
      return created;
    }
    // Only now, about to wait, is the caller's signal (and its timer) made.
    const signal = wait?.signal;
    signal?.throwIfAborted();
    return new Promise<C>((resolve, reject) => {
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal!.reason);
      };
      const waiter: Waiter<C> = {
        resolve: (c) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(c);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(conn: C, broken: boolean): void {
    if (broken || this.closed) {
      this.open--;
      this.destroy(conn);
      if (!this.closed && this.waiting.length) this.handOverNew(this.waiting.shift()!);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(conn);
    else this.idle.push(conn);
  }

  /** Closes the idle connections and fails the waiting callers; checked-out ones close on release. */
  dispose(): void {
    this.closed = true;
    // Callers still waiting for a connection would otherwise wait forever.
    for (const waiter of this.waiting.splice(0)) waiter.reject(new ResourceClosedError("The connection pool has been disposed."));
    for (const conn of this.idle.splice(0)) {
      this.open--;
      this.destroy(conn);
    }
  }

  /** A discarded connection freed a place: a new one for the first waiter. */
  private handOverNew(waiter: Waiter<C>): void {
    let conn: C;
    try {
      conn = this.create();
    } catch (error) {
      waiter.reject(error);
      return;
    }
    this.open++;
    waiter.resolve(conn);
  }
}

/**
 * How long a driver may take to open a connection (0: no limit): `pool.connectTimeoutMs`, but never
 * longer than a second past the callers' own limit (`acquireTimeoutMs`, which fires first and names
 * the holders): nobody waits for it then, and the attempt gives its place in the pool back.
 */
export function openTimeout(options: PoolOptions): number {
  const ms = Math.min(connectTimeoutOf(options), (options.acquireTimeoutMs ?? 30_000) + 1000);
  return Number.isFinite(ms) && ms < 2 ** 31 ? ms : 0;
}

/**
 * TCP keepalive's idle time on the engine's sockets (`pool.keepAliveInitialDelayMs`): after this
 * long without traffic the operating system probes the peer (at the interval and count Node's
 * libuv sets), so that a pooled connection to a host that died without closing it (power lost, a
 * partition) fails while idle, and the pool drops it, instead of taking the next statement into
 * the void.
 */
export function keepAliveDelayOf(options: PoolOptions): number {
  return options.keepAliveInitialDelayMs ?? DEFAULT_KEEPALIVE_DELAY_MS;
}

export const DEFAULT_KEEPALIVE_DELAY_MS = 30_000;
