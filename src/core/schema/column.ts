/** A column of a `Table`: its definition, and an expression usable in statements (`users.c.id`). */
import type { TableNode } from "../ast/nodes.js";
import type { ColumnSchema } from "../ast/table-schema.js";
import { ArgumentError, InvalidColumnValueError } from "../errors.js";
import type { SqlType } from "../types/sql-type.js";
import { describeValue, valueCheck, type ValueCheck } from "../types/value-check.js";
import { Labeled } from "../expression/expression.js";
import type { ClientDefault, ColumnOptions, GeneratedColumn } from "./column-builder.js";
import type { ForeignKey } from "./constraints.js";
import type { Table } from "./table.js";

/**
 * A table's column: an expression (`users.c.name.eq("x")`) that also knows its table, type and constraints.
 *
 * @typeParam T - the value type, `null` included when nullable
 * @typeParam K - the column's key in the table's column map and in result rows
 */
export class Column<T = unknown, K extends string = string> extends Labeled<T, K> implements ColumnSchema {
  declare readonly type: SqlType;
  readonly name: string;
  readonly nullable: boolean;
  readonly primaryKey: boolean;
  readonly default: ClientDefault<unknown> | undefined;
  readonly serverDefault: ColumnOptions["serverDefault"];
  readonly unique: boolean;
  readonly index: boolean;
  /** Names the column had before, newest first (`.renamedFrom()`), for the migration differ. */
  readonly renamedFrom: readonly string[];
  /** How the database computes the column (`.generatedAs()`); undefined for a column written as usual. */
  readonly generated: GeneratedColumn | undefined;
  /** Single-column foreign keys declared with `.references()`; filled in by the table. */
  readonly foreignKeys: ForeignKey[] = [];
  private explicitAutoincrement: boolean | "auto";
  /** What the type accepts: each client-default value is checked against it. */
  private readonly check: ValueCheck;

  constructor(
    key: K,
    readonly table: Table,
    tableNode: TableNode,
    options: ColumnOptions,
  ) {
    const name = options.name ?? key;
    super(key, { kind: "column", name, source: tableNode }, options.type);
    this.name = name;
    this.nullable = options.nullable;
    this.primaryKey = options.primaryKey;
    this.default = options.default;
    this.serverDefault = options.serverDefault;
    this.unique = options.unique;
    this.index = options.index;
    this.renamedFrom = options.renamedFrom ?? [];
    this.explicitAutoincrement = options.autoincrement;
    this.generated = options.generated;
    if (options.generated) refuseWithGenerated(table.name, name, options);
    this.check = valueCheck(options.type);
    // A decimal server default with more digits than the column keeps is rounded on every insert.
    const serverDefault = options.serverDefault;
    const literal = typeof serverDefault === "string" || typeof serverDefault === "number";
    if (options.type.kind === "numeric" && literal && !this.check.accepts(serverDefault)) {
      const what = `${table.name}.${name}: serverDefault(${JSON.stringify(serverDefault)})`;
      throw new ArgumentError(`${what} does not fit the column: expected ${this.check.expected}.`);
    }
  }

  /** @internal Marks the column as part of the primary key; used by table-level `primaryKey(...)`. */
  markPrimaryKey(): void {
    (this as { primaryKey: boolean }).primaryKey = true;
    (this as { nullable: boolean }).nullable = false;
  }

  /**
   * Whether the database generates this column's value: explicitly requested, or (`"auto"`) the
   * table's only primary-key column, integer-typed, with no foreign key, like SQLAlchemy.
   */
  get autoincrement(): boolean {
    if (this.explicitAutoincrement !== "auto") return this.explicitAutoincrement;
    const pk = this.table.primaryKey;
    return (
      pk.length === 1 &&
      pk[0] === this &&
      (this.type.kind === "integer" || this.type.kind === "bigint") &&
      this.foreignKeys.length === 0 &&
      this.serverDefault === undefined &&
      this.generated === undefined
    );
  }

  /**
   * Evaluates the client-side default for one row, checked as a value given would be: a default
   * the column would store as another (a function giving 1.5 for an INT) is refused before the
   * INSERT, by `InvalidColumnValueError`. Undefined when the column has no client-side default.
   *
   * ```ts
   * const createdAt = books.columnByName("created_at")!;
   * createdAt.defaultValue(); // undefined here: books.createdAt declares no default()
   * ```
   */
  defaultValue(): unknown {
    const value = typeof this.default === "function" ? (this.default as () => unknown)() : this.default;
    if (value !== null && value !== undefined && !this.check.accepts(value)) {
      const what = `the default of ${this.toString()}`;
      const message = `${what} gave ${describeValue(value)}: expected ${this.check.expected}. It was refused before its INSERT.`;
      throw new InvalidColumnValueError(what, this.key, value, this.check.expected, message);
    }
    return value;
  }

  override toString(): string {
    return `${this.table.name}.${this.name}`;
  }
}

/** A generated column has no default and is no key: the database computes every value of it. */
function refuseWithGenerated(table: string, name: string, options: ColumnOptions): void {
  const conflicts = [
    options.default !== undefined && ".default()",
    options.serverDefault !== undefined && ".serverDefault()",
    options.primaryKey && ".primaryKey()",
    options.autoincrement === true && ".autoincrement()",
  ].filter((c): c is string => typeof c === "string");
  if (conflicts.length) {
    throw new ArgumentError(
      `${table}.${name}: a generated column (.generatedAs()) cannot also have ${conflicts.join(" or ")}: the database computes every value of it. Remove one of the two.`,
    );
  }
}
