/** Table constraints and indexes. Foreign keys resolve their target lazily, by name. */
import type { ForeignKeySchema } from "../ast/table-schema.js";
import type { Expression } from "../expression/expression.js";
import { NoReferencedTableError } from "../errors.js";
import type { IndexKeyPart, IndexPart } from "./index-parts.js";
import type { ReferentialAction } from "./column-builder.js";
import type { Column } from "./column.js";
import { constraintName, type ConstraintNameParts } from "./naming-convention.js";
import type { Table } from "./table.js";

/** A foreign key of a table, resolved to its target column when the target table is defined. */
export class ForeignKey implements ForeignKeySchema {
  private resolved: { table: Table; columns: Column[] } | undefined;

  constructor(
    readonly table: Table,
    readonly columns: readonly Column[],
    /** The referenced table's name (possibly `schema.table`). */
    readonly targetTable: string,
    readonly targetColumns: readonly string[],
    readonly onDelete: ReferentialAction | undefined,
    readonly onUpdate: ReferentialAction | undefined,
    readonly explicitName: string | undefined,
  ) {}

  /** `"table.column"` as written, for messages. */
  get target(): string {
    return this.targetColumns.map((c) => `${this.targetTable}.${c}`).join(", ");
  }

  /**
   * The name by the MetaData's naming convention: the given one, or by default
   * `fk_<table>_<columns>_<target>`, in full. The name used in DDL may be shorter: the DDL
   * compiler fits a generated name to the database's identifier limit.
   */
  get name(): string {
    return constraintName(this.nameParts, this.table.metadata.namingConvention)!.name;
  }

  /** What the name is computed from: declared names only, so it needs no resolved target. */
  get nameParts(): ConstraintNameParts {
    const dot = this.targetTable.lastIndexOf(".");
    return {
      kind: "fk",
      tableName: this.table.name,
      columnNames: this.columns.map((c) => c.name),
      columnKeys: this.columns.map((c) => c.key),
      referredTableName: this.targetTable.slice(dot + 1),
      ...(dot > 0 ? { referredTableSchema: this.targetTable.slice(0, dot) } : {}),
      referredColumnNames: this.targetColumns,
      ...(this.explicitName === undefined ? {} : { constraintName: this.explicitName }),
    };
  }

  /** The referenced table, looked up in the MetaData when first needed. */
  get referredTable(): Table {
    return this.resolve().table;
  }

  /** The referenced columns, resolved as `referredTable` is (`NoReferencedTableError` when the table is not declared). */
  get referredColumns(): readonly Column[] {
    return this.resolve().columns;
  }

