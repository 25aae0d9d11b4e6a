/**
 * `table("users", metadata, { id: integer().primaryKey(), ... })`: a table definition, registered
 * in its MetaData, whose typed columns (`users.c.id`) are the building blocks of statements.
 */
import type { AliasNode, TableNode } from "../ast/nodes.js";
import type { TableSchema } from "../ast/table-schema.js";
import { ArgumentError } from "../errors.js";
import type { Labeled } from "../expression/expression.js";
import type { AnyColumnBuilder, BuilderOptional, BuilderValue } from "./column-builder.js";
import { Column } from "./column.js";
import {
  ForeignKey,
  type CheckConstraint,
  type Index,
  type TableConstraint,
  type UniqueConstraint,
} from "./constraints.js";
import type { MetaData } from "./metadata.js";

export type ColumnMap = Record<string, AnyColumnBuilder>;

/** The typed columns of a table declared with column map C. */
export type TableColumns<C extends ColumnMap> = {
  readonly [K in keyof C & string]: Column<BuilderValue<C[K]>, K>;
};

/** A row of the table as read: every column, `null` where nullable. */
export type RowOf<C extends ColumnMap> = { [K in keyof C & string]: BuilderValue<C[K]> };

/** A row as given to `insert()`: columns that are nullable, defaulted or generated may be omitted. */
export type InsertRowOf<C extends ColumnMap> = {
  [K in keyof C & string as BuilderOptional<C[K]> extends true ? never : K]: BuilderValue<C[K]>;
} & {
  [K in keyof C & string as BuilderOptional<C[K]> extends true ? K : never]?: BuilderValue<C[K]>;
};

export interface TableOptions {
  /** Database schema (PostgreSQL schema, MySQL database). */
  readonly schema?: string;
  /**
   * Names the table had before, newest first: the migration differ turns a match into a table
   * rename, keeping the rows, instead of a drop and a create. Has no effect at run time.
   */
  readonly previousNames?: readonly string[];
}

/** Anything a `FROM` clause accepts that has named columns: tables, aliases, subqueries. */
export interface FromSource<Row = Record<string, unknown>> {
  /** Phantom: the row type of `select(source)`. */
  readonly __row?: Row;
  readonly fromNode: TableNode | AliasNode;
  readonly c: { readonly [K in keyof Row & string]: Labeled<Row[K], K> };
  /** The columns in declaration order, as selected by `select(source)`. */
  readonly columnList: readonly Labeled<unknown, string>[];
  /** The table behind the source, for foreign-key join inference; undefined for subqueries. */
  readonly underlyingTable: TableSchema | undefined;
}

export class Table<Name extends string = string, C extends ColumnMap = ColumnMap>
  implements TableSchema, FromSource<RowOf<C>>
{
  /** Phantom: the row type, as read. */
  declare readonly __row?: RowOf<C>;
  /** Phantom: the insert row type. */
  declare readonly __insert?: InsertRowOf<C>;
  readonly c: TableColumns<C>;
  readonly columnList: readonly Column[];
  readonly primaryKey: readonly Column[];
  readonly foreignKeys: readonly ForeignKey[];
  readonly uniques: readonly UniqueConstraint[];
  readonly checks: readonly CheckConstraint[];
  readonly indexes: readonly Index[];
  readonly schema: string | undefined;
  /** Names the table had before, newest first (`TableOptions.previousNames`), for the migration differ. */
  readonly previousNames: readonly string[];
  readonly fromNode: TableNode;

  constructor(
    readonly name: Name,
    readonly metadata: MetaData,
    columns: C,
    constraints?: (c: TableColumns<C>) => readonly TableConstraint[],
    options: TableOptions = {},
  ) {
    if (!name) throw new ArgumentError("A table needs a name.");
    this.schema = options.schema ?? metadata.options.schema;
    this.previousNames = Object.freeze([...(options.previousNames ?? [])]);
    this.fromNode = { kind: "table", name, schema: this.schema, table: this };

    const c: Record<string, Column> = {};
    const columnList: Column[] = [];
    const seen = new Set<string>();
    for (const [key, builder] of Object.entries(columns)) {
      const column = new Column(key, this, this.fromNode, builder.options);
      if (seen.has(column.name)) throw new ArgumentError(`Table '${name}' declares column '${column.name}' twice.`);
      seen.add(column.name);
      c[key] = column;
      columnList.push(column);
    }
    this.c = c as TableColumns<C>;
    this.columnList = columnList;

    const foreignKeys: ForeignKey[] = [];
    const uniques: UniqueConstraint[] = [];
    const checks: CheckConstraint[] = [];
    const indexes: Index[] = [];
    for (const column of columnList) {
      const options = columns[column.key]!.options;
      for (const ref of options.references) {
        const { table, column: target } = splitTarget(ref.target, name, column.key);
        const fk = new ForeignKey(this, [column], table, [target], ref.onDelete, ref.onUpdate, ref.name);
        column.foreignKeys.push(fk);
        foreignKeys.push(fk);
      }
      if (column.index) indexes.push({ kind: "index", columns: [column], unique: false, name: undefined });
    }
    for (const constraint of constraints?.(this.c) ?? []) {
      switch (constraint.kind) {
        case "primaryKey":
          constraint.columns.forEach((col) => col.markPrimaryKey());
          break;
        case "foreignKey":
          foreignKeys.push(
            new ForeignKey(this, constraint.columns, constraint.targetTable, constraint.targetColumns, constraint.onDelete, constraint.onUpdate, constraint.name),
          );
          break;
        case "unique":
          uniques.push(constraint);
          break;
        case "check":
          checks.push(constraint);
          break;
        case "index":
          indexes.push(constraint);
          break;
      }
    }
    this.primaryKey = columnList.filter((col) => col.primaryKey);
    this.foreignKeys = foreignKeys;
    this.uniques = uniques;
    this.checks = checks;
    this.indexes = indexes;
    metadata.add(this);
  }

  get underlyingTable(): TableSchema {
    return this;
  }

  /** `schema.name` or `name`: the key of this table in its MetaData. */
  get fullName(): string {
    return this.schema ? `${this.schema}.${this.name}` : this.name;
  }

  /** The column with this database name (not key), if any. */
  columnByName(name: string): Column | undefined {
    return this.columnList.find((c) => c.name === name);
  }

  toString(): string {
    return this.fullName;
  }
}

/** Declares a table in `metadata`. */
export function table<Name extends string, C extends ColumnMap>(
  name: Name,
  metadata: MetaData,
  columns: C,
  constraints?: (c: TableColumns<C>) => readonly TableConstraint[],
  options?: TableOptions,
): Table<Name, C> {
  return new Table(name, metadata, columns, constraints, options);
}

function splitTarget(target: string, table: string, key: string): { table: string; column: string } {
  const dot = target.lastIndexOf(".");
  if (dot <= 0 || dot === target.length - 1) {
    throw new ArgumentError(
      `Column '${table}.${key}' references '${target}': a foreign key target is written "table.column".`,
    );
  }
  return { table: target.slice(0, dot), column: target.slice(dot + 1) };
}
