/**
 * PostgreSQL names indexes once per schema, and an unnamed unique constraint's index is named
 * after its table and columns (`<table>_<columns>_key`, which the DDL states): `a.b_c` and
 * `a_b.c` are both `a_b_c_key`. The server would refuse the second (the name is stated, so it no
 * longer picks `a_b_c_key1`, which no later drop finds); the planner refuses it first, before any
 * statement, naming the holder and the way out: name the constraint.
 */
import type { DdlCompiler } from "../../core/compiler/ddl-compiler.js";
import { tableKey, type SchemaModel, type TableModel, type UniqueModel } from "../../core/schema/schema-model.js";
import type { Operation, TableRef } from "../operations/operation.js";
import { PlanError } from "./plan-error.js";

/** @internal Throws `PlanError` when an unnamed unique that `op` creates would take a name its schema holds in `before`. */
export function assertPgUniqueNamesFree(op: Operation, before: SchemaModel, ddl: DdlCompiler): void {
  if (op.op !== "createTable" && op.op !== "addUnique") return;
  const unnamed = (op.op === "createTable" ? op.table.uniques : [op.unique]).filter((u) => u.name === undefined).map((u): [TableRef, UniqueModel] => [op.table, u]);
  if (!unnamed.length) return;
  // Every relation name of the schema: tables, indexes, index-backed constraints (a new table's own ones too).
  const tables = op.op === "createTable" ? [...before.tables, op.table] : before.tables;
  const held = new Map<string, string>();
  for (const t of tables.filter((t) => (t.schema ?? "") === (op.table.schema ?? ""))) {
    held.set(t.name, `table ${tableKey(t)}`);
    for (const i of t.indexes) held.set(i.name, `index ${i.name} of ${tableKey(t)}`);
    if (t.primaryKey?.name) held.set(t.primaryKey.name, `the primary key of ${tableKey(t)}`);
    for (const u of t.uniques) if (!unnamed.some(([, mine]) => mine === u)) held.set(ddl.uniqueNameOf(t, u) ?? "", uniqueText(t, u));
  }
  for (const [table, u] of unnamed) {
    // A repeat of an earlier unnamed unique of the same new table is left to the server (the DDL does not state its name).
    if (op.op === "createTable" && op.table.uniques.slice(0, op.table.uniques.indexOf(u)).some((e) => e.name === undefined && e.columns.join("\0") === u.columns.join("\0"))) continue;
    const name = ddl.uniqueNameOf(table, u)!;
    const holder = held.get(name);
    if (holder !== undefined) {
      throw new PlanError(
        `the unnamed unique (${u.columns.join(", ")}) of ${tableKey(table)} is named ${name} on PostgreSQL, which ${holder} holds (PostgreSQL names indexes once per schema). ` +
          `Name the constraint: unique([...], { name: "..." }) in the model, { name, columns } in op.addUnique / op.createTable.`,
      );
    }
    held.set(name, uniqueText(table, u));
  }
}

function uniqueText(table: TableModel | TableRef, u: UniqueModel): string {
  return `the unique (${u.columns.join(", ")}) of ${tableKey(table)}`;
}
