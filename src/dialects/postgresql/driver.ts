/** The node-postgres driver: pg's own pool, with athanor's type parsers. */
import pg from "pg";
import type { Driver, DriverConnection, DriverResult, ExecuteOptions, PoolOptions } from "../../engine/driver.js";
import { postgresTypeParsers } from "./values.js";

class PostgresConnection implements DriverConnection {
  /** Set when the server ended the connection while it was checked out. */
  private lost = false;
  private readonly onError = () => {
    this.lost = true;
  };

  constructor(private readonly client: pg.PoolClient) {
    // A checked-out client whose connection dies emits 'error'; unheard, it would crash the
    // process. The failure reaches the caller through the next query; the client is discarded.
    client.on("error", this.onError);
  }

  async execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult> {
    const query = { text: sql, values: params as unknown[] };
    const shape = options?.rowShape ?? "objects";
    const result = shape === "objects" ? await this.client.query(query) : await this.client.query({ ...query, rowMode: "array" });
    const rows = shape === "values" ? (result.rows as unknown[][]).map(firstColumn) : result.rows;
    return { rows, rowCount: result.rowCount ?? result.rows.length, lastInsertId: undefined };
  }

  release(broken = false): void {
    this.client.off("error", this.onError);
    this.client.release(broken || this.lost || undefined);
  }
}

const firstColumn = (row: readonly unknown[]): unknown => row[0];

export function createPostgresDriver(url: string, options: PoolOptions): Driver {
  const pool = new pg.Pool({
    connectionString: url.replace(/^postgres(ql)?\+?\w*:/, "postgresql:"),
    max: options.max ?? 10,
    types: postgresTypeParsers(pg.types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener the
  // process would crash. The next checkout gets a fresh connection.
  pool.on("error", () => undefined);
  return {
    acquire: async () => new PostgresConnection(await pool.connect()),
    dispose: () => pool.end(),
  };
}
