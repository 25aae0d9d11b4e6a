/**
 * Column type comparison for the differ: whether two `TypeModel`s are the same on a dialect, and
 * whether changing one into the other may lose data (a narrowing) or only widens.
 *
 * Both sides are normalised per dialect before they get here (the model side by `schemaModelOf`,
 * the database side by reflection), so equality is structural.
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import type { TypeModel } from "../../core/schema/schema-model.js";
import { sameType } from "../schema/canonical.js";

export { sameType };

/** Digits before the decimal point each integer kind may need. */
const INTEGER_DIGITS = { integer: 10, bigint: 19 } as const;

/** Characters the text form of a value of each kind may need (for `→ string(n)`). */
const TEXT_WIDTH: Partial<Record<TypeModel["kind"], number>> = { integer: 11, bigint: 20, uuid: 36, date: 10, boolean: 5 };

/**
 * Why changing a column from type `from` to type `to` may lose data, in words; undefined when
 * every value of `from` fits `to` unchanged (a widening: longer string, bigger number, string → text).
 * Anything not known to be a widening counts as a possible loss.
 */
export function typeChangeLoss(from: TypeModel, to: TypeModel, dialect: DialectName): string | undefined {
  if (sameType(from, to, dialect)) return undefined;
  return widens(from, to) ? undefined : `${typeText(from)} → ${typeText(to)} ${lossWords(from, to)}`;
}

function widens(from: TypeModel, to: TypeModel): boolean {
  if (from.kind === "raw" || to.kind === "raw") return false;
  if (to.kind === "text") return from.kind !== "binary";
  if (to.kind === "string" && from.kind !== "string") {
    const width = from.kind === "enum" ? Math.max(0, ...(from.values ?? []).map((v) => v.length)) : TEXT_WIDTH[from.kind];
    return width !== undefined && (to.length === undefined || to.length >= width);
  }
  switch (from.kind) {
    case "string":
    case "binary":
      return to.kind === from.kind && (to.length === undefined || (from.length !== undefined && to.length >= from.length));
    case "integer":
    case "bigint":
      if (to.kind === "bigint") return true;
      if (to.kind === "float") return from.kind === "integer";
      return to.kind === "numeric" && fitsDigits(to, INTEGER_DIGITS[from.kind], 0);
    case "numeric":
      if (to.kind !== "numeric") return false;
      if (from.precision === undefined) return to.precision === undefined;
      return fitsDigits(to, from.precision - (from.scale ?? 0), from.scale ?? 0);
    case "enum":
      return to.kind === "enum" && (from.values ?? []).every((v) => to.values?.includes(v));
    case "datetime":
      // Adding a zone, or digits of a second's fraction (`datetime()` keeps 3).
      return to.kind === "datetime" && (from.timezone === to.timezone || (!from.timezone && to.timezone === true)) && (to.precision ?? 3) >= (from.precision ?? 3);
    case "date":
      return to.kind === "datetime";
    case "boolean":
      return to.kind === "integer" || to.kind === "bigint";
    default:
      return false;
  }
}

/** Whether `numeric(p, s)` holds `digits` digits before the point and `scale` after it. */
function fitsDigits(to: TypeModel & { readonly precision?: number; readonly scale?: number }, digits: number, scale: number): boolean {
  if (to.precision === undefined) return true;
  return to.precision - (to.scale ?? 0) >= digits && (to.scale ?? 0) >= scale;
}

function lossWords(from: TypeModel, to: TypeModel): string {
  if ((to.kind === "string" || to.kind === "binary") && to.length !== undefined) return `refuses values longer than ${to.length}: the step fails while any exist (shorten them first)`;
  if (from.kind === "enum" && to.kind === "enum") return `drops allowed values (${(from.values ?? []).filter((v) => !to.values?.includes(v)).join(", ")})`;
  if (to.kind === "numeric" || to.kind === "integer" || to.kind === "bigint") return "may round or overflow values";
  return "may lose or reject values";
}

/** A type as a reader writes it: `string(100)`, `numeric(10, 2)`, `datetime(tz)`, or the raw SQL. */
export function typeText(type: TypeModel): string {
  if (type.kind === "raw") return type.sql;
  switch (type.kind) {
    case "string":
    case "binary":
      return type.length === undefined ? type.kind : `${type.kind}(${type.length})`;
    case "numeric":
      return type.precision === undefined ? "numeric" : `numeric(${type.precision}${type.scale === undefined ? "" : `, ${type.scale}`})`;
    case "datetime": {
      const args = [...(type.timezone ? ["tz"] : []), ...(type.precision === undefined ? [] : [`precision ${type.precision}`])];
      return args.length ? `datetime(${args.join(", ")})` : "datetime";
    }
    case "enum":
      return `enum(${(type.values ?? []).join(", ")})`;
    default:
      return type.kind;
  }
}
