/**
 * The select-in loads of a stream where the stream holds the session's connection (MySQL/MariaDB:
 * the protocol sends a result to its end before the next statement). Each batch's loads run on a
 * second connection, checked out of the engine's pool at the first load and returned when the
 * stream ends, however it ends. That connection reads in autocommit: each query sees the data
 * committed when it runs, as a lazy load in a new transaction would. It cannot see what the
 * session's transaction has written and not committed, so a session whose transaction may have
 * written is refused rather than given results that miss its own writes.
 */
import { PoolTimeoutError } from "../../core/pool-errors.js";
import type { CompiledQuery } from "../../core/compiler/compiled-query.js";
import type { Select } from "../../core/statements/select.js";
import type { Connection } from "../../engine/connection.js";
import type { Engine } from "../../engine/engine.js";
import { StreamingLoadError } from "../errors.js";
import type { StreamContext } from "../loading/query-runner.js";
import { loadRelationship } from "../loading/relationship-loader.js";

/** The second connection of one stream, taken on first use; `close()` returns it. */
export class StreamSideReads {
  private opening: Promise<Connection> | undefined;

  constructor(
    private readonly engine: Engine,
    /** The session's connection, once its transaction is open. */
    private readonly sessionConnection: () => Connection | undefined,
  ) {}

  /** `base` with its queries (and the loads that make them) sent on the second connection when the stream holds the first. */
  context(base: StreamContext): StreamContext {
    const context: StreamContext = {
      ...base,
      rows: (statement: Select<unknown>) => this.compiledRows(base, this.engine.cache.compile(statement.node)),
      compiledRows: (compiled: CompiledQuery) => this.compiledRows(base, compiled),
      // Every way the context reads goes to the second connection, this one too.
      mappedRows: async (statement, mapRow) => {
        if (this.sessionConnection()?.cursorSharing !== "exclusive") return base.mappedRows(statement, mapRow);
        return (await this.compiledRows(base, this.engine.cache.compile(statement.node))).map((row) => mapRow(row));
      },
      load: (rel, objects) => loadRelationship(context, rel, objects),
    };
    return context;
  }

  /** Returns the second connection to the pool, if one was taken. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    // One that failed to open holds nothing to return: its error went to the read that asked for it.
    const conn = await opening?.catch(() => undefined);
    await conn?.close();
  }

  private async compiledRows(base: StreamContext, compiled: CompiledQuery): Promise<unknown[][]> {
    const own = this.sessionConnection();
    if (own?.cursorSharing !== "exclusive") return base.compiledRows(compiled);
    const side = await (this.opening ??= this.open(own));
    return (await side.executeCompiled<unknown[]>(compiled, { rowShape: "arrays" })).rows;
  }

  private async open(own: Connection): Promise<Connection> {
    if (own.wroteInTransaction) {
      throw new StreamingLoadError(
        `Cannot load relationships eagerly (select-in) while streaming on MySQL/MariaDB after the session has written in its ` +
          `transaction: the stream holds the session's connection, so each batch's loads run on a second connection, which ` +
          `cannot see the session's uncommitted writes (the loaded relationships would miss them). Commit first ` +
          `(await session.commit()), or stream without the eager load and load the relationships after the loop.`,
      );
    }
    if (this.engine.options.pool?.max === 1) {
      throw new StreamingLoadError(
        `Cannot load relationships eagerly (select-in) while streaming on MySQL/MariaDB with a pool of one connection: ` +
          `the stream holds the session's connection and each batch's loads need a second one. Set pool.max to 2 or more, ` +
          `or stream without the eager load and load the relationships after the loop.`,
      );
    }
    try {
      return await this.engine.connect({ holder: "a session stream's select-in loads" });
    } catch (error) {
      if (!(error instanceof PoolTimeoutError)) throw error;
      throw new StreamingLoadError(
        `Cannot load relationships eagerly (select-in) while streaming on MySQL/MariaDB: each batch's loads need a second ` +
          `connection from the pool (the stream holds the session's), and none was free within ${error.timeoutMs} ms ` +
          `(pool of ${error.poolSize}). Raise pool.max, close the sessions holding connections, or stream without the eager load ` +
          `and load the relationships after the loop.`,
        { cause: error },
      );
    }
  }
}