  /** Whether the target can be resolved now (no error). */
  get isResolvable(): boolean {
    try {
      this.resolve();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Whether this key points at `table` (resolving the target; false when it cannot be resolved).
   *
   * ```ts
   * const toUsers = orders.foreignKeys.filter((fk) => fk.references(users)); // orders.user_id -> users.id
   * ```
   */
  references(table: Table): boolean {
    return this.resolve().table === table;
  }

  private resolve(): { table: Table; columns: Column[] } {
    if (this.resolved) return this.resolved;
    const metadata = this.table.metadata;
    const table = metadata.table(this.targetTable);
    const where = `ForeignKey on ${this.table.name}(${this.columns.map((c) => c.name).join(", ")}) -> '${this.target}'`;
    if (!table) {
      const known = [...metadata.tables.keys()].sort();
      throw new NoReferencedTableError(
        `${where}: no table named '${this.targetTable}' in this MetaData (it has: ${known.join(", ") || "no tables"}). ` +
          `Define that table, or import the module that defines it, before the metadata is used.`,
      );
    }
    const columns = this.targetColumns.map((name) => {
      const column = table.columnList.find((c) => c.name === name);
      if (!column) {
        throw new NoReferencedTableError(
          `${where}: table '${table.name}' has no column '${name}' (columns: ${table.columnList.map((c) => c.name).join(", ")}).`,
        );
      }
      return column;
    });
    this.resolved = { table, columns };
    return this.resolved;
  }
}

export interface UniqueConstraint {
  readonly kind: "unique";
  readonly columns: readonly Column[];
  readonly name: string | undefined;
}

export interface CheckConstraint {
  readonly kind: "check";
  readonly condition: Expression<boolean>;
  readonly name: string | undefined;
}

export interface Index {
  readonly kind: "index";
  /** The plain column parts (ascending or not): what the naming convention names the index after. */
  readonly columns: readonly Column[];
  readonly unique: boolean;
  readonly name: string | undefined;
  /** Every key part in order; present when one is an expression or descending (else `columns`, ascending). */
  readonly parts?: readonly IndexKeyPart[];
  /** A partial index's condition (`WHERE ...`; PostgreSQL and SQLite). */
  readonly where?: Expression<boolean>;
}

/** What `index()` returns: the parts as given, read by the table they are declared on (`indexOf`). */
export interface IndexDeclaration {
  readonly kind: "index";
  readonly parts: readonly IndexPart[];
  readonly options: IndexOptions;
}

/** Options of `index()`. */
export interface IndexOptions {
  /** The index's name; required when a part is an expression (else by the naming convention, `ix_<table>_<columns>`). */
  readonly name?: string;
  readonly unique?: boolean;
  /** Makes the index partial: only rows where the condition holds are indexed (`WHERE deleted_at IS NULL`). PostgreSQL and SQLite. */
  readonly where?: Expression<boolean>;
}

export interface PrimaryKeyConstraint {
  readonly kind: "primaryKey";
  readonly columns: readonly Column[];
}

export interface ForeignKeyConstraintSpec {
  readonly kind: "foreignKey";
  readonly columns: readonly Column[];
  readonly targetTable: string;
  readonly targetColumns: readonly string[];
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
  readonly name?: string;
}

export type TableConstraint = UniqueConstraint | CheckConstraint | IndexDeclaration | PrimaryKeyConstraint | ForeignKeyConstraintSpec;

/**
 * Table-level primary key over several columns.
 *
 * ```ts
 * const enrolments = table("enrolments", metadata, {
 *   studentId: integer().named("student_id"),
 *   courseId: integer().named("course_id"),
 * }, (c) => [primaryKey(c.studentId, c.courseId)]);
 * ```
 */
export function primaryKey(...columns: Column[]): PrimaryKeyConstraint {
  return { kind: "primaryKey", columns };
}

/**
 * A `UNIQUE` constraint over several columns, for a table's constraints callback.
 *
 * ```ts
 * const seats = table("seats", metadata, {
 *   id: integer().primaryKey(),
 *   row: string(2).notNull(),
 *   num: integer().notNull(),
 * }, (c) => [unique([c.row, c.num], { name: "uq_seats_place" })]);
 * ```
 */
export function unique(columns: readonly Column[], options: { name?: string } = {}): UniqueConstraint {
  return { kind: "unique", columns, name: options.name };
}

/**
 * A `CHECK` constraint, for a table's constraints callback.
 *
 * ```ts
 * const stock = table("stock", metadata, {
 *   id: integer().primaryKey(),
 *   quantity: integer().notNull(),
 * }, (c) => [check(c.quantity.ge(0), { name: "ck_stock_quantity" })]);
 * ```
 */
export function check(condition: Expression<boolean>, options: { name?: string } = {}): CheckConstraint {
  return { kind: "check", condition, name: options.name };
}

/**
 * An index, for a table's constraints callback: over columns, expressions (`func.lower(c.email)`,
 * `sql\`...\``) or either descending (`c.at.desc()`); `unique: true` for a unique index, `where`
 * for a partial one (PostgreSQL, SQLite). An index with an expression part needs a `name`.
 * MariaDB has neither expression parts nor partial indexes: its DDL refuses them.
 *
 * ```ts
 * const visits = table("visits", metadata, {
 *   id: integer().primaryKey(),
 *   userId: integer().named("user_id").notNull(),
 *   email: string(200).notNull(),
 *   at: datetime().notNull(),
 *   deletedAt: datetime().named("deleted_at"),
 * }, (c) => [
 *   index([c.userId, c.at.desc()]),
 *   index([func.lower(c.email)], { name: "uq_visits_email", unique: true, where: c.deletedAt.isNull() }),
 * ]);
 * ```
 */
export function index(parts: readonly IndexPart[], options: IndexOptions = {}): IndexDeclaration {
  return { kind: "index", parts, options };
}

/**
 * A (possibly composite) foreign key, for a table's constraints callback.
 *
 * ```ts
 * const lines = table("order_lines", metadata, {
 *   orderId: integer().named("order_id").notNull(),
 *   lineNo: integer().named("line_no").notNull(),
 *   seatRow: string(2),
 *   seatNum: integer(),
 * }, (c) => [
 *   primaryKey(c.orderId, c.lineNo),
 *   foreignKey([c.seatRow, c.seatNum], "seats", ["row", "num"], { onDelete: "set null" }),
 * ]);
 * ```
 */
export function foreignKey(
  columns: readonly Column[],
  targetTable: string,
  targetColumns: readonly string[],
  options: { onDelete?: ReferentialAction; onUpdate?: ReferentialAction; name?: string } = {},
): ForeignKeyConstraintSpec {
  return { kind: "foreignKey", columns, targetTable, targetColumns, ...options };
}
