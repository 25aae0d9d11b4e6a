/**
 * A minimal connection pool for drivers that have none (better-sqlite3): at most `max`
 * connections, callers wait in order when all are checked out.
 */
import { poolDisposedError } from "./pending-checkouts.js";

interface Waiter<C> {
  resolve(conn: C): void;
  reject(error: Error): void;
}

export class SimplePool<C> {
  private readonly idle: C[] = [];
  private readonly waiting: Waiter<C>[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly create: () => C,
    private readonly destroy: (conn: C) => void,
    private readonly max: number,
  ) {}

  async acquire(): Promise<C> {
    if (this.closed) throw poolDisposedError();
    const conn = this.idle.pop();
    if (conn !== undefined) return conn;
    if (this.open < this.max) {
      const created = this.create();
      this.open++;
      return created;
    }
    return new Promise<C>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  release(conn: C, broken: boolean): void {
    if (broken || this.closed) {
      this.open--;
      this.destroy(conn);
      if (!this.closed && this.waiting.length) {
        const waiter = this.waiting.shift()!;
        this.acquire().then(waiter.resolve, waiter.reject);
      }
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve(conn);
    else this.idle.push(conn);
  }

  dispose(): void {
    this.closed = true;
    // Callers still waiting for a connection would otherwise wait forever.
    for (const waiter of this.waiting.splice(0)) waiter.reject(poolDisposedError());
    for (const conn of this.idle.splice(0)) {
      this.open--;
      this.destroy(conn);
    }
  }
}
