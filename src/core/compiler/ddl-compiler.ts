/**
 * Renders DDL from schema objects: CREATE/DROP TABLE, indexes, foreign keys added after the fact.
 * A `Table` is first turned into plain data (`TableModel`, names and defaults as the DDL spells
 * them) and rendered by the model compiler, the same path a migration's `createTable` takes.
 * Names are held to the dialect's identifier limit: generated ones shortened, given ones refused
 * if too long.
 */
import type { ExprNode } from "../ast/nodes.js";
import type { RawSql } from "../expression/sql-tag.js";
import type { ReferentialAction } from "../schema/column-builder.js";
import type { Column } from "../schema/column.js";
import type { ForeignKey, Index } from "../schema/constraints.js";
import { constraintName, namePartsOf, type ConstraintNameParts } from "../schema/naming-convention.js";
import type { CheckModel, ColumnModel, GeneratedModel, ForeignKeyModel, IndexModel, TableModel, TypeModel, UniqueModel } from "../schema/schema-model.js";
import type { Table } from "../schema/table.js";
import { fitGeneratedName } from "./identifier-limit.js";
import { buildTableModel } from "./table-model.js";
import { AlterDdlCompiler } from "./alter-ddl-compiler.js";

/** The DDL compiler of a dialect: model-based CREATE/ALTER (inherited) and the `Table`-based entry points of `createAll`. */
export class DdlCompiler extends AlterDdlCompiler {
  /**
   * The constraint's name on this database, by the MetaData's naming convention: a given name
   * checked against the limit, a generated one shortened to fit; undefined where it gets none.
   */
  protected nameOf(table: Table, parts: ConstraintNameParts, what: string): string | undefined {
    const result = constraintName(parts, table.metadata.namingConvention);
    if (!result) return undefined;
    return result.given ? this.given(result.name, what) : fitGeneratedName(result.name, this.identifierLimit);
  }

  /** The foreign key's name on this database (`fk.name`, shortened if it is generated and too long). */
  foreignKeyName(fk: ForeignKey): string {
    return this.nameOf(fk.table, fk.nameParts, `foreign key on table '${fk.table.name}'`)!;
  }

  /** `CREATE TABLE`, with every constraint inline except the foreign keys in `deferred`. */
  createTable(table: Table, deferred: ReadonlySet<ForeignKey> = new Set()): string {
    const deferredForeignKeys = new Set([...deferred].filter((fk) => fk.table === table).map((fk) => this.foreignKeyName(fk)));
    return this.createTableModel(this.ddlModel(table), { deferredForeignKeys });
  }

  /**
   * Each DDL statement commits on its own (MySQL/MariaDB): `createTableWhole` makes a table in one
   * statement, its indexes and foreign keys inline (which the schema runner then does not add after).
   */
  readonly makesTablesWhole: boolean = false;

  /**
   * The statements that make the table, its indexes included: `CREATE TABLE`, then one
   * `CREATE INDEX` each. Where DDL is not transactional (MySQL/MariaDB), one statement holding
   * them all, so that a run cut short leaves the table whole or absent (`runSchemaOperation`).
   */
  createTableWhole(table: Table, deferred: ReadonlySet<ForeignKey> = new Set()): string[] {
    if (this.makesTablesWhole) {
      const deferredForeignKeys = new Set([...deferred].filter((fk) => fk.table === table).map((fk) => this.foreignKeyName(fk)));
      const indexes = table.indexes.map((index) => this.indexModel(table, index));
      return [this.createTableModel(this.ddlModel(table), { deferredForeignKeys, indexes })];
    }
    return [this.createTable(table, deferred), ...table.indexes.map((index) => this.createIndex(table, index))];
  }

  /**
   * The table as the DDL states it: declaration order, names by the naming convention, defaults
   * and types as this compiler writes them (not as the database reports them back).
   */
  protected ddlModel(table: Table): TableModel {
    const columns: ColumnModel[] = table.columnList.map((c) => ({
      name: this.columnName(c),
      type: this.ddlType(c),
      nullable: c.nullable,
      ...(c.serverDefault === undefined ? {} : { serverDefault: this.serverDefault(c.serverDefault) }),
      ...(c.generated === undefined ? {} : { generated: this.generatedModel(c) }),
      autoincrement: c.autoincrement,
    }));
    const pkName = this.nameOf(table, namePartsOf("pk", table, table.primaryKey, undefined), `primary key of table '${table.name}'`);
    const uniqueWhat = `unique constraint on table '${table.name}'`;
    const uniques: UniqueModel[] = [];
    const checks: CheckModel[] = [];
    for (const column of table.columnList) {
      if (column.unique) uniques.push(this.named(this.nameOf(table, namePartsOf("uq", table, [column], undefined), uniqueWhat), { columns: [column.name] }));
      const check = this.enumCheck(column);
      if (check) checks.push(check);
    }
    for (const u of table.uniques) {
      uniques.push(this.named(this.nameOf(table, namePartsOf("uq", table, u.columns, u.name), uniqueWhat), { columns: u.columns.map((c) => c.name) }));
    }
    for (const c of table.checks) {
      const name = this.nameOf(table, namePartsOf("ck", table, [], c.name), `check constraint on table '${table.name}'`);
      checks.push(this.named(name, { sql: this.sql.compileDdlExpression(c.condition.node) }));
    }
    return {
      ...(table.schema ? { schema: table.schema } : {}),
      name: table.name,
      columns,
      ...(table.primaryKey.length ? { primaryKey: this.named(pkName, { columns: table.primaryKey.map((c) => c.name) }) } : {}),
      foreignKeys: table.foreignKeys.map((fk) => this.foreignKeyModel(fk)),
      uniques,
      checks,
      indexes: [],
    };
  }

