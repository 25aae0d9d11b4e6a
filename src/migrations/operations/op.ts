/**
 * `op.*`: the operations as a migration file writes them, short and typed:
 *
 * ```ts
 * defineMigration({ id: "20261204192300_books", parents: [], message: "books", down: [], up: [
 *   op.createTable("books", { columns: [{ name: "id", type: types.integer(), nullable: false, autoincrement: true }], primaryKey: ["id"] }),
 *   op.addColumn("books", { name: "isbn", type: types.string(13) }),
 *   op.renameColumn("books", "title", "name"),
 * ] });
 * ```
 *
 * Each builder returns the operation's plain data, with the defaults filled in: columns are
 * nullable and not generated, indexes are not unique, constraint lists are empty.
 */
import type { CheckModel, ColumnModel, ForeignKeyModel, GeneratedModel, IndexModel, PrimaryKeyModel, TableModel, TypeModel, UniqueModel } from "../../core/schema/schema-model.js";
import type { ColumnChange, ConstraintKind, LintSuppression, OperationOf, TableRef } from "./operation.js";

/** A table as the builders take it: its name, or `{ schema, name }`. */
export type TableInput = string | TableRef;

/** A column as the builders take it; `nullable` defaults to true, `autoincrement` to false. */
export interface ColumnInput {
  readonly name: string;
  /** `types.string(13)`, `types.integer()`, ... or `{ kind: "raw", sql }` for a type athanor does not know. */
  readonly type: TypeModel;
  readonly nullable?: boolean;
  /** The DEFAULT expression as SQL text: `"'draft'"`, `"0"`, `"CURRENT_TIMESTAMP"`. */
  readonly serverDefault?: string;
  /** A generated column: `{ sql: "price * qty", stored: true }` (`GENERATED ALWAYS AS (...) STORED`). */
  readonly generated?: GeneratedModel;
  readonly autoincrement?: boolean;
}

/** An index as the builders take it; `unique` defaults to false. */
export type IndexInput = Omit<IndexModel, "unique"> & { readonly unique?: boolean };

/** A table's definition for `op.createTable` / `op.dropTable`; every list but `columns` may be left out. */
export interface TableDefinition {
  readonly columns: readonly ColumnInput[];
  /** The key's columns, or `{ name, columns }` for a named key. */
  readonly primaryKey?: readonly string[] | PrimaryKeyModel;
  readonly foreignKeys?: readonly ForeignKeyModel[];
  readonly uniques?: readonly UniqueModel[];
  readonly checks?: readonly CheckModel[];
  readonly indexes?: readonly IndexInput[];
}

/** What every builder accepts last: lint rules this operation is exempt from. */
export interface OperationOptions {
  readonly lint?: LintSuppression;
  /** PostgreSQL: run after the migration's transaction commits (see `Operation`'s `afterCommit`). */
  readonly afterCommit?: boolean;
}

/** What a drop's builder accepts besides: `allowDataLoss: true` when the loss of its rows is meant (see `Operation`). */
export interface DropOptions extends OperationOptions {
  readonly allowDataLoss?: boolean;
}

/** A column's state before `op.alterColumn`: type and nullability; `serverDefault` defaults to none (null). */
export interface ColumnState {
  readonly type: TypeModel;
  readonly nullable: boolean;
  readonly serverDefault?: string | null;
}

function ref(table: TableInput): TableRef {
  if (typeof table === "string") return { name: table };
  return table.schema ? { schema: table.schema, name: table.name } : { name: table.name };
}

function base(options: OperationOptions | undefined): { lint?: LintSuppression; afterCommit?: boolean } {
  return { ...(options?.lint ? { lint: options.lint } : {}), ...(options?.afterCommit ? { afterCommit: true } : {}) };
}

function dataLoss(options: DropOptions | undefined): { allowDataLoss?: true } {
  return options?.allowDataLoss ? { allowDataLoss: true } : {};
}

function column(input: ColumnInput): ColumnModel {
  return {
    name: input.name,
    type: input.type,
    nullable: input.nullable ?? true,
    ...(input.serverDefault === undefined ? {} : { serverDefault: input.serverDefault }),
    ...(input.generated === undefined ? {} : { generated: input.generated }),
    autoincrement: input.autoincrement ?? false,
  };
}

function index(input: IndexInput): IndexModel {
  return { ...input, unique: input.unique ?? false };
}

