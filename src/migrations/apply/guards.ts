/**
 * The rerun guards of steps (`Step.isApplied`): whether an operation's effect is already in a
 * (reflected) schema. MySQL/MariaDB commit each DDL statement on its own, so a migration that
 * failed between two steps is rerun from a schema that has some of them: these let it converge.
 */
import { tableKey, type SchemaModel, type TableModel } from "../../core/schema/schema-model.js";
import type { Operation, TableRef } from "../operations/operation.js";
import { canonicalCheckSql } from "../schema/canonical.js";

/**
 * The guard of `op`, or undefined where none can tell (data steps, VALIDATE). `after`, the
 * history's schema once `op` ran, tells how many uniques over the same columns (checks with the
 * same expression) an unnamed one's table has then: the database named it, so only a count tells.
 */
export function appliedGuard(op: Operation, after?: SchemaModel): ((schema: SchemaModel) => boolean) | undefined {
  const has = (schema: SchemaModel, ref: TableRef) => findTable(schema, ref) !== undefined;
  const hasColumn = (table: TableModel, name: string) => table.columns.some((c) => c.name === name);
  const hasIndex = (table: TableModel, name: string) => table.indexes.some((i) => i.name === name) || table.uniques.some((u) => u.name === name);
  switch (op.op) {
    case "createTable":
      return (schema) => has(schema, op.table);
    case "dropTable":
      return (schema) => !has(schema, op.table);
    case "renameTable": {
      const from = { ...(op.schema ? { schema: op.schema } : {}), name: op.from };
      const to = { ...(op.schema ? { schema: op.schema } : {}), name: op.to };
      return (schema) => !has(schema, from) && has(schema, to);
    }
    case "addColumn":
      return on(op.table, (t) => hasColumn(t, op.column.name));
    case "dropColumn":
      return on(op.table, (t) => !hasColumn(t, op.column.name));
    case "renameColumn":
      return on(op.table, (t) => !hasColumn(t, op.from) && hasColumn(t, op.to));
    case "alterColumn":
      return on(op.table, (t) => {
        const c = t.columns.find((x) => x.name === op.column);
        if (!c) return false;
        if (op.to.type !== undefined && JSON.stringify(c.type) !== JSON.stringify(op.to.type)) return false;
        if (op.to.nullable !== undefined && c.nullable !== op.to.nullable) return false;
        if (op.to.serverDefault !== undefined && (c.serverDefault ?? null) !== op.to.serverDefault) return false;
        return true;
      });
    case "createIndex":
      return on(op.table, (t) => hasIndex(t, op.index.name));
    case "dropIndex":
      return on(op.table, (t) => !hasIndex(t, op.index.name));
    case "renameIndex":
      return on(op.table, (t) => !hasIndex(t, op.from) && hasIndex(t, op.to));
    case "renameConstraint": {
      const named = (t: TableModel, name: string) => [...t.uniques, ...t.foreignKeys, ...t.checks].some((c) => c.name === name);
      return on(op.table, (t) => !named(t, op.from) && named(t, op.to));
    }
    case "addForeignKey":
      return on(op.table, (t) => t.foreignKeys.some((fk) => fk.name === op.foreignKey.name));
    case "dropForeignKey":
      return on(op.table, (t) => !t.foreignKeys.some((fk) => fk.name === op.foreignKey.name));
    case "addUnique":
      if (op.unique.name === undefined) return unnamed(op.table, after, (t) => sameColumns(t, op.unique.columns), (live, then) => live >= then);
      return on(op.table, (t) => hasIndex(t, op.unique.name!));
    case "dropUnique":
      if (op.unique.name === undefined) return unnamed(op.table, after, (t) => sameColumns(t, op.unique.columns), (live, then) => live <= then);
      return on(op.table, (t) => !hasIndex(t, op.unique.name!));
    case "addCheck":
      if (op.check.name === undefined) return unnamed(op.table, after, (t) => sameCheck(t, op.check.sql), (live, then) => live >= then);
      return on(op.table, (t) => t.checks.some((c) => c.name === op.check.name));
    case "dropCheck":
      return op.check.name === undefined ? undefined : on(op.table, (t) => !t.checks.some((c) => c.name === op.check.name));
    case "addPrimaryKey":
      return on(op.table, (t) => t.primaryKey !== undefined);
    case "dropPrimaryKey":
      return on(op.table, (t) => t.primaryKey === undefined);
    case "validateConstraint":
    case "execute":
      return undefined;
  }
}

/**
 * The guards of the statements of an operation MySQL/MariaDB runs as several steps, one each, or
 * undefined. A foreign key or check rename is a DROP then an ADD there: a rerun after the DROP
 * ran unrecorded must skip it (it would fail, the constraint gone) and run the ADD.
 * @internal
 */
export function statementGuards(op: Operation, count: number): ((schema: SchemaModel) => boolean)[] | undefined {
  if (op.op !== "renameConstraint" || op.kind === "unique" || count !== 2) return undefined;
  const named = (table: TableModel, name: string) => (op.kind === "foreignKey" ? table.foreignKeys : table.checks).some((c) => c.name === name);
  return [on(op.table, (t) => !named(t, op.from)), on(op.table, (t) => named(t, op.to))];
}

/** The guard of the i-th index a `createTable` creates (its own step on MySQL). */
export function indexGuard(table: TableRef, name: string): (schema: SchemaModel) => boolean {
  return (schema) => {
    const t = findTable(schema, table);
    return t !== undefined && (t.indexes.some((i) => i.name === name) || t.uniques.some((u) => u.name === name));
  };
}

/**
 * The guard of an unnamed unique or check: `count` of the live table against the history's table
 * after the step (`done`). Undefined without `after`.
 */
function unnamed(ref: TableRef, after: SchemaModel | undefined, count: (t: TableModel) => number, done: (live: number, then: number) => boolean) {
  const then = after && findTable(after, ref);
  if (!then) return undefined;
  const expected = count(then);
  return on(ref, (t) => done(count(t), expected));
}

/** Uniques over exactly `columns`, in order (MariaDB reflects an unnamed one under its first column's name). */
function sameColumns(table: TableModel, columns: readonly string[]): number {
  return table.uniques.filter((u) => u.columns.length === columns.length && u.columns.every((c, i) => c === columns[i])).length;
}

/** Checks with the expression `sql`, as the databases rewrite it (`canonicalCheckSql`). */
function sameCheck(table: TableModel, sql: string): number {
  const wanted = canonicalCheckSql(sql, "mysql");
  return table.checks.filter((c) => canonicalCheckSql(c.sql, "mysql") === wanted).length;
}

/** A guard that holds when `ref` exists and passes `test`. */
function on(ref: TableRef, test: (table: TableModel) => boolean): (schema: SchemaModel) => boolean {
  return (schema) => {
    const table = findTable(schema, ref);
    return table !== undefined && test(table);
  };
}

function findTable(schema: SchemaModel, ref: TableRef): TableModel | undefined {
  return schema.tables.find((t) => tableKey(t) === tableKey(ref));
}
