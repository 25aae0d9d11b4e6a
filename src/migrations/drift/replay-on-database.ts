/**
 * The history replayed for real: migrations applied by the runner to a (scratch) database and the
 * result read back by reflection. `check`, `verify` and `merge` compare what databases hold, not
 * what the operations are expected to do, so a renderer bug or a dialect quirk shows up here.
 */
import type { SchemaModel } from "../../core/schema/schema-model.js";
import type { Engine } from "../../engine/engine.js";
import { closeAfter } from "../../engine/transaction.js";
import type { MigrationGraph } from "../history/graph.js";
import { MigrationRunner } from "../history/runner.js";

/** Applies migrations to `engine`'s database and reads its schema back; one connection per call. */
export class DatabaseReplay {
  constructor(
    private readonly engine: Engine,
    private readonly graph: MigrationGraph,
    /** The schemas (PostgreSQL schemas, MySQL databases) to reflect besides the default one. */
    private readonly schemas: readonly string[] = [],
  ) {}

  /** Applies `target` and everything before it that is not applied yet; the rows its drops meet are the replay's own (seeded by its ups), so no confirmation is asked. */
  up(target: string): Promise<unknown> {
    return this.withRunner((runner) => runner.up(target, { allowDataLoss: true }));
  }

  /** Reverts the last applied migration; the rows it drops are the replay's own (seeded by its ups), so no confirmation is asked. */
  downOne(): Promise<unknown> {
    return this.withRunner((runner) => runner.down(undefined, { allowDataLoss: true }));
  }

  /** The database's schema now (the version table left out). */
  reflect(): Promise<SchemaModel> {
    return this.engine.inspect().reflect({ schemas: [...this.schemas] });
  }

  // The connection is returned before reflecting: SQLite in memory has a pool of one.
  private async withRunner<T>(fn: (runner: MigrationRunner) => Promise<T>): Promise<T> {
    const connection = await this.engine.connect();
    let result: T;
    try {
      result = await fn(new MigrationRunner({ connection, graph: this.graph }));
    } catch (error) {
      await closeAfter(connection, error); // a close finding a MySQL/MariaDB transaction committed says so, fn's error its cause
      throw error;
    }
    await connection.close();
    return result;
  }
}

/** The non-default schemas the tables of these models live in, sorted. */
export function schemasOf(...models: readonly SchemaModel[]): string[] {
  const names = new Set<string>();
  for (const model of models) for (const table of model.tables) if (table.schema) names.add(table.schema);
  return [...names].sort();
}
