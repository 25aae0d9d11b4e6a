/**
 * SQLite table rebuilds: what ALTER TABLE cannot do there (change a column's type, nullability or
 * default; add or drop a constraint; drop an indexed or constrained column) is done by the
 * procedure of sqlite.org/lang_altertable.html: create the new table under a temporary name, copy
 * the rows, drop the old table, rename the new one, recreate the indexes. Foreign keys are off
 * meanwhile, switched off outside the transaction (`Step.foreignKeysOff`): with them on, dropping
 * the old table would delete (CASCADE) or null (SET NULL) the rows of every child table.
 * Triggers and views are read from `sqlite_master` and recreated by the executor (`Step.rebuild`).
 */
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { tableKey, type SchemaModel, type TableModel, type TypeModel } from "../../core/schema/schema-model.js";
import { mentionsColumn } from "../operations/apply-to-model.js";
import { describeOperation } from "../operations/describe.js";
import type { Operation, TableRef } from "../operations/operation.js";
import type { Step } from "./step.js";
import type { ValueCheck } from "./sqlite-rebuild-check.js";
import { sameType } from "../schema/canonical.js";
import { typeText } from "../diff/type-change.js";

/** Whether SQLite needs a table rebuild for `op` on the schema `before`. */
export function sqliteNeedsRebuild(op: Operation, before: SchemaModel): boolean {
  switch (op.op) {
    case "alterColumn":
    case "addForeignKey":
    case "dropForeignKey":
    case "addUnique":
    case "dropUnique":
    case "renameConstraint":
    case "addCheck":
    case "dropCheck":
    case "addPrimaryKey":
    case "dropPrimaryKey":
      return true;
    case "addColumn": {
      // ADD COLUMN cannot add a key, a NOT NULL column without default, a non-constant default or a
      // STORED generated column (a VIRTUAL one it can, NOT NULL too: every row computes it).
      const c = op.column;
      if (c.generated) return c.generated.stored;
      return c.autoincrement || (!c.nullable && c.serverDefault === undefined) || /^\s*(\(|current_)/i.test(c.serverDefault ?? "");
    }
    case "dropColumn": {
      // DROP COLUMN refuses a column that is in a key, an index, a constraint or a foreign key.
      const table = before.tables.find((t) => tableKey(t) === tableKey(op.table));
      if (!table) return false;
      const name = op.column.name;
      return (
        (table.primaryKey?.columns.includes(name) ?? false) ||
        table.uniques.some((u) => u.columns.includes(name)) ||
        table.indexes.some((i) => i.columns.includes(name) || mentionsColumn(i.where ?? "", name) || (i.expressions?.some((e) => mentionsColumn(e, name)) ?? false)) ||
        table.foreignKeys.some((fk) => fk.columns.includes(name)) ||
        table.checks.some((c) => mentionsColumn(c.sql, name)) ||
        table.columns.some((c) => c.generated !== undefined && mentionsColumn(c.generated.sql, name)) ||
        (op.column.generated?.stored ?? false)
      );
    }
    default:
      return false;
  }
}

/** The table an operation changes, when it changes one table's definition (not create/drop/rename table, execute). */
export function alteredTable(op: Operation): TableRef | undefined {
  switch (op.op) {
    case "createTable":
    case "dropTable":
    case "renameTable":
    case "execute":
      return undefined;
    default:
      return op.table;
  }
}

/**
 * Whether `op`, on the table a rebuild is making, joins that rebuild. A column rename does not:
 * the rebuild writes only its own table, and re-creates the views and triggers from their old
 * text, so another table's foreign key, a view or a trigger naming the column would name the old
 * one ("foreign key mismatch", the trigger refused). SQLite's RENAME COLUMN, run on its own after
 * the rebuild, rewrites them all, and copies no row.
 *
 * @internal
 */
export function joinsRebuild(op: Operation): boolean {
  return op.op !== "renameColumn";
}

/**
 * One rebuild of `table` from its definition in `before` to its definition in `after`, for the
 * operations `ops` (consecutive, all on that table). Columns keep their rows through renames;
 * added columns take their defaults.
 */
export function rebuildStep(ddl: DdlCompiler, table: TableRef, ops: readonly Operation[], before: SchemaModel, after: SchemaModel): Step {
  const key = tableKey(table);
  const old = before.tables.find((t) => tableKey(t) === key)!;
  const next = after.tables.find((t) => tableKey(t) === key)!;
  // Where each column of the new table takes its values from in the old one.
  const origin = new Map<string, string | undefined>(old.columns.map((c) => [c.name, c.name]));
  for (const op of ops) {
    if (op.op === "addColumn") origin.set(op.column.name, undefined);
    else if (op.op === "dropColumn") origin.delete(op.column.name);
    else if (op.op === "renameColumn") {
      origin.set(op.to, origin.get(op.from));
      origin.delete(op.from);
    }
  }
  // A generated column is computed again by the new table: it cannot be written.
  const copied = next.columns.filter((c) => origin.get(c.name) !== undefined && c.generated === undefined);
  const temporary: TableModel = { ...next, name: `_athanor_new_${next.name}` };
  const newName = ddl.tableName(temporary);
  const statements = [
    ddl.createTableModel(temporary),
    `INSERT INTO ${newName} (${copied.map((c) => ddl.identifier(c.name)).join(", ")}) SELECT ${copied
      .map((c) => copiedValue(ddl.identifier(origin.get(c.name)!), old.columns.find((o) => o.name === origin.get(c.name))!.type, c.type))
      .join(", ")} FROM ${ddl.tableName(old)}`,
    ...roundings(ddl, newName, next, old, origin),
    ddl.dropTable(old),
    ...ddl.renameTable(temporary, next.name),
    ...next.indexes.flatMap((index) => ddl.createIndexModel(next, index)),
  ];
  return {
    description: `rebuild table ${key} (${ops.map(describeOperation).join("; ")})`,
    valueChecks: valueChecks(ddl, next, old, origin),
    statements,
    transactional: true,
    foreignKeysOff: true,
    rebuild: old,
  };
}

/**
 * A copied value in the form the new type is stored in. SQLite compares dates and timestamps as
 * text, athanor writing `YYYY-MM-DD` and `YYYY-MM-DD HH:MM:SS[.SSS]`: a date kept as it was under
 * a timestamp type read as midnight but never compared equal to it (`at = ?` missed the row, as
 * did `at >= ?` from that midnight). PostgreSQL and MariaDB convert such values themselves.
 */
function copiedValue(c: string, from: TypeModel, to: TypeModel): string {
  if (from.kind === "date" && to.kind === "datetime") return `CASE WHEN typeof(${c}) = 'text' AND length(${c}) = 10 THEN ${c} || ' 00:00:00' ELSE ${c} END`;
  // athanor binds a uuid in lower case: one kept in upper case read as its lower case but was never found by it.
  if (to.kind === "uuid" && (from.kind === "string" || from.kind === "text")) return `CASE WHEN typeof(${c}) = 'text' THEN lower(${c}) ELSE ${c} END`;
  // The narrowing (allowed data loss): the day of athanor's own UTC text, as PostgreSQL and MariaDB keep it.
  if (from.kind === "datetime" && to.kind === "date") return `CASE WHEN typeof(${c}) = 'text' AND ${c} GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] *' THEN substr(${c}, 1, 10) ELSE ${c} END`;
  return c;
}

/**
 * For each copied column made a numeric with a scale: its values rounded to it, as PostgreSQL and
 * MariaDB round them. The column's affinity has made numbers of the copied text by then; a value
 * kept with more decimals read rounded but never compared equal to what it read as.
 */
function roundings(ddl: DdlCompiler, newName: string, next: TableModel, old: TableModel, origin: ReadonlyMap<string, string | undefined>): string[] {
  return next.columns.flatMap((column) => {
    const from = origin.get(column.name);
    const before = from === undefined ? undefined : old.columns.find((c) => c.name === from);
    if (!before || column.type.kind !== "numeric" || column.type.scale === undefined || sameType(before.type, column.type, "sqlite")) return [];
    const c = ddl.identifier(column.name);
    return [`UPDATE ${newName} SET ${c} = round(${c}, ${column.type.scale}) WHERE typeof(${c}) = 'real' AND ${c} <> round(${c}, ${column.type.scale})`];
  });
}

/**
 * For each copied column whose type changes: a query for a value of the rebuilt table that the
 * new type does not allow. SQLite keeps any value under any type (`'abc'` in an INTEGER column,
 * 12345 in a VARCHAR(2)); athanor checks values on write, and PostgreSQL and MariaDB refuse such
 * a change, so the rebuild must not let one through.
 */
function valueChecks(ddl: DdlCompiler, next: TableModel, old: TableModel, origin: ReadonlyMap<string, string | undefined>): ValueCheck[] {
  const checks: ValueCheck[] = [];
  for (const column of next.columns) {
    const from = origin.get(column.name);
    const before = from === undefined ? undefined : old.columns.find((c) => c.name === from);
    if (!before || sameType(before.type, column.type, "sqlite")) continue;
    const where = misfit(ddl.identifier(column.name), column.type);
    if (where) checks.push({ column: column.name, type: typeText(column.type), sql: `SELECT ${ddl.identifier(column.name)} AS v FROM ${ddl.tableName(next)} WHERE ${where} LIMIT 1` });
  }
  return checks;
}

const HEX = "[0-9a-f]";
/** A uuid in lower case, as a GLOB pattern (which tells case apart). */
const UUID_GLOB = [8, 4, 4, 4, 12].map((n) => HEX.repeat(n)).join("-");

/** The condition on `c` that a value of type `type` must not meet, or undefined when SQLite can tell nothing. */
function misfit(c: string, type: TypeModel): string | undefined {
  switch (type.kind) {
    case "string":
    case "binary":
      return type.length === undefined ? undefined : `length(${c}) > ${type.length}`;
    case "enum":
      return type.values?.length ? `${c} NOT IN (${type.values.map((v) => `'${v.replace(/'/g, "''")}'`).join(", ")})` : undefined;
    case "integer":
      return `typeof(${c}) NOT IN ('integer', 'null') OR ${c} NOT BETWEEN -2147483648 AND 2147483647`;
    case "bigint":
      return `typeof(${c}) NOT IN ('integer', 'null')`;
    case "float":
      // Text past a double's range ('1e400') is made infinity by the copy: PostgreSQL and MariaDB refuse it.
      return `typeof(${c}) NOT IN ('integer', 'real', 'null') OR abs(${c}) = 9e999`;
    case "numeric": {
      // Digits before the point beyond the precision: PostgreSQL and MariaDB refuse them (overflow).
      const digits = type.precision === undefined ? undefined : type.precision - (type.scale ?? 0);
      return `typeof(${c}) NOT IN ('integer', 'real', 'null') OR abs(${c}) ${digits === undefined ? "= 9e999" : `>= 1e${digits}`}`;
    }
    case "boolean":
      return `${c} NOT IN (0, 1)`;
    case "json":
      // PostgreSQL and MariaDB refuse text that is no JSON; kept, each read of the row would fail.
      return `${c} IS NOT NULL AND NOT json_valid(${c})`;
    case "date":
    case "datetime":
      // PostgreSQL and MariaDB refuse text that is no date or time (athanor keeps them as text here).
      return `${c} IS NOT NULL AND (typeof(${c}) <> 'text' OR julianday(${c}) IS NULL)`;
    case "uuid":
      // PostgreSQL refuses text that is not a uuid (the copy has put the others in lower case).
      return `typeof(${c}) NOT IN ('text', 'null') OR ${c} NOT GLOB '${UUID_GLOB}'`;
    default:
      return undefined;
  }
}
