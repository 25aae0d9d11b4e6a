/** The options of `@model(...)` (decorators.ts). */
import type { TableConstraint } from "../../core/schema/constraints.js";
import type { TableColumns } from "../../core/schema/table.js";

/** Options of `@model(...)`. */
export interface ModelOptions {
  /** The model's name in the registry and in `Models` (default: the class name). */
  readonly name?: string;
  /**
   * The database schema of the table (a PostgreSQL schema, a MySQL/MariaDB database); default:
   * the registry's `MetaData` schema. The schema must exist: `createAll` creates tables in it.
   */
  readonly schema?: string;
  /**
   * Names the table had before, newest first: `migrate new` then generates a table rename,
   * keeping the rows, instead of a drop and a create. (A column's: `.renamedFrom("old")`.)
   */
  readonly previousNames?: readonly string[];
  /**
   * Table-level constraints, given the table's columns: composite primary keys, `unique`,
   * `check`, `index`, composite `foreignKey`s. `constraints: (c) => [unique([c.first, c.last])]`.
   */
  readonly constraints?: (c: TableColumns<any>) => readonly TableConstraint[];
  /**
   * Optimistic locking: an integer column attribute that every UPDATE increments and checks, so
   * that a row changed by another transaction since it was read raises StaleDataError.
   */
  readonly version?: string;
  /**
   * Inheritance, on the base class: the column attribute whose value says which class each row
   * is (SQLAlchemy's `polymorphic_on`). See docs/inheritance.md.
   */
  readonly polymorphicOn?: string;
  /**
   * Inheritance: this class's value of the base's `polymorphicOn` column (SQLAlchemy's
   * `polymorphic_identity`). Required on a subclass: `@model({ polymorphicIdentity: "manager" })
   * class Manager extends Employee` shares the base's table (single-table inheritance),
   * `@model("managers", { polymorphicIdentity: "manager" })` gives it a table of its own, joined
   * to the base's by its key (joined-table inheritance). Optional on the base, whose objects
   * cannot be saved without one.
   */
  readonly polymorphicIdentity?: string | number;
  /**
   * Whether the flush reads the server defaults and generated columns the database computed back
   * in its own statements (`INSERT ... RETURNING`, and `UPDATE ... RETURNING` for generated
   * columns), where the database has them: SQLAlchemy's `eager_defaults`. Default `true`. With
   * `false`, they are expired after the write instead, and read when first accessed after a
   * `session.refresh(obj)` (say, for a large generated column seldom read). On the base of an
   * inheritance hierarchy, for the whole hierarchy. See docs/generated-columns.md.
   */
  readonly eagerDefaults?: boolean;
}