  /** `item` with `name` when there is one. */
  private named<T extends object>(name: string | undefined, item: T): T & { name?: string } {
    return name === undefined ? item : { name, ...item };
  }

  /** The column's type as a model (athanor's type data, without the phantom value type). */
  protected ddlType(column: Column): ColumnModel["type"] {
    const { __value: _phantom, ...type } = column.type;
    return type;
  }

  /** The foreign key as a model, named as this database names it. */
  foreignKeyModel(fk: ForeignKey): ForeignKeyModel {
    const referred = fk.referredTable;
    return {
      name: this.foreignKeyName(fk),
      columns: fk.columns.map((c) => c.name),
      ...(referred.schema ? { referredSchema: referred.schema } : {}),
      referredTable: referred.name,
      referredColumns: fk.referredColumns.map((c) => c.name),
      ...(fk.onDelete ? { onDelete: fk.onDelete } : {}),
      ...(fk.onUpdate ? { onUpdate: fk.onUpdate } : {}),
    };
  }

  /** `CREATE [UNIQUE] INDEX` of a table's index. */
  createIndex(table: Table, index: Index): string {
    return this.createIndexModel(table, this.indexModel(table, index))[0]!;
  }

  /**
   * The index as a model: its name by the naming convention, its parts (`expressions` holding
   * every part when one is an expression or descending) and WHERE as this compiler writes them.
   */
  indexModel(table: Table, index: Index): IndexModel {
    const model: IndexModel = { name: this.indexName(table, index), columns: index.columns.map((c) => c.name), unique: index.unique };
    const expressions = index.parts?.map((p) => `${p.column ? this.q(p.column.name) : this.sql.compileDdlExpression(p.node)}${p.descending ? " DESC" : ""}`);
    return {
      ...model,
      ...(index.where === undefined ? {} : { where: this.sql.compileDdlExpression(index.where.node) }),
      ...(expressions === undefined ? {} : { expressions }),
    };
  }

  /** The index's name on this database, by the naming convention. */
  private indexName(table: Table, index: Index): string {
    return this.nameOf(table, namePartsOf("ix", table, index.columns, index.name), `index on table '${table.name}'`)!;
  }

  /** `ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY` of a foreign key deferred by `createTable`. */
  addForeignKey(fk: ForeignKey): string {
    return this.addForeignKeyModel(fk.table, this.foreignKeyModel(fk))[0]!;
  }

  /** Drops a foreign key added by `addForeignKey`. */
  dropForeignKey(fk: ForeignKey): string {
    return this.dropForeignKeyModel(fk.table, this.foreignKeyModel(fk))[0]!;
  }

  /** `name TYPE [generated] [NOT NULL] [DEFAULT ...]` of a table's column. */
  columnSpec(column: Column): string {
    return this.columnModelSpec(this.ddlModel(column.table).columns.find((c) => c.name === column.name)!);
  }

  protected columnName(column: Column): string {
    return this.given(column.name, `column of table '${column.table.name}'`);
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
    return this.named(name, { sql: `${this.q(column.name)} IN (${values.map((v) => this.sql.literal(v)).join(", ")})` });
  }

  /**
   * The table as plain data, named and typed as this compiler's DDL creates it and as the
   * database then reports it (see `TableModel`): what migrations compare a reflected table with.
   * (`ddlModel` is the same table as the DDL spells it, for rendering.)
   */
  tableModel(table: Table): TableModel {
    return buildTableModel(table, {
      name: (t, parts, what) => this.nameOf(t, parts, what),
      type: (c) => this.modelType(c),
      serverDefault: (c) => (c.serverDefault === undefined ? undefined : this.modelDefault(c, this.serverDefault(c.serverDefault))),
      generated: (c) => (c.generated === undefined ? undefined : this.generatedModel(c)),
      nullable: (c) => c.nullable || (c.generated !== undefined && !this.generatedNotNull),
      autoincrement: (c) => this.modelAutoincrement(c),
      enumCheck: (c) => this.enumCheck(c),
      checkSql: (c) => this.sql.compileDdlExpression(c.condition.node),
      index: (index) => this.indexModel(table, index),
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

  /** A generated column's expression as DDL text, and whether it is stored (`.generatedAs()`). */
  protected generatedModel(column: Column): GeneratedModel {
    const { expression, stored } = column.generated!;
    return { sql: this.sql.compileDdlExpression(expression.node as ExprNode), stored };
  }

  protected serverDefault(value: RawSql | string | number | boolean): string {
    if (typeof value === "object") return this.sql.compileDdlExpression(value.node as ExprNode);
    return this.sql.literal(value);
  }
}
