/** Reads the schema the database actually has (tables, columns, constraint names), as opposed to the MetaData. */
import type { ConstraintNames, TableInfo } from "./driver.js";
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
}

/** Introspection queries go through the connection (logged, errors wrapped), not the driver. */
function rawOf(conn: import("./connection.js").Connection) {
  return {
    execute: (sql: string, params: readonly unknown[]) => conn.run(sql, params),
    release: () => undefined,
  };
}
