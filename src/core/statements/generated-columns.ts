/** Generated columns (`.generatedAs()`) in statements: the database computes them, so no statement writes one. */
import { GeneratedColumnError } from "../errors.js";
import type { Column } from "../schema/column.js";

/**
 * Throws `GeneratedColumnError` if `column` is generated: `statement` (`insert(lines)`) gave it a
 * value under `label` (its key, or the attribute of a statement on a model).
 */
export function refuseGeneratedValue(column: Column, statement: string, label: string): void {
  if (column.generated === undefined) return;
  throw new GeneratedColumnError(
    statement,
    label,
    `${statement}: '${label}' is a generated column (${column.toString()}, .generatedAs()): the database computes its value and refuses one given. ` +
      `Leave it out; read it back with .returning(), or from the row once written. Nothing was sent.`,
  );
}
