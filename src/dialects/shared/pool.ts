/**
 * A minimal connection pool for drivers that have none (better-sqlite3): at most `max`
 * connections, callers wait in order when all are checked out.
 */
export class SimplePool<C> {
  private readonly idle: C[] = [];
  private readonly waiting: ((conn: C) => void)[] = [];
  private open = 0;
  private closed = false;

  constructor(
    private readonly create: () => C,
    private readonly destroy: (conn: C) => void,
    private readonly max: number,
  ) {}

  async acquire(): Promise<C> {
    if (this.closed) throw new Error("The connection pool has been disposed.");
    const conn = this.idle.pop();
    if (conn !== undefined) return conn;
    if (this.open < this.max) {
      const created = this.create();
      this.open++;
      return created;
    }
    return new Promise<C>((resolve) => this.waiting.push(resolve));
  }

  release(conn: C, broken: boolean): void {
    if (broken || this.closed) {
      this.open--;
      this.destroy(conn);
      if (!this.closed && this.waiting.length) void this.acquire().then(this.waiting.shift()!);
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter) waiter(conn);
    else this.idle.push(conn);
  }

  dispose(): void {
    this.closed = true;
    for (const conn of this.idle.splice(0)) {
      this.open--;
      this.destroy(conn);
    }
  }
}
