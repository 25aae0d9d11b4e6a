/**
 * A `Table` as plain data (`TableModel`), with every name and value as the DDL compiler emits
 * it and as the dialect's database then reports it: the model side of a migration comparison.
 * The dialect-specific parts (type spelling, default text, which names the database invents)
 * come in through `TableModelHooks`, which the DDL compiler supplies.
 */
import type { ReferentialAction } from "../schema/column-builder.js";
import type { Column } from "../schema/column.js";
import type { ConstraintNameParts } from "../schema/naming-convention.js";
import { namePartsOf } from "../schema/naming-convention.js";
import type {
  CheckModel,
  ColumnModel,
  ForeignKeyModel,
  GeneratedModel,
  IndexModel,
  PrimaryKeyModel,
  TableModel,
  TypeModel,
  UniqueModel,
} from "../schema/schema-model.js";
import type { Table } from "../schema/table.js";

/** What differs per dialect when a table is turned into a model (see `DdlCompiler.tableModel`). */
export interface TableModelHooks {
  /** The constraint's name as emitted, undefined where the DDL leaves naming to the database. */
  name(table: Table, parts: ConstraintNameParts, what: string): string | undefined;
  type(column: Column): TypeModel;
  serverDefault(column: Column): string | undefined;
  /** The generated column's expression and kind, as the database reports them. */
  generated(column: Column): GeneratedModel | undefined;
  /** Whether the database reports the column nullable (MariaDB: every generated column is). */
  nullable(column: Column): boolean;
  autoincrement(column: Column): boolean;
  /** The CHECK the column's type implies (enums), as `{ name, sql }`, where the dialect emits one. */
  enumCheck(column: Column): CheckModel | undefined;
  checkSql(condition: Table["checks"][number]): string;
  /** The index as a model, named (see `DdlCompiler.indexModel`). */
  index(index: Table["indexes"][number]): IndexModel;
  /**
   * Whether `name` is the one the database would invent for an unnamed constraint (then it is
   * dropped); `columns` are the constrained ones, for a check every column of the table.
   */
  isDatabaseName(kind: "pk" | "uq" | "ck", tableName: string, name: string, columns: readonly string[]): boolean;
  /** The action as the database reports it; undefined for its default (NO ACTION, and on MySQL RESTRICT). */
  action(action: ReferentialAction | undefined): ReferentialAction | undefined;
  /** MySQL: a unique index is a unique constraint (the catalog cannot tell them apart). */
  readonly uniqueIndexesAreConstraints: boolean;
}

/** Builds the `TableModel` of `table` (see `TableModelHooks` for the dialect's part). */
export function buildTableModel(table: Table, hooks: TableModelHooks): TableModel {
  const columns: ColumnModel[] = table.columnList.map((c) => {
    const serverDefault = hooks.serverDefault(c);
    const generated = hooks.generated(c);
    return {
      name: c.name,
      type: hooks.type(c),
      nullable: hooks.nullable(c),
      ...(serverDefault === undefined ? {} : { serverDefault }),
      ...(generated === undefined ? {} : { generated }),
      autoincrement: hooks.autoincrement(c),
    };
  });
  const dbName = (kind: "pk" | "uq" | "ck", name: string | undefined, cols: readonly string[]) =>
    name === undefined || hooks.isDatabaseName(kind, table.name, name, cols) ? undefined : name;

  let primaryKey: PrimaryKeyModel | undefined;
  if (table.primaryKey.length) {
    const cols = table.primaryKey.map((c) => c.name);
    const name = dbName("pk", hooks.name(table, namePartsOf("pk", table, table.primaryKey, undefined), `primary key of table '${table.name}'`), cols);
    primaryKey = { ...(name === undefined ? {} : { name }), columns: cols };
  }

  const foreignKeys: ForeignKeyModel[] = table.foreignKeys.map((fk) => {
    const referred = fk.referredTable;
    return {
      name: hooks.name(table, fk.nameParts, `foreign key on table '${table.name}'`)!,
      columns: fk.columns.map((c) => c.name),
      ...(referred.schema ? { referredSchema: referred.schema } : {}),
      referredTable: referred.name,
      referredColumns: fk.referredColumns.map((c) => c.name),
      ...optional("onDelete", hooks.action(fk.onDelete)),
      ...optional("onUpdate", hooks.action(fk.onUpdate)),
    };
  });

  const uniqueWhat = `unique constraint on table '${table.name}'`;
  const uniques: UniqueModel[] = [];
  const addUnique = (cols: readonly Column[], given: string | undefined) => {
    const names = cols.map((c) => c.name);
    const name = dbName("uq", hooks.name(table, namePartsOf("uq", table, cols, given), uniqueWhat), names);
    uniques.push({ ...(name === undefined ? {} : { name }), columns: names });
  };
  for (const c of table.columnList) if (c.unique) addUnique([c], undefined);
  for (const u of table.uniques) addUnique(u.columns, u.name);

  const checks: CheckModel[] = [];
  for (const c of table.columnList) {
    const check = hooks.enumCheck(c);
    if (check) checks.push(check);
  }
  for (const c of table.checks) {
    const given = hooks.name(table, namePartsOf("ck", table, [], c.name), `check constraint on table '${table.name}'`);
    const name = dbName("ck", given, table.columnList.map((col) => col.name));
    checks.push({ ...(name === undefined ? {} : { name }), sql: hooks.checkSql(c) });
  }

  const indexes: IndexModel[] = [];
  for (const index of table.indexes) {
    const model = hooks.index(index);
    // MySQL reports a unique index as a unique constraint; one with an expression or a DESC part stays an index.
    if (index.unique && hooks.uniqueIndexesAreConstraints && !model.expressions) uniques.push({ name: model.name, columns: model.columns });
    else indexes.push(model);
  }

  return {
    ...(table.schema ? { schema: table.schema } : {}),
    name: table.name,
    columns,
    ...(primaryKey ? { primaryKey } : {}),
    foreignKeys: sortByName(foreignKeys),
    uniques: sortByName(uniques),
    checks: sortByName(checks),
    indexes: sortByName(indexes),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/**
 * Sorts constraints by name; unnamed ones last, by their JSON text, so that two lists with the
 * same members are in the same order whichever side they came from.
 */
export function sortByName<T extends { readonly name?: string | undefined }>(items: readonly T[]): T[] {
  const key = (item: T) => (item.name === undefined ? `\uffff${JSON.stringify(item)}` : item.name);
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Tables in the `SchemaModel` order: by schema (none first), then by name. */
export function sortTableModels(tables: readonly TableModel[]): TableModel[] {
  const key = (t: TableModel) => `${t.schema ?? ""}\u0000${t.name}`;
  return [...tables].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