function tableModel(table: TableInput, def: TableDefinition): TableModel {
  const pk = def.primaryKey;
  return {
    ...ref(table),
    columns: def.columns.map(column),
    ...(pk === undefined ? {} : { primaryKey: isColumnList(pk) ? { columns: [...pk] } : pk }),
    foreignKeys: def.foreignKeys ?? [],
    uniques: def.uniques ?? [],
    checks: def.checks ?? [],
    indexes: (def.indexes ?? []).map(index),
  };
}

function isColumnList(pk: readonly string[] | PrimaryKeyModel): pk is readonly string[] {
  return Array.isArray(pk);
}

/** The typed operation builders of migration files (see the module comment). */
export const op = {
  /** `CREATE TABLE` with its columns, keys, constraints and indexes. */
  createTable: (table: TableInput, def: TableDefinition, options?: OperationOptions): OperationOf<"createTable"> => ({
    op: "createTable",
    table: tableModel(table, def),
    ...base(options),
  }),
  /**
   * `DROP TABLE`; the full definition is there for the reverse (`createTable`). Refused over rows
   * unless `{ allowDataLoss: true }`.
   */
  dropTable: (table: TableInput, def: TableDefinition, options?: DropOptions): OperationOf<"dropTable"> => ({
    op: "dropTable",
    table: tableModel(table, def),
    ...base(options),
    ...dataLoss(options),
  }),
  /** Renames a table; `schema` names the schema both names are in. */
  renameTable: (from: string, to: string, options?: OperationOptions & { readonly schema?: string }): OperationOf<"renameTable"> => ({
    op: "renameTable",
    ...(options?.schema ? { schema: options.schema } : {}),
    from,
    to,
    ...base(options),
  }),
  /** `ADD COLUMN`. */
  addColumn: (table: TableInput, col: ColumnInput, options?: OperationOptions): OperationOf<"addColumn"> => ({
    op: "addColumn",
    table: ref(table),
    column: column(col),
    ...base(options),
  }),
  /**
   * `DROP COLUMN`; the full definition is there for the reverse (`addColumn`). Refused over values
   * unless `{ allowDataLoss: true }`.
   */
  dropColumn: (table: TableInput, col: ColumnInput, options?: DropOptions): OperationOf<"dropColumn"> => ({
    op: "dropColumn",
    table: ref(table),
    column: column(col),
    ...base(options),
    ...dataLoss(options),
  }),
  /** Renames a column; the data stays. */
  renameColumn: (table: TableInput, from: string, to: string, options?: OperationOptions): OperationOf<"renameColumn"> => ({
    op: "renameColumn",
    table: ref(table),
    from,
    to,
    ...base(options),
  }),
  /** Changes a column's type, nullability or server default (`to`); `from` is its state before, for the reverse. */
  alterColumn: (table: TableInput, name: string, change: { readonly from: ColumnState; readonly to: ColumnChange }, options?: OperationOptions): OperationOf<"alterColumn"> => ({
    op: "alterColumn",
    table: ref(table),
    column: name,
    from: { type: change.from.type, nullable: change.from.nullable, serverDefault: change.from.serverDefault ?? null },
    to: change.to,
    ...base(options),
  }),
  /** `CREATE INDEX`; `concurrently` (PostgreSQL) runs it outside the migration's transaction. */
  createIndex: (table: TableInput, idx: IndexInput, options?: OperationOptions & { readonly concurrently?: boolean }): OperationOf<"createIndex"> => ({
    op: "createIndex",
    table: ref(table),
    index: index(idx),
    ...(options?.concurrently ? { concurrently: true } : {}),
    ...base(options),
  }),
  /** `DROP INDEX`; the definition is there for the reverse. */
  dropIndex: (table: TableInput, idx: IndexInput, options?: OperationOptions & { readonly concurrently?: boolean }): OperationOf<"dropIndex"> => ({
    op: "dropIndex",
    table: ref(table),
    index: index(idx),
    ...(options?.concurrently ? { concurrently: true } : {}),
    ...base(options),
  }),
  /** Renames an index in place, which keeps it (no rebuild); SQLite has no such statement and drops and creates it. */
  renameIndex: (table: TableInput, from: string, to: string, options?: OperationOptions): OperationOf<"renameIndex"> => ({
    op: "renameIndex",
    table: ref(table),
    from,
    to,
    ...base(options),
  }),
  /** Renames a named unique constraint, foreign key or check (see the operation for what each database does). */
  renameConstraint: (table: TableInput, kind: ConstraintKind, from: string, to: string, options?: OperationOptions): OperationOf<"renameConstraint"> => ({
    op: "renameConstraint",
    table: ref(table),
    kind,
    from,
    to,
    ...base(options),
  }),
  /** Adds a foreign key; `notValid` (PostgreSQL) skips checking existing rows until `validateConstraint`. */
  addForeignKey: (table: TableInput, foreignKey: ForeignKeyModel, options?: OperationOptions & { readonly notValid?: boolean }): OperationOf<"addForeignKey"> => ({
    op: "addForeignKey",
    table: ref(table),
    foreignKey,
    ...(options?.notValid ? { notValid: true } : {}),
    ...base(options),
  }),
  /** Drops a foreign key; the definition is there for the reverse. */
  dropForeignKey: (table: TableInput, foreignKey: ForeignKeyModel, options?: OperationOptions): OperationOf<"dropForeignKey"> => ({
    op: "dropForeignKey",
    table: ref(table),
    foreignKey,
    ...base(options),
  }),
  /** Adds a unique constraint. */
  addUnique: (table: TableInput, unique: UniqueModel, options?: OperationOptions): OperationOf<"addUnique"> => ({
    op: "addUnique",
    table: ref(table),
    unique,
    ...base(options),
  }),
  /** Drops a unique constraint. */
  dropUnique: (table: TableInput, unique: UniqueModel, options?: OperationOptions): OperationOf<"dropUnique"> => ({
    op: "dropUnique",
    table: ref(table),
    unique,
    ...base(options),
  }),
  /** Adds a check constraint; `notValid` (PostgreSQL) skips checking existing rows until `validateConstraint`. */
  addCheck: (table: TableInput, check: CheckModel, options?: OperationOptions & { readonly notValid?: boolean }): OperationOf<"addCheck"> => ({
    op: "addCheck",
    table: ref(table),
    check,
    ...(options?.notValid ? { notValid: true } : {}),
    ...base(options),
  }),
  /** Drops a check constraint. */
  dropCheck: (table: TableInput, check: CheckModel, options?: OperationOptions): OperationOf<"dropCheck"> => ({
    op: "dropCheck",
    table: ref(table),
    check,
    ...base(options),
  }),
  /** Adds the primary key: its columns, or `{ name, columns }`. */
  addPrimaryKey: (table: TableInput, primaryKey: readonly string[] | PrimaryKeyModel, options?: OperationOptions): OperationOf<"addPrimaryKey"> => ({
    op: "addPrimaryKey",
    table: ref(table),
    primaryKey: isColumnList(primaryKey) ? { columns: [...primaryKey] } : primaryKey,
    ...base(options),
  }),
  /** Drops the primary key (its columns, or `{ name, columns }`, for the reverse). */
  dropPrimaryKey: (table: TableInput, primaryKey: readonly string[] | PrimaryKeyModel, options?: OperationOptions): OperationOf<"dropPrimaryKey"> => ({
    op: "dropPrimaryKey",
    table: ref(table),
    primaryKey: isColumnList(primaryKey) ? { columns: [...primaryKey] } : primaryKey,
    ...base(options),
  }),
  /** PostgreSQL `VALIDATE CONSTRAINT` after a `notValid` foreign key or check. */
  validateConstraint: (table: TableInput, name: string, options?: OperationOptions): OperationOf<"validateConstraint"> => ({
    op: "validateConstraint",
    table: ref(table),
    name,
    ...base(options),
  }),
  /**
   * SQL run as it is (data steps, anything the operations do not cover): one text, or one per
   * dialect (`{ postgresql, mysql, sqlite }`). `transactional: false` for statements that may not
   * run in a transaction. SQL that drops or empties a table holding rows, or drops a column holding
   * values, is refused unless `allowDataLoss: true`.
   */
  execute: (sql: OperationOf<"execute">["sql"], options?: DropOptions & { readonly transactional?: boolean }): OperationOf<"execute"> => ({
    op: "execute",
    sql,
    ...(options?.transactional === undefined ? {} : { transactional: options.transactional }),
    ...base(options),
    ...dataLoss(options),
  }),
} as const;
