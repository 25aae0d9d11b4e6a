/**
 * What the rules need to know while the lint walks a migration's operations in order: which
 * tables are new (created earlier in the same migration, hence empty and safe to lock), the
 * schema before the migration, and which constraints are validated so far.
 */
import { tableKey, type SchemaModel, type TableModel } from "../../core/schema/schema-model.js";
import type { Operation, TableRef } from "../operations/operation.js";

/** A `NOT VALID` constraint added in this migration and not validated yet. */
export interface PendingConstraint {
  readonly kind: "foreignKey" | "check";
  readonly operationIndex: number;
  readonly table: TableRef;
}

/** The state of the walk over one migration's operations. */
export class LintContext {
  private readonly created = new Set<string>();
  private readonly createdTables = new Map<string, TableModel>();
  /** Per table key: columns with a validated `CHECK (col IS NOT NULL)`. */
  private readonly notNullChecked = new Map<string, Set<string>>();
  /** Per table key: `NOT VALID` not-null checks by constraint name → column. */
  private readonly notNullPending = new Map<string, Map<string, string>>();
  /** Constraint name (table-qualified) → the NOT VALID add waiting for its VALIDATE. */
  readonly pending = new Map<string, PendingConstraint>();

  constructor(readonly schema: SchemaModel | undefined) {
    for (const table of schema?.tables ?? []) {
      for (const check of table.checks) {
        const column = notNullCheckColumn(check.sql);
        if (column !== undefined) this.checked(tableKey(table)).add(column);
      }
    }
  }

  /** Whether the table existed before this migration (so it may hold rows). */
  isExisting(table: TableRef): boolean {
    return !this.created.has(tableKey(table));
  }

  /** The table's model: created in this migration, else from the schema before it, else undefined. */
  table(ref: TableRef): TableModel | undefined {
    const key = tableKey(ref);
    return this.createdTables.get(key) ?? this.schema?.tables.find((t) => tableKey(t) === key);
  }

  /** Whether a validated `CHECK (column IS NOT NULL)` exists on the table at this point. */
  hasValidatedNotNullCheck(table: TableRef, column: string): boolean {
    return this.notNullChecked.get(tableKey(table))?.has(column) ?? false;
  }

  /** Records what an operation changes (call after the rules have seen it). */
  apply(op: Operation, index: number): void {
    switch (op.op) {
      case "createTable":
        this.created.add(tableKey(op.table));
        this.createdTables.set(tableKey(op.table), op.table);
        break;
      case "renameTable": {
        const from = tableKey({ schema: op.schema, name: op.from });
        const to = tableKey({ schema: op.schema, name: op.to });
        if (this.created.delete(from)) this.created.add(to);
        const model = this.createdTables.get(from);
        if (model) this.createdTables.set(to, { ...model, name: op.to });
        break;
      }
      case "addForeignKey":
        if (op.notValid) this.pending.set(constraintKey(op.table, op.foreignKey.name), { kind: "foreignKey", operationIndex: index, table: op.table });
        break;
      case "addCheck": {
        const column = notNullCheckColumn(op.check.sql);
        if (op.notValid && op.check.name !== undefined) {
          this.pending.set(constraintKey(op.table, op.check.name), { kind: "check", operationIndex: index, table: op.table });
          if (column !== undefined) this.pendingChecks(op.table).set(op.check.name, column);
        } else if (column !== undefined) {
          this.checked(tableKey(op.table)).add(column);
        }
        break;
      }
      case "validateConstraint": {
        this.pending.delete(constraintKey(op.table, op.name));
        const column = this.notNullPending.get(tableKey(op.table))?.get(op.name);
        if (column !== undefined) this.checked(tableKey(op.table)).add(column);
        break;
      }
      case "dropCheck": {
        const column = notNullCheckColumn(op.check.sql);
        if (column !== undefined) this.notNullChecked.get(tableKey(op.table))?.delete(column);
        break;
      }
      default:
        break;
    }
  }

  private checked(key: string): Set<string> {
    let set = this.notNullChecked.get(key);
    if (!set) this.notNullChecked.set(key, (set = new Set()));
    return set;
  }

  private pendingChecks(table: TableRef): Map<string, string> {
    const key = tableKey(table);
    let map = this.notNullPending.get(key);
    if (!map) this.notNullPending.set(key, (map = new Map()));
    return map;
  }
}

/** `schema.table.constraint`: constraint names are per table on PostgreSQL. */
export function constraintKey(table: TableRef, name: string): string {
  return `${tableKey(table)}.${name}`;
}

/**
 * The column of a `col IS NOT NULL` check (outer parentheses and quotes allowed, as PostgreSQL
 * reflects it: `(("col" IS NOT NULL))`), or undefined for any other condition.
 */
export function notNullCheckColumn(sql: string): string | undefined {
  let text = sql.trim();
  while (text.startsWith("(") && text.endsWith(")") && balanced(text.slice(1, -1))) text = text.slice(1, -1).trim();
  const match = /^(?:"((?:[^"]|"")+)"|`((?:[^`]|``)+)`|([A-Za-z_][A-Za-z0-9_$]*))\s+IS\s+NOT\s+NULL$/i.exec(text);
  if (!match) return undefined;
  if (match[1] !== undefined) return match[1].replace(/""/g, '"');
  if (match[2] !== undefined) return match[2].replace(/``/g, "`");
  // Unquoted: PostgreSQL folds it to lower case.
  return match[3]!.toLowerCase();
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

/** `schema.name` or `name`, for messages. */
export function describeTable(table: TableRef): string {
  return tableKey(table);
}
