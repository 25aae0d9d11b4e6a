/**
 * `DataLossError`: what `diffSchemas` throws, unless `allowDataLoss`, when the migration would
 * destroy data (drop a table or a column, narrow a type). The message names every place and the
 * two ways forward: declare the rename the differ cannot guess, or accept the loss explicitly.
 */
import { AthanorError } from "../../core/errors.js";
import type { ColumnModel, TypeModel } from "../../core/schema/schema-model.js";

/** One destructive step of a diff. */
export interface DataLoss {
  readonly kind: "dropTable" | "dropColumn" | "narrowType";
  /** The table, `schema.name` or `name` (the old name for a dropped table). */
  readonly table: string;
  /** The column, for `dropColumn` and `narrowType`. */
  readonly column?: string;
  /** What would be lost, in words (`string(100) → string(20) refuses values longer than 20: …`). */
  readonly detail: string;
  /**
   * The created table / added column (same table) the dropped one looks renamed to: the
   * differ never guesses, but says so.
   */
  readonly looksRenamedTo?: string;
  /** The declaration that turns the drop into a rename, when there is one to suggest. */
  readonly declare?: string;
}

/** The migration would lose data; `losses` lists each step. Pass `allowDataLoss` to accept them. */
export class DataLossError extends AthanorError {
  override name = "DataLossError";

  constructor(readonly losses: readonly DataLoss[]) {
    super(dataLossMessage(losses));
  }
}

function dataLossMessage(losses: readonly DataLoss[]): string {
  const lines = [`The migration would lose data (${losses.length} ${losses.length === 1 ? "step" : "steps"}); nothing was generated:`, ...lossLines(losses)];
  lines.push(
    "Two ways forward: declare each rename in the model (a column's `.renamedFrom(\"old\")`, a table's `previousNames: [\"old\"]`) so that the data is kept,",
    "or accept the loss: `athanor migrate new --allow-data-loss` (`allowDataLoss: true`).",
  );
  return lines.join("\n");
}

/** One line per destructive step, with the rename it looks like and how to declare it. */
export function lossLines(losses: readonly DataLoss[]): string[] {
  const lines: string[] = [];
  for (const loss of losses) {
    const where = loss.column === undefined ? `table ${loss.table}` : `column ${loss.table}.${loss.column}`;
    lines.push(`  - ${loss.kind === "dropTable" ? "drop" : loss.kind === "dropColumn" ? "drop" : "narrow"} ${where}: ${loss.detail}`);
    if (loss.looksRenamedTo !== undefined) lines.push(`    This looks like a rename to ${loss.looksRenamedTo}.`);
    if (loss.declare !== undefined) lines.push(`    If it was renamed, declare it: ${loss.declare}`);
  }
  return lines;
}

/** How a column of this type is declared with the core builders: `string(100).notNull()`. */
export function builderSource(column: ColumnModel): string {
  return `${typeBuilder(column.type)}${column.nullable ? "" : ".notNull()"}`;
}

function typeBuilder(type: TypeModel): string {
  if (type.kind === "raw") return `columnOfType(/* ${type.sql} */)`;
  const args = (...values: (number | undefined)[]) => {
    const given = values.slice(0, values.findLastIndex((v) => v !== undefined) + 1);
    return `(${given.map((v) => String(v)).join(", ")})`;
  };
  switch (type.kind) {
    case "string":
    case "binary":
      return `${type.kind}${args(type.length)}`;
    case "numeric":
      return `numeric${args(type.precision, type.scale)}`;
    case "datetime": {
      const options = [...(type.timezone ? ["timezone: true"] : []), ...(type.precision === undefined ? [] : [`precision: ${type.precision}`])];
      return options.length ? `datetime({ ${options.join(", ")} })` : "datetime()";
    }
    case "enum":
      return `enumType(${JSON.stringify(type.values ?? [])})`;
    default:
      return `${type.kind}()`;
  }
}

/** The line that declares a column rename: on `table`'s column `column` (new name), `.renamedFrom(old)`. */
export function columnRenameHint(table: string, column: ColumnModel, old: string): string {
  return `in table ${table}, \`${column.name}: ${builderSource(column)}.renamedFrom(${JSON.stringify(old)})\` (ORM: \`@column(${builderSource(column)}.renamedFrom(${JSON.stringify(old)}))\`)`;
}

/** The line that declares a table rename: `previousNames` in the table's options. */
export function tableRenameHint(table: string, old: string): string {
  const q = JSON.stringify;
  return `\`table(${q(table)}, metadata, { ... }, undefined, { previousNames: [${q(old)}] })\` (ORM: \`@model(${q(table)}, { previousNames: [${q(old)}] })\`)`;
}
