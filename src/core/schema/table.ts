/**
 * `table("users", metadata, { id: integer().primaryKey(), ... })`: a table definition, registered
 * in its MetaData, whose typed columns (`users.c.id`) are the building blocks of statements.
 */
import type { AliasNode, ExprNode, FromNode, TableNode } from "../ast/nodes.js";
import type { TableSchema } from "../ast/table-schema.js";
import { ArgumentError } from "../errors.js";
import type { Labeled } from "../expression/expression.js";
import type { AnyColumnBuilder, BuilderGenerated, BuilderOptional, BuilderValue } from "./column-builder.js";
import { Column } from "./column.js";
import {
  ForeignKey,
  type CheckConstraint,
  type Index,
  type TableConstraint,
  type UniqueConstraint,
} from "./constraints.js";
import { indexOf } from "./index-parts.js";
import type { MetaData } from "./metadata.js";

export type ColumnMap = Record<string, AnyColumnBuilder>;

/** The typed columns of a table declared with column map C. */
export type TableColumns<C extends ColumnMap> = {
  readonly [K in keyof C & string]: Column<BuilderValue<C[K]>, K>;
};

/** A row of the table as read: every column, `null` where nullable. */
export type RowOf<C extends ColumnMap> = { [K in keyof C & string]: BuilderValue<C[K]> };

/**
 * A row as given to `insert()`: columns that are nullable, defaulted or generated may be omitted;
 * generated columns (`.generatedAs()`) are not there at all, since no statement may write them.
 */
export type InsertRowOf<C extends ColumnMap> = {
  [K in keyof C & string as BuilderOptional<C[K]> extends true ? never : K]: BuilderValue<C[K]>;
} & {
  [K in keyof C & string as BuilderOptional<C[K]> extends true ? (BuilderGenerated<C[K]> extends true ? never : K) : never]?: BuilderValue<C[K]>;
};

/** A row as given to `update().set()`: every column but the generated ones (`.generatedAs()`). */
export type WritableRowOf<C extends ColumnMap> = {
  [K in keyof C & string as BuilderGenerated<C[K]> extends true ? never : K]: BuilderValue<C[K]>;
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
  /**
   * A condition that the source's rows meet, when it covers part of its table only (an ORM
   * subclass mapped by single-table inheritance: `type IN ('manager')`). `select(source)` and
   * `from(source)` add it to WHERE, `join(source)` to the join's ON.
   */
  readonly criterion?: ExprNode;
  /**
   * Values, by column key of the source, that every row it covers has (an ORM subclass's
   * discriminator): `insert(source)` writes them into each row, and refuses a row that gives another.
   */
  readonly impliedValues?: Readonly<Record<string, unknown>>;
  /**
   * The FROM item that `select(source)` and `from(source)` use instead of `fromNode`, when the
   * source's columns span several tables (an ORM class of joined-table inheritance: its tables
   * joined on their primary keys). `join(source)` joins those tables as one unit (spanning-join.ts).
   */
  readonly joinedFrom?: FromNode;
  /**
   * Why `insert`, `update` and `deleteFrom` refuse the source, when they must (its rows span
   * several tables): the message of the `ArgumentError` they raise.
   */
  readonly notWritable?: string;
  /**
   * Keys of `c` that are expressions over the columns, not columns (an ORM hybrid attribute):
   * read in queries, never written, though one may be a column under another name.
   */
  readonly computed?: ReadonlySet<string>;
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

    this.c = {} as TableColumns<C>;
    this.columnList = [];
    const foreignKeys: ForeignKey[] = [];
    const uniques: UniqueConstraint[] = [];
    const checks: CheckConstraint[] = [];
    const indexes: Index[] = [];
    this.foreignKeys = foreignKeys;
    this.indexes = indexes;
    for (const [key, builder] of Object.entries(columns)) this.appendColumn(key, builder);
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
          indexes.push(indexOf(this, constraint));
          break;
      }
    }
    this.primaryKey = this.columnList.filter((col) => col.primaryKey);
    this.uniques = uniques;
    this.checks = checks;
    metadata.add(this);
  }

  /**
   * Adds a column after the table is declared (SQLAlchemy's `append_column`), with its foreign
   * keys and index: how the subclasses of a single-table inheritance hierarchy add theirs to the
   * base's table. Not a primary-key column: the key is fixed when the table is declared.
   * Changes the declaration only: the database's table needs a migration.
   *
   * ```ts
   * const nickname = users.appendColumn("nickname", string(40)); // the Column; users.columnByName("nickname") finds it
   * ```
   */
  appendColumn(key: string, builder: AnyColumnBuilder): Column {
    const column = new Column(key, this, this.fromNode, builder.options);
    if (this.columnList.some((c) => c.name === column.name)) throw new ArgumentError(`Table '${this.name}' declares column '${column.name}' twice.`);
    if (Object.hasOwn(this.c, key)) throw new ArgumentError(`Table '${this.name}' declares column key '${key}' twice.`);
    if (column.primaryKey && this.primaryKey !== undefined) {
      throw new ArgumentError(`Table '${this.name}': column '${column.name}' cannot join the primary key of a table already declared.`);
    }
    (this.c as Record<string, Column>)[key] = column;
    (this.columnList as Column[]).push(column);
    for (const ref of builder.options.references) {
      const { table, column: target } = splitTarget(ref.target, this.name, key);
      const fk = new ForeignKey(this, [column], table, [target], ref.onDelete, ref.onUpdate, ref.name);
      column.foreignKeys.push(fk);
      (this.foreignKeys as ForeignKey[]).push(fk);
    }
    if (column.index) (this.indexes as Index[]).push({ kind: "index", columns: [column], unique: false, name: undefined });
    return column;
  }

  /** The table itself (a `FromSource` that is an alias or subquery answers the table behind it). */
  get underlyingTable(): TableSchema {
    return this;
  }

  /** `schema.name` or `name`: the key of this table in its MetaData. */
  get fullName(): string {
    return this.schema ? `${this.schema}.${this.name}` : this.name;
  }

  /**
   * The column with this database name (not key), if any.
   *
   * ```ts
   * orders.columnByName("user_id")?.key; // "userId"
   * ```
   */
  columnByName(name: string): Column | undefined {
    return this.columnList.find((c) => c.name === name);
  }

  toString(): string {
    return this.fullName;
  }
}

/**
 * Declares a table in `metadata`: its columns, then optionally its table-level constraints.
 *
 * ```ts
 * const metadata = new MetaData();
 * const accounts = table("accounts", metadata, {
 *   id: integer().primaryKey(),
 *   ownerId: integer().named("owner_id").notNull().references("users.id", { onDelete: "cascade" }),
 *   balance: numeric(12, 2).notNull().default("0"),
 * }, (c) => [index([c.ownerId])]);
 * await metadata.createAll(engine);
 * ```
 */
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
