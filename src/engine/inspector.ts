/** Reads the schema the database actually has (tables, columns, constraint names), as opposed to the MetaData. */
import type { SchemaModel } from "../core/schema/schema-model.js";
import type { ConstraintNames, ReflectOptions, TableInfo } from "./driver.js";
import type { Engine } from "./engine.js";

/** What the database holds (tables, columns), from `engine.inspect()`. */
export class Inspector {
  constructor(private readonly engine: Engine) {}

  /**
   * The tables of a schema (the default one when not given), sorted, read from the database's catalog.
   *
   * ```ts
   * const names = await engine.inspect().tableNames(); // ["orders", "users"]
   * ```
   */
  tableNames(schema?: string): Promise<string[]> {
    return this.engine.withConnection((conn) => conn.dialect.tableNames(rawOf(conn), schema));
  }

  /**
   * Whether the table exists in the schema (the default one when not given).
   *
   * ```ts
   * if (!(await engine.inspect().hasTable("users"))) await metadata.createAll(engine);
   * ```
   */
  async hasTable(name: string, schema?: string): Promise<boolean> {
    return (await this.tableNames(schema)).includes(name);
  }

  /**
   * The table's columns as the database reports them (name, type, nullability), or undefined
   * when the table does not exist.
   *
   * ```ts
   * const info = await engine.inspect().describeTable("users");
   * console.log(info?.columns.map((c) => `${c.name} ${c.type}`));
   * ```
   */
  describeTable(name: string, schema?: string): Promise<TableInfo | undefined> {
    return this.engine.withConnection((conn) => conn.dialect.describeTable(rawOf(conn), name, schema));
  }

  /**
   * The names of the table's foreign keys, unique and check constraints and indexes, as the
   * database has them (to compare with a naming convention).
   *
   * ```ts
   * const names = await engine.inspect().constraintNames("orders");
   * console.log(names.foreignKeys); // ["fk_orders_user_id_users"]
   * ```
   */
  constraintNames(name: string, schema?: string): Promise<ConstraintNames> {
    return this.engine.withConnection((conn) => conn.dialect.constraintNames(rawOf(conn), name, schema));
  }

  /**
   * The whole schema as plain data (tables, columns, keys, constraints, indexes, PostgreSQL
   * enums), normalised per dialect so that it deep-equals the `SchemaModel` of the MetaData that
   * created it. The migrations' version table `athanor_migrations` (and, on a Galera cluster,
   * their lock table) is left out unless `exclude` says otherwise.
   *
   * ```ts
   * const model = await engine.inspect().reflect({ exclude: ["athanor_migrations", "audit_log"] });
   * console.log(model.tables.map((t) => t.name));
   * ```
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
