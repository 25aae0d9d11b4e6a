/** A transaction or savepoint of a `Connection`. */
import { InvalidRequestError } from "../core/errors.js";
import type { Connection } from "./connection.js";

export class Transaction {
  private active = true;

  constructor(
    readonly connection: Connection,
    /** The savepoint name; undefined for the outermost transaction. */
    readonly savepoint: string | undefined,
  ) {}

  get isActive(): boolean {
    return this.active;
  }

  get isNested(): boolean {
    return this.savepoint !== undefined;
  }

  async commit(): Promise<void> {
    this.checkActive("commit");
    try {
      await this.connection.run(this.savepoint ? `RELEASE SAVEPOINT ${this.savepoint}` : "COMMIT");
    } finally {
      // A failed COMMIT leaves no transaction open on any of our databases.
      if (!this.savepoint) this.connection.endTransaction(this);
    }
    if (this.savepoint) this.connection.endTransaction(this);
  }

  async rollback(): Promise<void> {
    this.checkActive("rollback");
    try {
      if (this.savepoint) {
        await this.connection.run(`ROLLBACK TO SAVEPOINT ${this.savepoint}`);
        await this.connection.run(`RELEASE SAVEPOINT ${this.savepoint}`);
      } else {
        await this.connection.run("ROLLBACK");
      }
    } finally {
      this.connection.endTransaction(this);
    }
  }

  /** Called by the connection when an enclosing transaction ended. */
  markEnded(): void {
    this.active = false;
  }

  private checkActive(action: string): void {
    if (!this.active) throw new InvalidRequestError(`Cannot ${action}: this ${this.savepoint ? "savepoint" : "transaction"} has already ended.`);
  }
}
