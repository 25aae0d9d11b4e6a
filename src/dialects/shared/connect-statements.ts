/**
 * The engine's `connectStatements`, run once on each physical connection: before its first use,
 * and again after the pool reset its session (the driver says so with `reset`).
 */
export class ConnectStatements<C extends object> {
  private readonly done = new WeakSet<C>();

  constructor(private readonly statements: readonly string[] = []) {}

  /** Runs the statements on `conn` unless it ran them since it opened or was reset; one that fails closes it. */
  async ensure(conn: C, run: (sql: string) => Promise<unknown>, close: () => void): Promise<void> {
    if (this.statements.length === 0 || this.done.has(conn)) return;
    try {
      for (const statement of this.statements) await run(statement);
    } catch (error) {
      close();
      throw error;
    }
    this.done.add(conn);
  }

  /** Whether `ensure` has statements to run on `conn`. */
  pending(conn: C): boolean {
    return this.statements.length !== 0 && !this.done.has(conn);
  }

  /** The connection's session was reset: its next checkout runs the statements again. */
  reset(conn: C): void {
    this.done.delete(conn);
  }
}
