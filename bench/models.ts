/**
 * The models of the ORM-vs-raw benchmark: the seed's Parent / Child / Association (W1, W2;
 * examples/seed) and two plain item models of 2 and 5 columns (W3, W4).
 */
import { column, DeclarativeBase, float, integer, model, text } from "athanor";

export { Association, Base as SeedBase, Child, Parent } from "../examples/seed/index.js";

export class BenchBase extends DeclarativeBase {}

/** A 2-column row. */
@model("bench_item2")
export class Item2 extends BenchBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(text().notNull()) accessor name!: string;
}

/** A 5-column row: int, text, int, float, nullable text. */
@model("bench_item5")
export class Item5 extends BenchBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(text().notNull()) accessor name!: string;
  @column(integer().notNull()) accessor qty!: number;
  @column(float().notNull()) accessor price!: number;
  @column(text()) accessor note!: string | null;
}
