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

  constructor(
    private readonly client: pg.PoolClient,
    private readonly names: StatementNames | undefined,
  ) {
    // A checked-out client whose connection dies emits 'error'; unheard, it would crash the
    // process. The failure reaches the caller through the next query; the client is discarded.
    client.on("error", this.onError);
  }

  async execute(sql: string, params: readonly unknown[], options?: ExecuteOptions): Promise<DriverResult> {
    // Named, a statement is parsed once per connection (pg remembers which it has prepared).
    const name = params.length !== 0 ? this.names?.nameOf(sql) : undefined;
    const query = { text: sql, values: params as unknown[], name };
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

/**
 * The names of the prepared statements of one engine, one per SQL text (pg refuses one name for
 * two texts). Each is prepared on every connection that runs it and kept for the connection's
 * life: the first `MAX_NAMED` texts get names, later ones are parsed each time (applications
 * run a bounded set of statement shapes; dynamically built SQL must not fill the server).
 */
class StatementNames {
  private static readonly MAX_NAMED = 256;
  /** Statements longer than this are not kept prepared (a multi-row INSERT's plan is large). */
  private static readonly MAX_LENGTH = 8192;
  private readonly names = new Map<string, string>();

  nameOf(sql: string): string | undefined {
    const known = this.names.get(sql);
    if (known !== undefined || sql.length > StatementNames.MAX_LENGTH || this.names.size >= StatementNames.MAX_NAMED) return known;
    const name = `athanor_${this.names.size}`;
    this.names.set(sql, name);
    return name;
  }
}

export function createPostgresDriver(url: string, options: PoolOptions): Driver {
  const pool = new pg.Pool({
    connectionString: url.replace(/^postgres(ql)?\+?\w*:/, "postgresql:"),
    max: options.max ?? 10,
    types: postgresTypeParsers(pg.types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown),
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener the
  // process would crash. The next checkout gets a fresh connection.
  pool.on("error", () => undefined);
  const names = options.preparedStatements === false ? undefined : new StatementNames();
  return {
    acquire: async () => new PostgresConnection(await pool.connect(), names),
    dispose: () => pool.end(),
  };
}
