/**
 * The steps a migration is made of, as plain data: a migration file lists them (`up` and `down`),
 * the differ produces them, the lint reads them, and each dialect renders them to SQL. Every
 * operation carries what its reverse needs (a dropped column's full definition, a changed
 * column's old type), so that `down` can be generated and checked.
 */
import type {
  CheckModel,
  ColumnModel,
  ForeignKeyModel,
  IndexModel,
  PrimaryKeyModel,
  TableModel,
  UniqueModel,
} from "../../core/schema/schema-model.js";

/** The table an operation works on. */
export interface TableRef {
  readonly schema?: string;
  readonly name: string;
}

/** Lint rules this operation is exempt from, by rule id, with the reason (shown in reviews). */
export interface LintSuppression {
  readonly allow: readonly string[];
  readonly reason?: string;
}

interface OperationBase {
  readonly lint?: LintSuppression;
  /**
   * PostgreSQL: run after the migration's transaction commits, on its own (autocommit). For the
   * second half of an online change (`makeOnlineSafe` sets it on a VALIDATE and what must follow
   * it): a VALIDATE in the transaction that added the constraint NOT VALID would keep its lock.
   * Other dialects: ignored (MySQL runs every step on its own anyway; SQLite has no lock to spare).
   */
  readonly afterCommit?: boolean;
}

/**
 * On a drop (`dropTable`, `dropColumn`, an `execute` that drops or deletes): the loss of the rows
 * it destroys is meant. Without it, `migrate up` / `down` count those rows first and refuse the
 * migration, nothing run, when any is found (`UpDataLossError` / `DownDataLossError`).
 * `migrate new --allow-data-loss` writes it on each drop it accepts.
 */
interface DataLossMark {
  readonly allowDataLoss?: boolean;
}

/** A column's definition that `alterColumn` changes: any of type, nullability, server default. */
export interface ColumnChange {
  readonly type?: ColumnModel["type"];
  readonly nullable?: boolean;
  /** `null`: drop the default. */
  readonly serverDefault?: string | null;
}

/** The constraints `renameConstraint` renames (a primary key is named by the database, after its table). */
export type ConstraintKind = "unique" | "foreignKey" | "check";

/** One step of a migration, discriminated by `op`; `op.*` builds them for hand-written files. */
export type Operation =
  | (OperationBase & { readonly op: "createTable"; readonly table: TableModel })
  | (OperationBase & DataLossMark & { readonly op: "dropTable"; readonly table: TableModel })
  | (OperationBase & { readonly op: "renameTable"; readonly schema?: string; readonly from: string; readonly to: string })
  | (OperationBase & { readonly op: "addColumn"; readonly table: TableRef; readonly column: ColumnModel })
  | (OperationBase & DataLossMark & { readonly op: "dropColumn"; readonly table: TableRef; readonly column: ColumnModel })
  | (OperationBase & { readonly op: "renameColumn"; readonly table: TableRef; readonly from: string; readonly to: string })
  | (OperationBase & {
      readonly op: "alterColumn";
      readonly table: TableRef;
      readonly column: string;
      /** The column as it was (all three fields set), so the change can be reversed and linted. */
      readonly from: Required<Omit<ColumnChange, "serverDefault">> & { readonly serverDefault: string | null };
      readonly to: ColumnChange;
    })
  | (OperationBase & {
      readonly op: "createIndex";
      readonly table: TableRef;
      readonly index: IndexModel;
      /** PostgreSQL `CREATE INDEX CONCURRENTLY`: run outside the migration's transaction. */
      readonly concurrently?: boolean;
    })
  | (OperationBase & { readonly op: "dropIndex"; readonly table: TableRef; readonly index: IndexModel; readonly concurrently?: boolean })
  /** Renames an index in place (`ALTER INDEX ... RENAME TO`, MySQL's `RENAME INDEX`): not rebuilt, as a drop and a create would be. */
  | (OperationBase & { readonly op: "renameIndex"; readonly table: TableRef; readonly from: string; readonly to: string })
  | (OperationBase & {
      readonly op: "addForeignKey";
      readonly table: TableRef;
      readonly foreignKey: ForeignKeyModel;
      /** PostgreSQL `NOT VALID`: existing rows are checked later by `validateConstraint`. */
      readonly notValid?: boolean;
    })
  | (OperationBase & { readonly op: "dropForeignKey"; readonly table: TableRef; readonly foreignKey: ForeignKeyModel })
  | (OperationBase & { readonly op: "addUnique"; readonly table: TableRef; readonly unique: UniqueModel })
  | (OperationBase & { readonly op: "dropUnique"; readonly table: TableRef; readonly unique: UniqueModel })
  /**
   * Renames a named constraint in place: PostgreSQL's `RENAME CONSTRAINT` (a unique's index goes
   * with it); MySQL renames a unique's index and drops and adds a foreign key or a check, which it
   * cannot rename; SQLite rebuilds the table.
   */
  | (OperationBase & { readonly op: "renameConstraint"; readonly table: TableRef; readonly kind: ConstraintKind; readonly from: string; readonly to: string })
  | (OperationBase & { readonly op: "addCheck"; readonly table: TableRef; readonly check: CheckModel; readonly notValid?: boolean })
  | (OperationBase & { readonly op: "dropCheck"; readonly table: TableRef; readonly check: CheckModel })
  | (OperationBase & { readonly op: "addPrimaryKey"; readonly table: TableRef; readonly primaryKey: PrimaryKeyModel })
  | (OperationBase & { readonly op: "dropPrimaryKey"; readonly table: TableRef; readonly primaryKey: PrimaryKeyModel })
  /** PostgreSQL: `ALTER TABLE ... VALIDATE CONSTRAINT` after a `NOT VALID` foreign key or check. */
  | (OperationBase & { readonly op: "validateConstraint"; readonly table: TableRef; readonly name: string })
  /**
   * A data step or anything the operations do not cover: SQL text, or one text per dialect
   * (`{ postgresql, mysql, sqlite }`; a dialect without an entry refuses to run the migration).
   */
  | (OperationBase &
      DataLossMark & {
      readonly op: "execute";
      readonly sql: string | Readonly<Partial<Record<"postgresql" | "mysql" | "sqlite", string>>>;
      /** Whether it may run inside a transaction (PostgreSQL `VACUUM` may not). Default true. */
      readonly transactional?: boolean;
    });

/** The name of an operation: `"createTable"`, `"addColumn"`, ... */
export type OperationKind = Operation["op"];

/** The operation of kind `K`. */
export type OperationOf<K extends OperationKind> = Extract<Operation, { readonly op: K }>;
