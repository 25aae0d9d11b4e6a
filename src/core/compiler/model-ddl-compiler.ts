/**
 * CREATE TABLE from plain data (`TableModel`): the one renderer behind `createAll` and the
 * migrations' `createTable`, with the constraint clauses that ALTER TABLE reuses. Names in a model
 * are final (the naming convention and identifier limits were applied when it was built), so they
 * are only quoted here. Dialects override the column specification and little else.
 */
import type { ColumnModel, GeneratedModel, ForeignKeyModel, IndexModel, PrimaryKeyModel, TableModel, TypeModel, UniqueModel, CheckModel } from "../schema/schema-model.js";
import type { SqlType } from "../types/sql-type.js";
import { UnsupportedFeatureError } from "../errors.js";
import { indexModelParts } from "../schema/index-parts.js";
import { checkGivenName, type IdentifierLimit } from "./identifier-limit.js";
import type { SqlCompiler } from "./sql-compiler.js";

/** A table named by schema and name (a `Table`, a `TableModel` or an operation's table). */
export interface TableName {
  readonly schema?: string | undefined;
  readonly name: string;
}

/** Options of `createTableModel`. */
export interface CreateTableOptions {
  /** Foreign keys (by name) left out of CREATE TABLE, to be added by ALTER TABLE once every table exists. */
  readonly deferredForeignKeys?: ReadonlySet<string>;
  /** Indexes declared inside CREATE TABLE (MySQL/MariaDB: see `DdlCompiler.createTableWhole`), by column. */
  readonly indexes?: readonly IndexModel[];
}

/** Renders CREATE TABLE and constraint clauses from models; see the file comment. */
export class ModelDdlCompiler {
  constructor(
    protected readonly sql: SqlCompiler,
    /** The dialect's; undefined where names have no practical limit (SQLite). */
    protected readonly identifierLimit?: IdentifierLimit,
  ) {}

  protected q(identifier: string): string {
    return this.sql.quote(identifier);
  }

  /** A quoted identifier (a column name in hand-built SQL). */
  identifier(name: string): string {
    return this.q(name);
  }

  /** A name the user gave, checked against the limit. */
  protected given(name: string, what: string): string {
    return checkGivenName(name, what, this.identifierLimit);
  }

  /** The table's quoted, schema-qualified name. */
  tableName(table: TableName): string {
    const name = this.q(this.given(table.name, "table"));
    return table.schema ? `${this.q(this.given(table.schema, "schema"))}.${name}` : name;
  }

  /** Quoted, comma-separated column names. */
  protected columnList(columns: readonly string[]): string {
    return columns.map((c) => this.q(c)).join(", ");
  }

  /** `CREATE TABLE` with every constraint inline (except `options.deferredForeignKeys`); indexes are separate statements unless in `options.indexes`. */
  createTableModel(table: TableModel, options: CreateTableOptions = {}): string {
    const inlinePk = this.inlinePrimaryKeyColumn(table);
    const lines = table.columns.map((c) => (c.name === inlinePk ? this.inlinePrimaryKeySpec(table, c) : this.columnModelSpec(c, table)));
    if (table.primaryKey && inlinePk === undefined) lines.push(this.primaryKeyClause(table.primaryKey));
    for (const u of table.uniques) lines.push(this.uniqueClause(u, table));
    for (const c of table.checks) lines.push(this.checkClause(c));
    for (const fk of table.foreignKeys) if (!options.deferredForeignKeys?.has(fk.name)) lines.push(this.foreignKeyClause(fk));
    for (const index of options.indexes ?? []) lines.push(`${index.unique ? "UNIQUE " : ""}INDEX ${this.q(index.name)} (${this.indexKeys(table, index)})`);
    return `CREATE TABLE ${this.tableName(table)} (\n  ${lines.join(",\n  ")}\n)`;
  }

  /**
   * An index's key parts as DDL: columns quoted, expressions parenthesised where the grammar needs
   * it, ` DESC` after a descending part. What the database cannot index (an expression part on
   * MariaDB, a WHERE on MySQL/MariaDB) is an `UnsupportedFeatureError` saying what to do instead.
   */
  protected indexKeys(table: TableName, index: IndexModel): string {
    const capabilities = this.sql.capabilities;
    const label = `index '${index.name}' on '${table.name}'`;
    // The advice shows SQL without MySQL's backquotes, to paste into a sql`...` template.
    const plain = (sql: string) => sql.replace(/`/g, "");
    if (index.where !== undefined && !capabilities.partialIndexes) {
      throw new UnsupportedFeatureError(
        "A partial index (CREATE INDEX ... WHERE)",
        capabilities.displayName,
        `${label} has WHERE ${index.where}. Drop the WHERE (the index then covers every row), or index a generated column that is NULL outside the condition: ` +
          `.generatedAs(sql\`CASE WHEN ${plain(index.where)} THEN <column> END\`, { stored: false }) (a unique index lets any number of rows be NULL).`,
      );
    }
    return indexModelParts(index)
      .map((part) => {
        if (part.column === undefined && !capabilities.indexExpressions) {
          throw new UnsupportedFeatureError(
            "An expression in an index",
            capabilities.displayName,
            `${label} has the expression part ${part.sql}. Index a generated column that computes it instead: .generatedAs(sql\`${plain(part.sql)}\`, { stored: false }), then index([c.<that column>]).`,
          );
        }
        const order = `${part.descending ? " DESC" : ""}${part.nulls ? ` NULLS ${part.nulls.toUpperCase()}` : ""}`;
        return `${part.column === undefined ? this.expressionKey(part.sql) : this.q(part.column)}${order}`;
      })
      .join(", ");
  }

