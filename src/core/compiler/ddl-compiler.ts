/**
 * Renders DDL from schema objects: CREATE/DROP TABLE, indexes, foreign keys added after the fact.
 * Dialects override the column specification (types, generated keys) and little else. Names are
 * held to the dialect's identifier limit: generated ones shortened, given ones refused if too long.
 */
import type { ExprNode } from "../ast/nodes.js";
import type { RawSql } from "../expression/sql-tag.js";
import type { ReferentialAction } from "../schema/column-builder.js";
import type { Column } from "../schema/column.js";
import type { ForeignKey, Index } from "../schema/constraints.js";
import { constraintName, namePartsOf, type ConstraintNameParts } from "../schema/naming-convention.js";
import type { CheckModel, TableModel, TypeModel } from "../schema/schema-model.js";
import type { Table } from "../schema/table.js";
import { buildTableModel } from "./table-model.js";
import { checkGivenName, fitGeneratedName, type IdentifierLimit } from "./identifier-limit.js";
import type { SqlCompiler } from "./sql-compiler.js";

export class DdlCompiler {
  constructor(
    protected readonly sql: SqlCompiler,
    /** The dialect's; undefined where names have no practical limit (SQLite). */
    protected readonly identifierLimit?: IdentifierLimit,
  ) {}

  protected q(identifier: string): string {
    return this.sql.quote(identifier);
  }

  tableName(table: Table): string {
    const name = this.q(this.given(table.name, "table"));
    return table.schema ? `${this.q(this.given(table.schema, "schema"))}.${name}` : name;
  }

  /** A name the user gave, checked against the limit. */
  protected given(name: string, what: string): string {
    return checkGivenName(name, what, this.identifierLimit);
  }

  /**
   * The constraint's name on this database, by the MetaData's naming convention: a given name
   * checked against the limit, a generated one shortened to fit; undefined where it gets none.
   */
  protected nameOf(table: Table, parts: ConstraintNameParts, what: string): string | undefined {
    const result = constraintName(parts, table.metadata.namingConvention);
    if (!result) return undefined;
    return result.given ? this.given(result.name, what) : fitGeneratedName(result.name, this.identifierLimit);
  }

  /** `CONSTRAINT <name> ` for a named constraint; nothing without a name (the database names it then). */
  protected constraintPrefix(table: Table, parts: ConstraintNameParts, what: string): string {
    const name = this.nameOf(table, parts, what);
    return name === undefined ? "" : `CONSTRAINT ${this.q(name)} `;
  }

  /** The primary key's `CONSTRAINT <name> `, when the naming convention names it. */
  protected primaryKeyPrefix(table: Table): string {
    return this.constraintPrefix(table, namePartsOf("pk", table, table.primaryKey, undefined), `primary key of table '${table.name}'`);
  }

  /** The foreign key's name on this database (`fk.name`, shortened if it is generated and too long). */
  foreignKeyName(fk: ForeignKey): string {
    return this.nameOf(fk.table, fk.nameParts, `foreign key on table '${fk.table.name}'`)!;
  }

  /** `CREATE TABLE`, with every constraint inline except the foreign keys in `deferred`. */
  createTable(table: Table, deferred: ReadonlySet<ForeignKey> = new Set()): string {
    const lines = table.columnList.map((c) => this.columnSpec(c));
    const pk = table.primaryKey;
    if (pk.length && !this.inlinePrimaryKey(table)) {
      lines.push(`${this.primaryKeyPrefix(table)}PRIMARY KEY (${pk.map((c) => this.q(c.name)).join(", ")})`);
    }
    const uniqueWhat = `unique constraint on table '${table.name}'`;
    for (const column of table.columnList) {
      if (column.unique) lines.push(`${this.constraintPrefix(table, namePartsOf("uq", table, [column], undefined), uniqueWhat)}UNIQUE (${this.q(column.name)})`);
      const check = this.columnCheck(column);
      if (check) lines.push(check);
    }
    for (const u of table.uniques) {
      lines.push(`${this.constraintPrefix(table, namePartsOf("uq", table, u.columns, u.name), uniqueWhat)}UNIQUE (${u.columns.map((c) => this.q(c.name)).join(", ")})`);
    }
    for (const c of table.checks) {
      const prefix = this.constraintPrefix(table, namePartsOf("ck", table, [], c.name), `check constraint on table '${table.name}'`);
      lines.push(`${prefix}CHECK (${this.sql.compileDdlExpression(c.condition.node)})`);
    }
    for (const fk of table.foreignKeys) if (!deferred.has(fk)) lines.push(this.foreignKeySpec(fk));
    return `CREATE TABLE ${this.tableName(table)} (\n  ${lines.join(",\n  ")}\n)`;
  }

  dropTable(table: Table): string {
    return `DROP TABLE ${this.tableName(table)}`;
  }

  createIndex(table: Table, index: Index): string {
    const name = this.nameOf(table, namePartsOf("ix", table, index.columns, index.name), `index on table '${table.name}'`)!;
    return `CREATE ${index.unique ? "UNIQUE " : ""}INDEX ${this.indexOn(name, table)} (${index.columns
      .map((c) => this.q(c.name))
      .join(", ")})`;
  }

