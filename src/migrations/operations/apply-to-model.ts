/**
 * What a schema is after an operation, computed on plain data: the planner needs the table as it
 * will be (a SQLite rebuild creates it whole, MySQL restates a whole column), and replaying a
 * migration history gives the schema it produces without a database. Pure: the input is never
 * changed. An operation that cannot apply (its table or column is missing, or already exists)
 * throws `OperationModelError`.
 */
import { AthanorError } from "../../core/errors.js";
import { tableKey, type ColumnModel, type SchemaModel, type TableModel } from "../../core/schema/schema-model.js";
import { sortByName } from "../../core/compiler/table-model.js";
import { sortTableModels as sortTables } from "../../core/compiler/table-model.js";
import { renameColumnsInTableSql } from "../schema/renamed-sql.js";
import type { ConstraintKind, Operation, TableRef } from "./operation.js";

/** Why an operation cannot apply to a schema. */
export type OperationModelProblem = "missing-table" | "table-exists" | "missing-column" | "column-exists" | "missing-constraint" | "constraint-exists" | "referenced";

/** An operation refused by `applyToModel`: `problem` says why, the message names the object. */
export class OperationModelError extends AthanorError {
  override name = "OperationModelError";
  constructor(
    readonly problem: OperationModelProblem,
    message: string,
    readonly operation: Operation,
  ) {
    super(message);
  }
}

/** Where a table model lists each kind of constraint, and what messages call it. */
const CONSTRAINT_LISTS = {
  unique: ["uniques", "unique constraint"],
  foreignKey: ["foreignKeys", "foreign key"],
  check: ["checks", "check constraint"],
} as const satisfies Record<ConstraintKind, readonly [keyof TableModel, string]>;

