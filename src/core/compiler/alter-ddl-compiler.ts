/**
 * The ALTER half of the DDL compiler: what a migration does to an existing table, from plain
 * models. Each method returns the statements (usually one; none where the dialect has nothing to
 * do, e.g. VALIDATE CONSTRAINT outside PostgreSQL). What a dialect cannot do in place (SQLite's
 * constraint changes) throws `CompileError`: the migrations planner rebuilds the table instead.
 */
import { CompileError } from "../errors.js";
import type { CheckModel, ColumnModel, ForeignKeyModel, IndexModel, PrimaryKeyModel, TableModel, TypeModel, UniqueModel } from "../schema/schema-model.js";
import { ModelDdlCompiler, type TableName } from "./model-ddl-compiler.js";

/** What `alterColumn` changes; only the fields present change. `serverDefault: null` drops the default. */
export interface ColumnAlteration {
  readonly type?: TypeModel;
  readonly nullable?: boolean;
  readonly serverDefault?: string | null;
}

/** Options of index statements. */
export interface IndexDdlOptions {
  /** PostgreSQL `CONCURRENTLY` (ignored elsewhere). */
  readonly concurrently?: boolean;
}

/** Options of `addForeignKeyModel` and `addCheckModel`. */
export interface ConstraintDdlOptions {
  /** PostgreSQL `NOT VALID`: existing rows are not checked until VALIDATE CONSTRAINT (ignored elsewhere). */
  readonly notValid?: boolean;
}