  /** `name ON table`: the dialect decides which of the two carries the table's schema. */
  protected indexOn(name: string, table: Table): string {
    return `${this.q(name)} ON ${this.tableName(table)}`;
  }

  addForeignKey(fk: ForeignKey): string {
    return `ALTER TABLE ${this.tableName(fk.table)} ADD ${this.foreignKeySpec(fk)}`;
  }

  dropForeignKey(fk: ForeignKey): string {
    return `ALTER TABLE ${this.tableName(fk.table)} DROP CONSTRAINT ${this.q(this.foreignKeyName(fk))}`;
  }

  foreignKeySpec(fk: ForeignKey): string {
    let sql = `CONSTRAINT ${this.q(this.foreignKeyName(fk))} FOREIGN KEY (${fk.columns.map((c) => this.q(c.name)).join(", ")}) REFERENCES ${this.tableName(
      fk.referredTable,
    )} (${fk.referredColumns.map((c) => this.q(c.name)).join(", ")})`;
    if (fk.onDelete) sql += ` ON DELETE ${fk.onDelete.toUpperCase()}`;
    if (fk.onUpdate) sql += ` ON UPDATE ${fk.onUpdate.toUpperCase()}`;
    return sql;
  }

  /** `name TYPE [generated] [NOT NULL] [DEFAULT ...]`. */
  columnSpec(column: Column): string {
    let sql = `${this.q(this.columnName(column))} ${this.columnType(column)}`;
    if (!column.nullable) sql += " NOT NULL";
    if (column.serverDefault !== undefined) sql += ` DEFAULT ${this.serverDefault(column.serverDefault)}`;
    return sql;
  }

  protected columnName(column: Column): string {
    return this.given(column.name, `column of table '${column.table.name}'`);
  }

  protected columnType(column: Column): string {
    return this.sql.typeName(column.type);
  }

  /** Whether the primary key is declared on its column rather than as a table constraint. */
  protected inlinePrimaryKey(_table: Table): boolean {
    return false;
  }

  /** A CHECK that the column type implies, e.g. the allowed values of an enum. */
  protected columnCheck(column: Column): string | undefined {
    const check = this.enumCheck(column);
    if (!check) return undefined;
    return `${check.name === undefined ? "" : `CONSTRAINT ${this.q(check.name)} `}CHECK (${check.sql})`;
  }

  /** The enum column's implied check as name and condition; undefined for other types (and on MySQL). */
  protected enumCheck(column: Column): CheckModel | undefined {
    const values = column.type.kind === "enum" ? column.type.values : undefined;
    if (!values) return undefined;
    const name = this.nameOf(
      column.table,
      namePartsOf("ck", column.table, [column], column.type.enumName),
      `enum check constraint on column '${column.table.name}.${column.name}'`,
    );
    return { ...(name === undefined ? {} : { name }), sql: `${this.q(column.name)} IN (${values.map((v) => this.sql.literal(v)).join(", ")})` };
  }

  /**
   * The table as plain data, named and typed as this compiler's DDL creates it and as the
   * database then reports it (see `TableModel`): what migrations compare a reflected table with.
   */
  tableModel(table: Table): TableModel {
    return buildTableModel(table, {
      name: (t, parts, what) => this.nameOf(t, parts, what),
      type: (c) => this.modelType(c),
      serverDefault: (c) => (c.serverDefault === undefined ? undefined : this.modelDefault(c, this.serverDefault(c.serverDefault))),
      autoincrement: (c) => this.modelAutoincrement(c),
      enumCheck: (c) => this.enumCheck(c),
      checkSql: (c) => this.sql.compileDdlExpression(c.condition.node),
      isDatabaseName: (kind, tableName, name, columns) => this.isDatabaseName(kind, tableName, name, columns),
      action: (a) => this.modelAction(a),
      uniqueIndexesAreConstraints: this.uniqueIndexesAreConstraints,
    });
  }

  /** The column's type as the database reports it; dialects map their DDL type text back. */
  protected modelType(column: Column): TypeModel {
    const { __value: _phantom, ...type } = column.type;
    return type.kind === "enum" ? { kind: "string", length: Math.max(1, ...type.values!.map((v) => v.length)) } : type;
  }

  /** The server default as the database reports it, from the DDL text `sql`. */
  protected modelDefault(_column: Column, sql: string): string | undefined {
    return sql;
  }

  /** Whether the database generates the column's value. */
  protected modelAutoincrement(column: Column): boolean {
    return column.autoincrement;
  }

  /** A referential action as the database reports it: undefined for its default, NO ACTION. */
  protected modelAction(action: ReferentialAction | undefined): ReferentialAction | undefined {
    return action === "no action" ? undefined : action;
  }

  /** Whether `name` is what the database calls an unnamed constraint of this kind (models leave it out). */
  protected isDatabaseName(_kind: "pk" | "uq" | "ck", _tableName: string, _name: string, _columns: readonly string[]): boolean {
    return false;
  }

  /** Whether the database reports unique indexes as unique constraints (MySQL). */
  protected readonly uniqueIndexesAreConstraints: boolean = false;

  protected serverDefault(value: RawSql | string | number | boolean): string {
    if (typeof value === "object") return this.sql.compileDdlExpression(value.node as ExprNode);
    return this.sql.literal(value);
  }
}