/** The schema after `op` (see the file comment). */
export function applyToModel(schema: SchemaModel, op: Operation): SchemaModel {
  const fail = (problem: OperationModelProblem, message: string): never => {
    throw new OperationModelError(problem, `Cannot apply ${op.op}: ${message}.`, op);
  };
  const find = (ref: TableRef): TableModel =>
    schema.tables.find((t) => tableKey(t) === tableKey(ref)) ?? fail("missing-table", `table '${tableKey(ref)}' does not exist`);
  const replace = (ref: TableRef, table: TableModel): SchemaModel => ({
    ...schema,
    tables: sortTables(schema.tables.map((t) => (tableKey(t) === tableKey(ref) ? table : t))),
  });
  const column = (table: TableModel, name: string): ColumnModel =>
    table.columns.find((c) => c.name === name) ?? fail("missing-column", `column '${tableKey(table)}.${name}' does not exist`);
  const noColumn = (table: TableModel, name: string) => {
    if (table.columns.some((c) => c.name === name)) fail("column-exists", `column '${tableKey(table)}.${name}' already exists`);
  };
  const named = <T extends { readonly name?: string | undefined }>(list: readonly T[], item: T, what: string, table: TableModel): T[] => {
    if (item.name !== undefined && list.some((x) => x.name === item.name)) fail("constraint-exists", `${what} '${item.name}' already exists on table '${tableKey(table)}'`);
    return sortByName([...list, item]);
  };
  const without = <T extends { readonly name?: string | undefined; readonly columns?: readonly string[] }>(
    list: readonly T[],
    item: T,
    what: string,
    table: TableModel,
  ): T[] => {
    const same = (x: T) => (item.name !== undefined ? x.name === item.name : JSON.stringify(x) === JSON.stringify(item));
    if (!list.some(same)) fail("missing-constraint", `${what} '${item.name ?? JSON.stringify(item)}' does not exist on table '${tableKey(table)}'`);
    return list.filter((x) => !same(x));
  };

  switch (op.op) {
    case "createTable":
      if (schema.tables.some((t) => tableKey(t) === tableKey(op.table))) fail("table-exists", `table '${tableKey(op.table)}' already exists`);
      return { ...schema, tables: sortTables([...schema.tables, op.table]) };
    case "dropTable": {
      const table = find(op.table);
      const child = schema.tables.find((t) => t !== table && t.foreignKeys.some((fk) => sameTable(fk, table)));
      if (child) fail("referenced", `table '${tableKey(table)}' is referenced by a foreign key of '${tableKey(child)}'; drop that first`);
      return { ...schema, tables: schema.tables.filter((t) => t !== table) };
    }
    case "renameTable": {
      const from = find({ ...(op.schema ? { schema: op.schema } : {}), name: op.from });
      const to = { ...(op.schema ? { schema: op.schema } : {}), name: op.to };
      if (schema.tables.some((t) => tableKey(t) === tableKey(to))) fail("table-exists", `table '${tableKey(to)}' already exists`);
      const tables = schema.tables.map((t) => {
        const renamed = t === from ? { ...t, name: op.to } : t;
        if (!renamed.foreignKeys.some((fk) => sameTable(fk, from))) return renamed;
        return { ...renamed, foreignKeys: renamed.foreignKeys.map((fk) => (sameTable(fk, from) ? { ...fk, referredTable: op.to } : fk)) };
      });
      return { ...schema, tables: sortTables(tables) };
    }
    case "addColumn": {
      const table = find(op.table);
      noColumn(table, op.column.name);
      const { renamedFrom: _hint, ...added } = op.column;
      return replace(op.table, { ...table, columns: [...table.columns, added] });
    }
    case "dropColumn": {
      const table = find(op.table);
      const name = column(table, op.column.name).name;
      const child = schema.tables.find((t) => t.foreignKeys.some((fk) => sameTable(fk, table) && fk.referredColumns.includes(name) && !(t === table && fk.columns.includes(name))));
      if (child) fail("referenced", `column '${tableKey(table)}.${name}' is referenced by a foreign key of '${tableKey(child)}'`);
      // Like the databases, constraints and indexes on the column go with it.
      const keep = (cols: readonly string[] | undefined) => !cols?.includes(name);
      return replace(op.table, {
        ...table,
        columns: table.columns.filter((c) => c.name !== name),
        ...(table.primaryKey && !keep(table.primaryKey.columns) ? { primaryKey: undefined } : {}),
        foreignKeys: table.foreignKeys.filter((fk) => keep(fk.columns)),
        uniques: table.uniques.filter((u) => keep(u.columns)),
        checks: table.checks.filter((c) => !mentionsColumn(c.sql, name)),
        indexes: table.indexes.filter((i) => keep(i.columns) && !mentionsColumn(i.where ?? "", name) && !i.expressions?.some((e) => mentionsColumn(e, name))),
      });
    }
    case "renameColumn": {
      const table = find(op.table);
      column(table, op.from);
      noColumn(table, op.to);
      const rename = (cols: readonly string[]) => cols.map((c) => (c === op.from ? op.to : c));
      const tables = schema.tables.map((t) => {
        let next = t;
        if (t === table) {
          // The databases rewrite the SQL texts that name the column (SQLite's rebuild writes them from here)
          const texts = renameColumnsInTableSql(t, new Map([[op.from, op.to]]));
          next = {
            ...texts,
            columns: texts.columns.map((c) => (c.name === op.from ? { ...c, name: op.to } : c)),
            ...(t.primaryKey ? { primaryKey: { ...t.primaryKey, columns: rename(t.primaryKey.columns) } } : {}),
            foreignKeys: t.foreignKeys.map((fk) => ({ ...fk, columns: rename(fk.columns) })),
            uniques: t.uniques.map((u) => ({ ...u, columns: rename(u.columns) })),
            indexes: texts.indexes.map((i) => ({ ...i, columns: rename(i.columns) })),
            checks: sortByName(texts.checks),
          };
        }
        if (!next.foreignKeys.some((fk) => sameTable(fk, table))) return next;
        return { ...next, foreignKeys: next.foreignKeys.map((fk) => (sameTable(fk, table) ? { ...fk, referredColumns: rename(fk.referredColumns) } : fk)) };
      });
      return { ...schema, tables };
    }
    case "alterColumn": {
      const table = find(op.table);
      const before = column(table, op.column);
      return replace(op.table, { ...table, columns: table.columns.map((c) => (c === before ? alteredColumn(c, op.to) : c)) });
    }
    case "createIndex": {
      const table = find(op.table);
      return replace(op.table, { ...table, indexes: named(table.indexes, op.index, "index", table) });
    }
    case "dropIndex": {
      const table = find(op.table);
      return replace(op.table, { ...table, indexes: without(table.indexes, op.index, "index", table) });
    }
    case "renameIndex": {
      const table = find(op.table);
      const index = table.indexes.find((i) => i.name === op.from) ?? fail("missing-constraint", `index '${op.from}' does not exist on table '${tableKey(table)}'`);
      return replace(op.table, { ...table, indexes: named(without(table.indexes, index, "index", table), { ...index, name: op.to }, "index", table) });
    }
    case "renameConstraint": {
      const table = find(op.table);
      const [list, what] = CONSTRAINT_LISTS[op.kind];
      const items: readonly { readonly name?: string | undefined }[] = table[list];
      const item = items.find((c) => c.name === op.from) ?? fail("missing-constraint", `${what} '${op.from}' does not exist on table '${tableKey(table)}'`);
      return replace(op.table, { ...table, [list]: named(without(items, item, what, table), { ...item, name: op.to }, what, table) });
    }
    case "addForeignKey": {
      const table = find(op.table);
      find({ ...(op.foreignKey.referredSchema ? { schema: op.foreignKey.referredSchema } : {}), name: op.foreignKey.referredTable });
      return replace(op.table, { ...table, foreignKeys: named(table.foreignKeys, op.foreignKey, "foreign key", table) });
    }
    case "dropForeignKey": {
      const table = find(op.table);
      return replace(op.table, { ...table, foreignKeys: without(table.foreignKeys, op.foreignKey, "foreign key", table) });
    }
    case "addUnique": {
      const table = find(op.table);
      return replace(op.table, { ...table, uniques: named(table.uniques, op.unique, "unique constraint", table) });
    }
    case "dropUnique": {
      const table = find(op.table);
      return replace(op.table, { ...table, uniques: without(table.uniques, op.unique, "unique constraint", table) });
    }
    case "addCheck": {
      const table = find(op.table);
      return replace(op.table, { ...table, checks: named(table.checks, op.check, "check constraint", table) });
    }
    case "dropCheck": {
      const table = find(op.table);
      return replace(op.table, { ...table, checks: without(table.checks, op.check, "check constraint", table) });
    }
    case "addPrimaryKey": {
      const table = find(op.table);
      if (table.primaryKey) fail("constraint-exists", `table '${tableKey(table)}' already has a primary key`);
      for (const c of op.primaryKey.columns) column(table, c);
      const pkColumns = new Set(op.primaryKey.columns);
      const columns = table.columns.map((c) => (pkColumns.has(c.name) && c.nullable ? { ...c, nullable: false } : c));
      return replace(op.table, { ...table, columns, primaryKey: op.primaryKey });
    }
    case "dropPrimaryKey": {
      const table = find(op.table);
      if (!table.primaryKey) fail("missing-constraint", `table '${tableKey(table)}' has no primary key`);
      const { primaryKey: _dropped, ...rest } = table;
      return replace(op.table, rest);
    }
    case "validateConstraint":
      find(op.table);
      return schema;
    case "execute":
      return schema;
  }
}

