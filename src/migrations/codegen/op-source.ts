/**
 * One operation as a migration file writes it: the `op.*` builder call whose result is exactly
 * this operation (defaults left out), with types as `types.*` calls. Each call is checked by
 * running the builder; an operation no call reproduces is printed as its plain data instead.
 */
import type { ForeignKeyModel, GeneratedModel, TypeModel } from "../../core/schema/schema-model.js";
import { types } from "../../core/types/sql-type.js";
import { sameData } from "../diff/canonical.js";
import { op as builders } from "../operations/op.js";
import type { Operation, TableRef } from "../operations/operation.js";
import { Code, printCall, printValue, type PrintOptions } from "./print.js";

/** What a printed operation needs imported: `op`, `types`. */
export interface Uses {
  op: boolean;
  types: boolean;
}

/** `op` as source text at column `indent`, noting in `uses` what it needs imported. */
export function operationSource(op: Operation, indent: number, uses: Uses): string {
  const options: PrintOptions = {
    hook: (value, key) => {
      if (key !== "type" || value === null || typeof value !== "object" || typeof (value as TypeModel).kind !== "string") return undefined;
      const source = typeSource(value as TypeModel);
      if (source.startsWith("types.")) uses.types = true;
      return new Code(source);
    },
  };
  const args = callArgs(op);
  const build = builders[op.op] as (...a: unknown[]) => Operation;
  if (sameData(build(...args), op)) {
    uses.op = true;
    return printCall(`op.${op.op}`, args, indent, options);
  }
  return printValue(op, indent, options);
}

/** The `types.*` call that builds `type` exactly, else its plain data. */
export function typeSource(type: TypeModel): string {
  const call = typeCall(type);
  if (call && sameData(call[1], type)) return call[0];
  return printValue(type);
}

function typeCall(type: TypeModel): [string, unknown] | undefined {
  const list = (...values: (number | undefined)[]) => values.slice(0, values.findLastIndex((v) => v !== undefined) + 1);
  switch (type.kind) {
    case "raw":
      return undefined;
    case "string":
    case "binary": {
      const args = list(type.length);
      return [`types.${type.kind}(${args.join(", ")})`, types[type.kind](...(args as [number?]))];
    }
    case "numeric": {
      const args = list(type.precision, type.scale);
      return [`types.numeric(${args.join(", ")})`, types.numeric(...(args as [number?, number?]))];
    }
    case "datetime": {
      // The precision of a column made before datetime() kept milliseconds (TIMESTAMP(6)) is restated, not narrowed.
      const options = { ...(type.timezone ? { timezone: true } : {}), ...(type.precision === undefined ? {} : { precision: type.precision }) };
      const text = Object.keys(options).length ? `{ ${Object.entries(options).map(([k, v]) => `${k}: ${String(v)}`).join(", ")} }` : "";
      return [`types.datetime(${text})`, types.datetime(options)];
    }
    case "enum": {
      const values = type.values ?? [];
      const named = type.enumName === undefined ? "" : `, { name: ${JSON.stringify(type.enumName)} }`;
      return [`types.enum(${printValue(values)}${named})`, types.enum(values, type.enumName === undefined ? {} : { name: type.enumName })];
    }
    default:
      return [`types.${type.kind}()`, types[type.kind]()];
  }
}

const table = (ref: TableRef): unknown => (ref.schema ? { schema: ref.schema, name: ref.name } : ref.name);

/** A column as `ColumnInput`: defaults (nullable, not generated) left out. */
function column(c: { name: string; type: TypeModel; nullable: boolean; serverDefault?: string; generated?: GeneratedModel; autoincrement: boolean }): unknown {
  return {
    name: c.name,
    type: c.type,
    ...(c.nullable ? {} : { nullable: false }),
    ...(c.serverDefault === undefined ? {} : { serverDefault: c.serverDefault }),
    ...(c.generated === undefined ? {} : { generated: c.generated }),
    ...(c.autoincrement ? { autoincrement: true } : {}),
  };
}

/** A foreign key with its fields in reading order (name, columns, target, actions). */
function foreignKey(fk: ForeignKeyModel): unknown {
  const { name, columns, referredSchema, referredTable, referredColumns, ...actions } = fk;
  return { name, columns, referredSchema, referredTable, referredColumns, ...actions };
}

function index(i: { readonly unique: boolean }): unknown {
  const { unique, ...rest } = i;
  return unique ? { ...rest, unique } : rest;
}

/** The options argument, or nothing when it would be empty. */
function options(o: Record<string, unknown>): unknown[] {
  const given = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return Object.keys(given).length ? [given] : [];
}

function callArgs(op: Operation): unknown[] {
  const lint = op.lint;
  const afterCommit = op.afterCommit || undefined;
  switch (op.op) {
    case "createTable":
    case "dropTable": {
      const t = op.table;
      const pk = t.primaryKey && (t.primaryKey.name === undefined ? t.primaryKey.columns : t.primaryKey);
      const list = (items: readonly unknown[]) => (items.length ? items : undefined);
      const def = { columns: t.columns.map(column), primaryKey: pk, foreignKeys: list(t.foreignKeys.map(foreignKey)), uniques: list(t.uniques), checks: list(t.checks), indexes: list(t.indexes.map(index)) };
      return [table(t), def, ...options({ lint, afterCommit, allowDataLoss: (op.op === "dropTable" && op.allowDataLoss) || undefined })];
    }
    case "renameTable":
      return [op.from, op.to, ...options({ schema: op.schema, lint, afterCommit })];
    case "addColumn":
      return [table(op.table), column(op.column), ...options({ lint, afterCommit })];
    case "dropColumn":
      return [table(op.table), column(op.column), ...options({ lint, afterCommit, allowDataLoss: op.allowDataLoss || undefined })];
    case "renameColumn":
    case "renameIndex":
      return [table(op.table), op.from, op.to, ...options({ lint, afterCommit })];
    case "renameConstraint":
      return [table(op.table), op.kind, op.from, op.to, ...options({ lint, afterCommit })];
    case "alterColumn": {
      const { serverDefault, ...from } = op.from;
      return [table(op.table), op.column, { from: serverDefault === null ? from : op.from, to: op.to }, ...options({ lint, afterCommit })];
    }
    case "createIndex":
    case "dropIndex":
      return [table(op.table), index(op.index), ...options({ concurrently: op.concurrently || undefined, lint, afterCommit })];
    case "addForeignKey":
      return [table(op.table), foreignKey(op.foreignKey), ...options({ notValid: op.notValid || undefined, lint, afterCommit })];
    case "dropForeignKey":
      return [table(op.table), foreignKey(op.foreignKey), ...options({ lint, afterCommit })];
    case "addUnique":
    case "dropUnique":
      return [table(op.table), op.unique, ...options({ lint, afterCommit })];
    case "addCheck":
      return [table(op.table), op.check, ...options({ notValid: op.notValid || undefined, lint, afterCommit })];
    case "dropCheck":
      return [table(op.table), op.check, ...options({ lint, afterCommit })];
    case "addPrimaryKey":
    case "dropPrimaryKey":
      return [table(op.table), op.primaryKey.name === undefined ? op.primaryKey.columns : op.primaryKey, ...options({ lint, afterCommit })];
    case "validateConstraint":
      return [table(op.table), op.name, ...options({ lint, afterCommit })];
    case "execute":
      return [op.sql, ...options({ transactional: op.transactional, lint, afterCommit, allowDataLoss: op.allowDataLoss || undefined })];
  }
}
