/**
 * Two schemas compared for a report: the operations that would turn one into the other, each
 * described in one line ("add column books.isbn"), and the strict verdict. Operations come from the
 * differ, so a report reads like the migration that would fix it.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import { describeOperation } from "../operations/describe.js";
import { diffSchemas } from "../diff/diff-schemas.js";
import type { Operation } from "../operations/operation.js";
import { comparableSchema, sameSchema } from "../schema/canonical.js";

/** How `to` differs from `from`. */
export interface SchemaDifference {
  /** Whether the two are the same schema (each in its canonical form for the dialect). */
  readonly same: boolean;
  /** The operations that turn `from` into `to` (empty when `same`, or for differences no operation expresses). */
  readonly operations: readonly Operation[];
  /** One line per operation, or one line saying what differs where no operation expresses it. */
  readonly lines: readonly string[];
}

/** Compares `from` with `to` on `dialect`. */
export function differenceOf(from: SchemaModel, to: SchemaModel, dialect: Pick<Dialect, "name">): SchemaDifference {
  const same = sameSchema(from, to, dialect.name);
  if (same) return { same, operations: [], lines: [] };
  const operations = diffSchemas(from, to, { dialect: dialect.name, allowDataLoss: true });
  const lines = operations.length > 0 ? operations.map(describeOperation) : [`the schemas differ in details no operation expresses: ${firstDifference(comparableSchema(from, dialect.name), comparableSchema(to, dialect.name))}`];
  return { same, operations, lines };
}

/** The first table whose canonical JSON differs, for the rare difference the differ does not model. */
function firstDifference(from: SchemaModel, to: SchemaModel): string {
  const byKey = (m: SchemaModel) => new Map(m.tables.map((t) => [`${t.schema ?? ""}.${t.name}`, JSON.stringify(t)]));
  const a = byKey(from);
  const b = byKey(to);
  for (const [key, json] of a) if (b.get(key) !== json) return `table ${key.replace(/^\./, "")}: ${json} vs ${b.get(key) ?? "missing"}`;
  for (const key of b.keys()) if (!a.has(key)) return `table ${key.replace(/^\./, "")} only in the second`;
  return "enum types";
}