  /** An expression key part: as written when it is a function call or parenthesised (which PostgreSQL needs otherwise), else in parentheses. */
  protected expressionKey(sql: string): string {
    return /^[\w.$]+\s*\([\s\S]*\)$/.test(sql) && balanced(sql) ? sql : `(${sql})`;
  }

  /** `name TYPE [generated] [NOT NULL] [DEFAULT ...]` of a column model. */
  columnModelSpec(column: ColumnModel, _table?: TableModel): string {
    let sql = `${this.q(column.name)} ${this.columnModelType(column)}`;
    if (column.generated) sql += ` ${this.generatedClause(column, column.generated)}`;
    if (!column.nullable && !(column.generated && !this.generatedNotNull)) sql += " NOT NULL";
    if (column.serverDefault !== undefined) sql += ` DEFAULT ${column.serverDefault}`;
    return sql;
  }

  /** `GENERATED ALWAYS AS (expr) STORED | VIRTUAL` (PostgreSQL, SQLite; MySQL/MariaDB accept it too). */
  protected generatedClause(_column: ColumnModel, generated: GeneratedModel): string {
    return `GENERATED ALWAYS AS (${generated.sql}) ${generated.stored ? "STORED" : "VIRTUAL"}`;
  }

  /** Whether a generated column may be declared NOT NULL (MariaDB refuses it). */
  protected readonly generatedNotNull: boolean = true;

  /** The column's type with what the dialect adds for a generated value (identity). */
  protected columnModelType(column: ColumnModel): string {
    return this.typeText(column.type);
  }

  /** A type model's SQL: athanor's type through the dialect's type names, a raw type as written. */
  typeText(type: TypeModel): string {
    return type.kind === "raw" ? type.sql : this.sql.typeName(type as SqlType);
  }

  /** The column declared `PRIMARY KEY` on its own line (SQLite's rowid alias), or undefined. */
  protected inlinePrimaryKeyColumn(_table: TableModel): string | undefined {
    return undefined;
  }

  /** The spec of the column named by `inlinePrimaryKeyColumn`. */
  protected inlinePrimaryKeySpec(table: TableModel, column: ColumnModel): string {
    return this.columnModelSpec(column, table);
  }

  /** `CONSTRAINT <name> ` for a named constraint; nothing without a name (the database names it then). */
  protected namedPrefix(name: string | undefined): string {
    return name === undefined ? "" : `CONSTRAINT ${this.q(name)} `;
  }

  /** `[CONSTRAINT n] PRIMARY KEY (cols)`. */
  primaryKeyClause(pk: PrimaryKeyModel): string {
    return `${this.namedPrefix(pk.name)}PRIMARY KEY (${this.columnList(pk.columns)})`;
  }

  /** `[CONSTRAINT n] UNIQUE (cols)`; `table` lets a dialect name an unnamed one (PostgreSQL). */
  uniqueClause(unique: UniqueModel, _table?: TableName): string {
    return `${this.namedPrefix(unique.name)}UNIQUE (${this.columnList(unique.columns)})`;
  }

  /** `[CONSTRAINT n] CHECK (condition)`. */
  checkClause(check: CheckModel): string {
    return `${this.namedPrefix(check.name)}CHECK (${check.sql})`;
  }

  /** `CONSTRAINT n FOREIGN KEY (cols) REFERENCES t (cols) [ON DELETE ..] [ON UPDATE ..]`. */
  foreignKeyClause(fk: ForeignKeyModel): string {
    const referred = this.tableName({ schema: fk.referredSchema, name: fk.referredTable });
    let sql = `CONSTRAINT ${this.q(fk.name)} FOREIGN KEY (${this.columnList(fk.columns)}) REFERENCES ${referred} (${this.columnList(fk.referredColumns)})`;
    if (fk.onDelete) sql += ` ON DELETE ${fk.onDelete.toUpperCase()}`;
    if (fk.onUpdate) sql += ` ON UPDATE ${fk.onUpdate.toUpperCase()}`;
    return sql;
  }
}

/** Whether the text's first opening parenthesis closes at its end (`f(a)`, not `f(a) + g(b)`). */
function balanced(sql: string): boolean {
  let depth = 0;
  const open = sql.indexOf("(");
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === "'") i = sql.indexOf("'", i + 1) < 0 ? sql.length : sql.indexOf("'", i + 1);
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return i === sql.length - 1;
  }
  return false;
}
