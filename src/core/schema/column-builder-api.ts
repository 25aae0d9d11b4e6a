/**
 * The reference documentation of `ColumnBuilder`'s methods, kept out of column-builder.ts (which
 * holds the builder's types): `ColumnBuilder extends ColumnBuilderApi`, an abstract class of
 * signatures only, so that the compiler checks each is implemented and editors show these
 * comments on the builder's methods. A new public ColumnBuilder method gets its doc comment here.
 */
import type { RawSql } from "../expression/sql-tag.js";
import type { ClientDefault, ColumnBuilder, Omittable, ReferenceOptions } from "./column-builder.js";

/** The documented methods of `ColumnBuilder`: signatures only, implemented by `ColumnBuilder`. */
export abstract class ColumnBuilderApi<T, N extends boolean, D extends boolean, F extends string> {
  /**
   * `NOT NULL`: the row type's property no longer admits `null`, and an INSERT must give the
   * column unless it has a default.
   *
   * ```ts
   * const accounts = table("accounts", metadata, { id: integer().primaryKey(), email: string(200).notNull() });
   * // CREATE TABLE accounts (id INTEGER NOT NULL, email VARCHAR(200) NOT NULL, PRIMARY KEY (id))
   * ```
   */
  abstract notNull(): ColumnBuilder<T, false, D, F>;

  /**
   * Admits `NULL` (the default), undoing `notNull()`: for a builder kept in a variable and reused.
   *
   * ```ts
   * const email = string(200).notNull();
   * const contacts = table("contacts", metadata, { id: integer().primaryKey(), primary: email, backup: email.nullable() });
   * ```
   */
  abstract nullable(): ColumnBuilder<T, true, D, F>;

  /**
   * Part of the primary key (several columns may say so). Implies NOT NULL. A lone integer key
   * is typed as optional on insert, since the database generates it (unless it is a foreign key,
   * has a server default, or says `.autoincrement(false)`).
   *
   * ```ts
   * const links = table("links", metadata, {
   *   fromId: integer().named("from_id").primaryKey(), // composite key: PRIMARY KEY (from_id, to_id)
   *   toId: integer().named("to_id").primaryKey(),
   * });
   * ```
   */
  abstract primaryKey(): ColumnBuilder<T, false, Omittable<T, F | "key">, F | "key">;

  /**
   * Whether the database generates the value; by default only a lone integer primary key does
   * (SERIAL/IDENTITY, AUTO_INCREMENT, SQLite's rowid). `autoincrement(false)` makes such a key
   * one the application gives: required on insert.
   *
   * ```ts
   * const countries = table("countries", metadata, { code: integer().primaryKey().autoincrement(false), name: string(80) });
   * await engine.execute(insert(countries).values({ code: 250, name: "France" })); // code is required
   * ```
   */
  abstract autoincrement(enabled?: true): ColumnBuilder<T, N, true, Exclude<F, "noauto"> | "auto">;
  /** `autoincrement(false)`: the application gives the key; an INSERT must name it. */
  abstract autoincrement(enabled: false): ColumnBuilder<T, N, Omittable<T, Exclude<F, "auto"> | "noauto">, Exclude<F, "auto"> | "noauto">;
  /** `autoincrement(flag)` with a flag known at run time only: whether an INSERT may omit the column is then not known. */
  abstract autoincrement(enabled: boolean): ColumnBuilder<T, N, boolean, F>;

  /**
   * A client-side default, applied by `insert()` (and the ORM) when the row does not give the
   * column: a value, or a function called once per inserted row. Nothing in the DDL.
   *
   * ```ts
   * const notes = table("notes", metadata, {
   *   id: integer().primaryKey(),
   *   createdAt: datetime().notNull().default(() => new Date()), // optional on insert
   * });
   * ```
   */
  abstract default(value: ClientDefault<T>): ColumnBuilder<T, N, true, F | "def">;

  /**
   * A default the database applies: `DEFAULT <expr>` in the DDL (a string, number or boolean is
   * written as a literal; `sql\`...\`` as SQL). Optional on insert; the ORM reads the value back.
   *
   * ```ts
   * const jobs = table("jobs", metadata, {
   *   id: integer().primaryKey(),
   *   state: string(20).notNull().serverDefault("queued"), // state VARCHAR(20) DEFAULT 'queued' NOT NULL
   *   queuedAt: datetime().notNull().serverDefault(sql`CURRENT_TIMESTAMP`),
   * });
   * ```
   */
  abstract serverDefault(value: RawSql | string | number | boolean): ColumnBuilder<T, N, true, F | "sdef">;

  /**
   * A single-column `UNIQUE` constraint (named by the MetaData's naming convention, if any).
   * A duplicate value raises `IntegrityError`.
   *
   * ```ts
   * const handles = table("handles", metadata, { id: integer().primaryKey(), handle: string(40).notNull().unique() });
   * ```
   */
  abstract unique(): ColumnBuilder<T, N, D, F>;

  /**
   * A single-column index (`CREATE INDEX ix_<table>_<column>`, or as the naming convention says).
   *
   * ```ts
   * const visits = table("visits", metadata, { id: integer().primaryKey(), at: datetime().notNull().index() });
   * ```
   */
  abstract index(): ColumnBuilder<T, N, D, F>;

  /**
   * A foreign key to `"table.column"` (or `"schema.table.column"`), resolved when first needed:
   * the table may be defined later, in another module. `onDelete`/`onUpdate` are the database's
   * referential actions; `name` the constraint's name.
   *
   * ```ts
   * const payments = table("payments", metadata, {
   *   id: integer().primaryKey(),
   *   orderId: integer().named("order_id").notNull().references("orders.id", { onDelete: "cascade" }),
   * }); // FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
   * ```
   */
  abstract references(target: string, options?: ReferenceOptions): ColumnBuilder<T, N, Omittable<T, F | "ref">, F | "ref">;

  /**
   * The column's name in the database, when it differs from the property key (which stays the
   * key in rows and in `table.c`).
   *
   * ```ts
   * const people = table("people", metadata, { id: integer().primaryKey(), firstName: string(50).named("first_name") });
   * select(people.c.firstName); // SELECT people.first_name AS "firstName"
   * ```
   */
  abstract named(name: string): ColumnBuilder<T, N, D, F>;

  /**
   * The name (or names, newest first) the column had in the database before: `migrate new` then
   * generates a rename, keeping the data, instead of a drop and an add. Safe to keep after the
   * migration has run; remove it once no database is older than that migration.
   *
   * ```ts
   * const members = table("members", metadata, { id: integer().primaryKey(), fullName: string(100).named("full_name").renamedFrom("name") });
   * ```
   */
  abstract renamedFrom(names: string | readonly string[]): ColumnBuilder<T, N, D, F>;
}