/** Renders ALTER TABLE and index statements from models; see the file comment. */
export class AlterDdlCompiler extends ModelDdlCompiler {
  /**
   * `ALTER TABLE ... RENAME TO ...` (the new name stays in the table's schema). `model`, the table
   * before, lets a dialect rename what the database named after the table (PostgreSQL's `_pkey`).
   */
  renameTable(table: TableName, to: string, _model?: TableModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} RENAME TO ${this.q(this.given(to, "table"))}`];
  }

  /** `DROP TABLE`. */
  dropTable(table: TableName): string {
    return `DROP TABLE ${this.tableName(table)}`;
  }

  /** `ALTER TABLE ... ADD COLUMN <spec>`. */
  addColumn(table: TableName, column: ColumnModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} ADD COLUMN ${this.columnModelSpec(column)}`];
  }

  /** `ALTER TABLE ... DROP COLUMN`. */
  dropColumn(table: TableName, column: string): string[] {
    return [`ALTER TABLE ${this.tableName(table)} DROP COLUMN ${this.q(column)}`];
  }

  /**
   * `ALTER TABLE ... RENAME COLUMN a TO b`; `model` (the table before) lets a dialect rename along
   * the keys the database named after the column.
   */
  renameColumn(table: TableName, from: string, to: string, _model?: TableModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} RENAME COLUMN ${this.q(from)} TO ${this.q(this.given(to, "column"))}`];
  }

  /**
   * Changes a column's type, nullability and/or default. `before` and `after` are the whole
   * column (MySQL restates the full definition); `change` says what differs.
   */
  alterColumn(table: TableName, before: ColumnModel, after: ColumnModel, change: ColumnAlteration): string[] {
    const column = this.q(after.name);
    const actions: string[] = [];
    if (change.type !== undefined) actions.push(`ALTER COLUMN ${column} TYPE ${this.alterTypeText(before, after)}`);
    if (change.nullable !== undefined) actions.push(`ALTER COLUMN ${column} ${change.nullable ? "DROP NOT NULL" : "SET NOT NULL"}`);
    if (change.serverDefault !== undefined) {
      actions.push(`ALTER COLUMN ${column} ${change.serverDefault === null ? "DROP DEFAULT" : `SET DEFAULT ${change.serverDefault}`}`);
    }
    return actions.length ? [`ALTER TABLE ${this.tableName(table)} ${actions.join(", ")}`] : [];
  }

  /**
   * The type a column is altered to. A `datetime()` (no precision given) keeps the old column's
   * digits of a second's fraction where it kept more: the differ leaves a TIMESTAMP(6) under
   * `datetime()` as it is, and restating it as TIMESTAMP(3) for another change (a zone, NOT NULL)
   * would cut the microseconds it holds. A precision given is the one asked for.
   */
  protected keptType(before: ColumnModel, after: ColumnModel): TypeModel {
    if (before.type.kind !== "datetime" || after.type.kind !== "datetime" || after.type.precision !== undefined) return after.type;
    const digits = before.type.precision ?? 3;
    return digits > 3 ? { ...after.type, precision: digits } : after.type;
  }

  /** The new type in `ALTER COLUMN ... TYPE` (PostgreSQL adds `USING`). */
  protected alterTypeText(before: ColumnModel, after: ColumnModel): string {
    return this.typeText(this.keptType(before, after));
  }

  /** `CREATE [UNIQUE] INDEX name ON table (parts) [WHERE ...]`. */
  createIndexModel(table: TableName, index: IndexModel, options: IndexDdlOptions = {}): string[] {
    const parts = this.indexKeys(table, index);
    const where = index.where ? ` WHERE ${index.where}` : "";
    const concurrently = options.concurrently && this.supportsConcurrently ? "CONCURRENTLY " : "";
    return [`CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${concurrently}${this.indexTarget(index.name, table)} (${parts})${where}`];
  }

  /** Whether `CREATE/DROP INDEX CONCURRENTLY` exists (PostgreSQL). */
  protected readonly supportsConcurrently: boolean = false;

  /** `name ON table`: the dialect decides which of the two carries the table's schema. */
  protected indexTarget(name: string, table: TableName): string {
    return `${this.q(name)} ON ${this.tableName(table)}`;
  }

  /** `DROP INDEX` (qualified by the table's schema; MySQL names the table). */
  dropIndexModel(table: TableName, index: IndexModel, options: IndexDdlOptions = {}): string[] {
    const concurrently = options.concurrently && this.supportsConcurrently ? "CONCURRENTLY " : "";
    const name = table.schema ? `${this.q(table.schema)}.${this.q(index.name)}` : this.q(index.name);
    return [`DROP INDEX ${concurrently}${name}`];
  }

  /** `ALTER INDEX ... RENAME TO ...`: the index is kept, not rebuilt. `model` is the table before (SQLite needs it). */
  renameIndex(table: TableName, from: string, to: string, _model?: TableModel): string[] {
    const name = table.schema ? `${this.q(table.schema)}.${this.q(from)}` : this.q(from);
    return [`ALTER INDEX ${name} RENAME TO ${this.q(this.given(to, "index"))}`];
  }

  /**
   * `ALTER TABLE ... RENAME CONSTRAINT ...` (a unique's index goes with it). `kind` and `model`
   * (the table before) let a dialect without the statement do otherwise.
   */
  renameConstraint(table: TableName, _kind: "unique" | "foreignKey" | "check", from: string, to: string, _model?: TableModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} RENAME CONSTRAINT ${this.q(from)} TO ${this.q(this.given(to, "constraint"))}`];
  }

  /** `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY`. */
  addForeignKeyModel(table: TableName, fk: ForeignKeyModel, options: ConstraintDdlOptions = {}): string[] {
    return [`ALTER TABLE ${this.tableName(table)} ADD ${this.foreignKeyClause(fk)}${this.notValid(options)}`];
  }

  /** `ALTER TABLE ... DROP CONSTRAINT` for a foreign key. */
  dropForeignKeyModel(table: TableName, fk: ForeignKeyModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} DROP CONSTRAINT ${this.q(fk.name)}`];
  }

  /** `ALTER TABLE ... ADD [CONSTRAINT n] UNIQUE (cols)`. */
  addUnique(table: TableName, unique: UniqueModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} ADD ${this.uniqueClause(unique, table)}`];
  }

  /**
   * Drops a unique constraint by name; an unnamed one by the name the database gave it
   * (`unnamedUniqueName`, given `model`: the table as it is before the drop).
   */
  dropUnique(table: TableName, unique: UniqueModel, model?: TableModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} DROP CONSTRAINT ${this.q(this.uniqueName(table, unique, model))}`];
  }

  /**
   * The name `unique` has in the database: its own, else the one the dialect gives an unnamed one
   * (PostgreSQL `<table>_<columns>_key`, MariaDB its first column given `model`); undefined where
   * it cannot be known (SQLite).
   */
  uniqueNameOf(table: TableName, unique: UniqueModel, model?: TableModel): string | undefined {
    return unique.name ?? this.unnamedUniqueName(table, unique, model);
  }

  /** The name of `unique` in the database: its own, else the one the database gave it, else a CompileError. */
  protected uniqueName(table: TableName, unique: UniqueModel, model: TableModel | undefined): string {
    return unique.name ?? this.required(this.unnamedUniqueName(table, unique, model), "drop", "unique constraint", table);
  }

  /**
   * The name the database gives an unnamed unique constraint, where it can be known from the
   * table's model; undefined (the default) where it cannot, and the drop is refused.
   */
  protected unnamedUniqueName(_table: TableName, _unique: UniqueModel, _model: TableModel | undefined): string | undefined {
    return undefined;
  }

  /** `ALTER TABLE ... ADD [CONSTRAINT n] CHECK (...)`. */
  addCheck(table: TableName, check: CheckModel, options: ConstraintDdlOptions = {}): string[] {
    return [`ALTER TABLE ${this.tableName(table)} ADD ${this.checkClause(check)}${this.notValid(options)}`];
  }

  /** Drops a check constraint by name. */
  dropCheck(table: TableName, check: CheckModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} DROP CONSTRAINT ${this.q(this.required(check.name, "drop", "check constraint", table))}`];
  }

  /** `ALTER TABLE ... ADD [CONSTRAINT n] PRIMARY KEY (cols)`. */
  addPrimaryKey(table: TableName, pk: PrimaryKeyModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} ADD ${this.primaryKeyClause(pk)}`];
  }

  /** Drops the primary key (PostgreSQL's default name is `<table>_pkey`). */
  dropPrimaryKey(table: TableName, pk: PrimaryKeyModel): string[] {
    return [`ALTER TABLE ${this.tableName(table)} DROP CONSTRAINT ${this.q(this.required(pk.name, "drop", "primary key", table))}`];
  }

  /** `ALTER TABLE ... VALIDATE CONSTRAINT` where the dialect has NOT VALID constraints; nothing elsewhere. */
  validateConstraint(_table: TableName, _name: string): string[] {
    return [];
  }

  /** ` NOT VALID` where the dialect has it. */
  protected notValid(_options: ConstraintDdlOptions): string {
    return "";
  }

  /** A constraint's name, or a CompileError saying the statement needs one. */
  protected required(name: string | undefined, action: string, what: string, table: TableName): string {
    if (name === undefined) {
      throw new CompileError(`Cannot ${action} an unnamed ${what} of table '${table.name}': give it a name (or a naming convention) so that ALTER TABLE can address it.`);
    }
    return name;
  }
}
