/** A collection of tables: the unit that is created, dropped and searched for foreign-key targets. */
import { ArgumentError } from "../errors.js";
import type { Table } from "./table.js";
import { sortTables, type TableOrder } from "./sort-tables.js";
import { checkNamingConvention, type NamingConvention } from "./naming-convention.js";

/** `new MetaData({ schema, namingConvention })`: the defaults of the tables it holds. */
export interface MetaDataOptions {
  /**
   * The database schema of every table that names none (a PostgreSQL schema, a MySQL/MariaDB
   * database). The schema must exist; foreign keys may still name their target without it.
   */
  readonly schema?: string;
  /**
   * Templates for the names of constraints and indexes, by kind (`pk`, `fk`, `uq`, `ck`, `ix`):
   * `{ ix: "ix_{column_0_label}", fk: "fk_{table_name}_{column_0_name}_{referred_table_name}" }`.
   * See `constraintName` for the tokens.
   */
  readonly namingConvention?: NamingConvention;
}

/** What can run DDL for a MetaData: implemented by the engine, so `core` needs no engine import. */
export interface SchemaExecutor {
  runSchemaOperation(operation: "create" | "drop", metadata: MetaData, options: { checkFirst: boolean }): Promise<void>;
}

/**
 * A collection of tables: created and dropped together, and where foreign keys find their targets.
 *
 * ```ts
 * const metadata = new MetaData();
 * const authors = table("authors", metadata, { id: integer().primaryKey(), name: text().notNull() });
 * const books = table("books", metadata, { id: integer().primaryKey(), authorId: integer().named("author_id").references("authors.id") });
 * await metadata.createAll(engine, { checkFirst: true }); // authors, then books
 * ```
 */
export class MetaData {
  readonly tables = new Map<string, Table>();

  constructor(readonly options: MetaDataOptions = {}) {
    if (options.namingConvention) checkNamingConvention(options.namingConvention);
  }

  /** The templates of constraint and index names given to the constructor, if any. */
  get namingConvention(): NamingConvention | undefined {
    return this.options.namingConvention;
  }

  /** @internal Called by `Table`'s constructor: `table(name, metadata, ...)` adds the table. */
  add(table: Table): void {
    const key = table.fullName;
    if (this.tables.has(key)) {
      throw new ArgumentError(`Table '${key}' is already defined in this MetaData.`);
    }
    this.tables.set(key, table);
  }

  /**
   * The table with this key: `name`, or `schema.name`. A name without a schema also finds the
   * table in the MetaData's default schema, so that `references("users.id")` works under it.
   *
   * ```ts
   * const found = metadata.table("orders"); // the Table, or undefined
   * console.log(found?.c.total.name); // "total"
   * ```
   */
  table(key: string): Table | undefined {
    const schema = this.options.schema;
    return this.tables.get(key) ?? (schema === undefined ? undefined : this.tables.get(`${schema}.${key}`));
  }

  /**
   * Removes a table from the MetaData (and nothing else: not from the database, nor the foreign
   * keys of other tables naming it): for tests and tools that rebuild a schema.
   *
   * ```ts
   * metadata.remove(books);
   * metadata.table("books"); // undefined: a new table("books", metadata, ...) may be declared
   * ```
   */
  remove(table: Table): void {
    this.tables.delete(table.fullName);
  }

  /**
   * Tables in foreign-key dependency order, referenced tables first: the order of `createAll`.
   *
   * ```ts
   * metadata.sortedTables.map((t) => t.name); // ["users", "orders", "books"]: users before orders
   * ```
   */
  get sortedTables(): readonly Table[] {
    return this.dependencyOrder().order;
  }

  /**
   * The dependency order and the foreign keys that close cycles between tables (which
   * `createAll` adds with ALTER TABLE after the tables, where the dialect can).
   *
   * ```ts
   * const { order, cyclic } = metadata.dependencyOrder();
   * console.log(order.map((t) => t.name), cyclic.length); // [...], 0
   * ```
   */
  dependencyOrder(): TableOrder {
    return sortTables([...this.tables.values()]);
  }

  /**
   * `CREATE TABLE` (and its indexes) for every table, referenced tables first, on an engine.
   * `checkFirst` (the default) skips tables that exist; `{ checkFirst: false }` lets the database
   * refuse them.
   *
   * ```ts
   * await metadata.createAll(engine); // CREATE TABLE users (...); CREATE TABLE orders (...); CREATE TABLE books (...)
   * ```
   */
  createAll(bind: SchemaExecutor, options: { checkFirst?: boolean } = {}): Promise<void> {
    return bind.runSchemaOperation("create", this, { checkFirst: options.checkFirst ?? true });
  }

  /**
   * `DROP TABLE` for every table, dependent tables first, on an engine. `checkFirst` (the
   * default) skips tables that do not exist.
   *
   * ```ts
   * await metadata.dropAll(engine); // DROP TABLE books; DROP TABLE orders; DROP TABLE users
   * ```
   */
  dropAll(bind: SchemaExecutor, options: { checkFirst?: boolean } = {}): Promise<void> {
    return bind.runSchemaOperation("drop", this, { checkFirst: options.checkFirst ?? true });
  }
}
