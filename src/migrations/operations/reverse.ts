/**
 * The reverse of each operation, for a migration's `down`: every operation carries what its
 * reverse needs (a dropped table's or column's definition, a changed column's old state), so
 * reversing is mechanical. Only `execute` (SQL athanor cannot read) has no reverse.
 */
import { AthanorError } from "../../core/errors.js";
import { tableKey, type SchemaModel, type TableModel } from "../../core/schema/schema-model.js";
import { applyToModel } from "./apply-to-model.js";
import type { ColumnChange, Operation, TableRef } from "./operation.js";

/** An operation that has no automatic reverse (`execute`): write the migration's `down` by hand. */
export class IrreversibleOperationError extends AthanorError {
  override name = "IrreversibleOperationError";
}

/**
 * The operations that undo `op`. With `before` (the schema just before `op`), what is dropped or
 * changed is taken from that schema when found there, so that a hand-written operation with a
 * stale definition is still undone to the real state.
 *
 * @throws IrreversibleOperationError for `execute`
 *
 * ```ts
 * reverse(op.renameColumn("books", "title", "name")); // [op.renameColumn("books", "name", "title")]
 * ```
 */
export function reverse(op: Operation, before?: SchemaModel): Operation[] {
  const table = "table" in op && !("columns" in op.table) ? findTable(before, op.table) : undefined;
  switch (op.op) {
    case "createTable":
      return [{ op: "dropTable", table: op.table }];
    case "dropTable":
      return [{ op: "createTable", table: findTable(before, op.table) ?? op.table }];
    case "renameTable":
      return [{ op: "renameTable", ...(op.schema ? { schema: op.schema } : {}), from: op.to, to: op.from }];
    case "addColumn":
      return [{ op: "dropColumn", table: op.table, column: op.column }];
    case "dropColumn":
      return [{ op: "addColumn", table: op.table, column: table?.columns.find((c) => c.name === op.column.name) ?? op.column }];
    case "renameColumn":
      return [{ op: "renameColumn", table: op.table, from: op.to, to: op.from }];
    case "alterColumn": {
      const known = table?.columns.find((c) => c.name === op.column);
      const was = known ? { type: known.type, nullable: known.nullable, serverDefault: known.serverDefault ?? null } : op.from;
      const back: { -readonly [K in keyof ColumnChange]: ColumnChange[K] } = {};
      if (op.to.type !== undefined) back.type = was.type;
      if (op.to.nullable !== undefined) back.nullable = was.nullable;
      if (op.to.serverDefault !== undefined) back.serverDefault = was.serverDefault;
      const after = {
        type: op.to.type ?? was.type,
        nullable: op.to.nullable ?? was.nullable,
        serverDefault: op.to.serverDefault === undefined ? was.serverDefault : op.to.serverDefault,
      };
      return [{ op: "alterColumn", table: op.table, column: op.column, from: after, to: back }];
    }
    case "createIndex":
      return [{ op: "dropIndex", table: op.table, index: op.index, ...(op.concurrently ? { concurrently: true } : {}) }];
    case "dropIndex": {
      const index = table?.indexes.find((i) => i.name === op.index.name) ?? op.index;
      return [{ op: "createIndex", table: op.table, index, ...(op.concurrently ? { concurrently: true } : {}) }];
    }
    case "renameIndex":
    case "renameConstraint":
      return [{ ...op, from: op.to, to: op.from }];
    case "addForeignKey":
      return [{ op: "dropForeignKey", table: op.table, foreignKey: op.foreignKey }];
    case "dropForeignKey":
      return [{ op: "addForeignKey", table: op.table, foreignKey: table?.foreignKeys.find((f) => f.name === op.foreignKey.name) ?? op.foreignKey }];
    case "addUnique":
      return [{ op: "dropUnique", table: op.table, unique: op.unique }];
    case "dropUnique": {
      const unique = op.unique.name === undefined ? op.unique : (table?.uniques.find((u) => u.name === op.unique.name) ?? op.unique);
      return [{ op: "addUnique", table: op.table, unique }];
    }
    case "addCheck":
      return [{ op: "dropCheck", table: op.table, check: op.check }];
    case "dropCheck": {
      const check = op.check.name === undefined ? op.check : (table?.checks.find((c) => c.name === op.check.name) ?? op.check);
      return [{ op: "addCheck", table: op.table, check }];
    }
    case "addPrimaryKey":
      return [{ op: "dropPrimaryKey", table: op.table, primaryKey: op.primaryKey }];
    case "dropPrimaryKey":
      return [{ op: "addPrimaryKey", table: op.table, primaryKey: table?.primaryKey ?? op.primaryKey }];
    case "validateConstraint":
      // Validating changes no definition: there is nothing to undo.
      return [];
    case "execute":
      throw new IrreversibleOperationError(
        "An execute(...) operation has no automatic reverse: write the migration's `down` by hand (e.g. op.execute(...) that undoes it, or nothing).",
      );
  }
}

/**
 * The operations that undo `ops` (applied in order): each one's reverse, last first. With
 * `before` (the schema `ops` start from), each reverse sees the schema just before its operation.
 *
 * ```ts
 * const up = [op.addColumn("books", { name: "isbn", type: types.string(13) }), op.renameColumn("books", "title", "name")];
 * const down = downOf(up); // the rename undone, then the column dropped
 * ```
 */
export function downOf(ops: readonly Operation[], before?: SchemaModel): Operation[] {
  let schema = before;
  const states = ops.map((op) => {
    const state = schema;
    if (schema) schema = applyToModel(schema, op);
    return state;
  });
  return ops.map((op, i) => reverse(op, states[i])).reverse().flat();
}

function findTable(schema: SchemaModel | undefined, ref: TableRef): TableModel | undefined {
  const key = tableKey(ref);
  return schema?.tables.find((t) => tableKey(t) === key);
}
