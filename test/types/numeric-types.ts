/**
 * Compile-time tests of decimal (`numeric`) values and arithmetic, checked by `tsc` in `npm test`
 * (never executed): a numeric column holds `Decimal` strings; arithmetic and comparisons mix
 * decimals and numbers; sum and avg are typed by their input. Each `@ts-expect-error` must be needed.
 */
import { DeclarativeBase, MetaData, column, float, func, integer, model, numeric, select, string, table, type Decimal, type Expression } from "../../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type RowOf<S> = S extends { readonly __row?: infer R } ? R : never;

const metadata = new MetaData();
const lines = table("lines", metadata, {
  id: integer().primaryKey(),
  unitPrice: numeric(10, 2).notNull(),
  discount: numeric(10, 2),
  quantity: integer().notNull(),
  weight: float(),
  sku: string(20).notNull(),
});
const l = lines.c;

// ------------------------------------------------------------ values
const row = select(l.unitPrice, l.discount);
export type N1 = Expect<Equal<RowOf<typeof row>, { unitPrice: Decimal; discount: Decimal | null }>>;
const price: Decimal = "12.50";
// @ts-expect-error -- not a number
const notAPrice: Decimal = "twelve";
declare const text: string;
// @ts-expect-error -- a string must be checked before it is a Decimal
const unchecked: Decimal = text;
const asText: string = price; // a Decimal is a string
export { notAPrice, unchecked, asText };

// ------------------------------------------------------------ arithmetic
const total = l.unitPrice.times(l.quantity);
export type A1 = Expect<Equal<typeof total, Expression<Decimal>>>;
const reversed = l.quantity.times(l.unitPrice);
export type A2 = Expect<Equal<typeof reversed, typeof total>>;
const withLiteral = l.unitPrice.plus("0.50").minus(1).dividedBy(2);
export type A3 = Expect<Equal<typeof withLiteral, typeof total>>;
const nullable = l.unitPrice.minus(l.discount);
export type A4 = Expect<Equal<typeof nullable, Expression<Decimal | null>>>;
const numbers = l.quantity.plus(1).times(l.quantity);
export type A5 = Expect<Equal<typeof numbers, Expression<number>>>;
const maybeNumber = l.quantity.times(l.weight);
export type A6 = Expect<Equal<typeof maybeNumber, Expression<number | null>>>;
// @ts-expect-error -- text is not a number
l.sku.times(l.quantity);
// @ts-expect-error -- nor is it an operand of arithmetic
l.unitPrice.times(l.sku);
// @ts-expect-error -- a decimal literal against a number expression would be bound as that number's type
l.quantity.times("1.5");
// @ts-expect-error -- not a number
l.unitPrice.plus("abc");

// ------------------------------------------------------------ comparisons
l.unitPrice.gt("10.00");
l.unitPrice.gt(10);
l.unitPrice.le(l.quantity);
l.quantity.lt(l.unitPrice);
l.unitPrice.times(l.quantity).between(10, "99.99");
l.unitPrice.in(["1.00", 2]);
// @ts-expect-error -- a text column is not comparable with a decimal
l.unitPrice.eq(l.sku);
// @ts-expect-error -- nor a word
l.unitPrice.eq("ten");

// ------------------------------------------------------------ aggregates
const totals = select(
  func.sum(l.unitPrice.times(l.quantity)).label("revenue"),
  func.avg(l.unitPrice).label("meanPrice"),
  func.sum(l.quantity).label("items"),
  func.avg(l.quantity).label("meanQuantity"),
  func.min(l.unitPrice).label("cheapest"),
  func.abs(l.unitPrice.minus(l.discount)).label("gap"),
).from(lines);
export type G1 = Expect<
  Equal<
    RowOf<typeof totals>,
    { revenue: Decimal | null; meanPrice: Decimal | null; items: number | null; meanQuantity: number | null; cheapest: Decimal | null; gap: Decimal | null }
  >
>;
// @ts-expect-error -- text has no sum
func.sum(l.sku);
// @ts-expect-error -- nor an average
func.avg(l.sku);

// ------------------------------------------------------------ mapped attributes
class NtBase extends DeclarativeBase {}
@model("nt_lines")
export class NtLine extends NtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(numeric(10, 2).notNull()) accessor unitPrice!: Decimal;
  // @ts-expect-error -- a numeric column's attribute is a Decimal, not a number
  @column(numeric(10, 2).notNull()) accessor listPrice!: number;
}
export function ntUsage(line: NtLine): Decimal {
  line.unitPrice = "0.99";
  // @ts-expect-error -- numbers are not written to a Decimal attribute
  line.unitPrice = 0.99;
  return line.unitPrice;
}
