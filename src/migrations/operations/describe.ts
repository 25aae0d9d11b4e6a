/** One line per operation, for progress output and reports (`add column books.isbn`). */
import { tableKey } from "../../core/schema/schema-model.js";
import type { Operation, TableRef } from "./operation.js";

/** A short description of an operation for progress output (`add column books.isbn`). */
export function describeOperation(op: Operation): string {
  const t = (ref: TableRef) => tableKey(ref);
  switch (op.op) {
    case "createTable":
      return `create table ${t(op.table)}`;
    case "dropTable":
      return `drop table ${t(op.table)}`;
    case "renameTable":
      return `rename table ${op.schema ? `${op.schema}.` : ""}${op.from} to ${op.to}`;
    case "addColumn":
      return `add column ${t(op.table)}.${op.column.name}`;
    case "dropColumn":
      return `drop column ${t(op.table)}.${op.column.name}`;
    case "renameColumn":
      return `rename column ${t(op.table)}.${op.from} to ${op.to}`;
    case "alterColumn":
      return `alter column ${t(op.table)}.${op.column}`;
    case "createIndex":
      return `create index ${op.index.name} on ${t(op.table)}`;
    case "dropIndex":
      return `drop index ${op.index.name} on ${t(op.table)}`;
    case "renameIndex":
      return `rename index ${op.from} to ${op.to} on ${t(op.table)}`;
    case "renameConstraint":
      return `rename ${op.kind === "foreignKey" ? "foreign key" : op.kind} ${op.from} to ${op.to} on ${t(op.table)}`;
    case "addForeignKey":
      return `add foreign key ${op.foreignKey.name} on ${t(op.table)}`;
    case "dropForeignKey":
      return `drop foreign key ${op.foreignKey.name} on ${t(op.table)}`;
    case "addUnique":
      return `add unique ${op.unique.name ?? `(${op.unique.columns.join(", ")})`} on ${t(op.table)}`;
    case "dropUnique":
      return `drop unique ${op.unique.name ?? `(${op.unique.columns.join(", ")})`} on ${t(op.table)}`;
    case "addCheck":
      return `add check ${op.check.name ?? op.check.sql} on ${t(op.table)}`;
    case "dropCheck":
      return `drop check ${op.check.name ?? op.check.sql} on ${t(op.table)}`;
    case "addPrimaryKey":
      return `add primary key on ${t(op.table)}`;
    case "dropPrimaryKey":
      return `drop primary key on ${t(op.table)}`;
    case "validateConstraint":
      return `validate constraint ${op.name} on ${t(op.table)}`;
    case "execute":
      return "execute SQL";
  }
}
