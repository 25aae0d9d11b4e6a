/** Reads the schema the database actually has (tables, columns, constraint names), as opposed to the MetaData. */
import type { SchemaModel } from "../core/schema/schema-model.js";
import type { ConstraintNames, ReflectOptions, TableInfo } from "./driver.js";
import type { Engine } from "./engine.js";

/** What the database holds (tables, columns), from `engine.inspect()`. */
export class Inspector {
  constructor(private readonly engine: Engine) {}

  /** The tables of a schema (the default one when not given), sorted. */
  tableNames(schema?: string): Promise<string[]> {
    return this.engine.withConnection((conn) => conn.dialect.tableNames(rawOf(conn), schema));
  }

  /** Whether the table exists in the schema. */
  async hasTable(name: string, schema?: string): Promise<boolean> {
    return (await this.tableNames(schema)).includes(name);
  }

  /** The table's columns as the database reports them, or undefined when it does not exist. */
  describeTable(name: string, schema?: string): Promise<TableInfo | undefined> {
    return this.engine.withConnection((conn) => conn.dialect.describeTable(rawOf(conn), name, schema));
  }

  /** The names of the table's foreign keys, unique and check constraints and indexes. */
  constraintNames(name: string, schema?: string): Promise<ConstraintNames> {
    return this.engine.withConnection((conn) => conn.dialect.constraintNames(rawOf(conn), name, schema));
  }

  /**
   * The whole schema as plain data (tables, columns, keys, constraints, indexes, PostgreSQL
   * enums), normalised per dialect so that it deep-equals the `SchemaModel` of the MetaData that
   * created it. The migrations' version table `athanor_migrations` (and, on a Galera cluster,
   * their lock table) is left out unless `exclude` says otherwise.
   */
  reflect(options: ReflectOptions = {}): Promise<SchemaModel> {
    const exclude = options.exclude ?? [MIGRATIONS_TABLE, MIGRATIONS_LOCK_TABLE];
    return this.engine.withConnection((conn) => conn.dialect.reflect(rawOf(conn), { ...options, exclude }));
  }
}

/** The version table of `athanor migrate`, which reflection leaves out by default. */
export const MIGRATIONS_TABLE = "athanor_migrations";

/** The lock row's table of `athanor migrate` on a MariaDB Galera cluster, left out of reflection too. */
export const MIGRATIONS_LOCK_TABLE = "athanor_migrations_lock";

/** Introspection queries go through the connection (logged, errors wrapped), not the driver. */
function rawOf(conn: import("./connection.js").Connection) {
  return {
    execute: (sql: string, params: readonly unknown[]) => conn.run(sql, params),
    release: () => undefined,
  };
}