/** Applies `ops` in order. */
export function applyAllToModel(schema: SchemaModel, ops: readonly Operation[]): SchemaModel {
  return ops.reduce(applyToModel, schema);
}

/** The column with `change` applied (`serverDefault: null` removes the default). */
export function alteredColumn(column: ColumnModel, change: Extract<Operation, { op: "alterColumn" }>["to"]): ColumnModel {
  const { serverDefault: _old, ...rest } = column;
  const serverDefault = change.serverDefault === undefined ? column.serverDefault : change.serverDefault === null ? undefined : change.serverDefault;
  return {
    ...rest,
    ...(change.type !== undefined ? { type: change.type } : {}),
    ...(change.nullable !== undefined ? { nullable: change.nullable } : {}),
    ...(serverDefault !== undefined ? { serverDefault } : {}),
  };
}

/** Whether SQL text names the column (as a word, quoted or not): a check or partial index on it. */
export function mentionsColumn(sql: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\w$])["\`\\[]?${escaped}["\`\\]]?([^\\w$]|$)`, "i").test(sql);
}

/** Whether the foreign key refers to `table`. */
function sameTable(fk: TableModel["foreignKeys"][number], table: TableModel): boolean {
  return fk.referredTable === table.name && (fk.referredSchema ?? undefined) === (table.schema ?? undefined);
}
