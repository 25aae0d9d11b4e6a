/**
 * Compile-time tests of the upsert clauses (checked by `tsc`, never executed): `set` and `where`
 * take only the table's columns with values of their types, `excluded` is typed per column, and
 * the target is columns of the same table.
 */
import { insert, integer, MetaData, string, table } from "../../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<_T extends true>(): void {}
type TypeOf<E> = E extends { readonly __type?: infer T } ? T : never;

const metadata = new MetaData();
const stock = table("stock", metadata, {
  sku: string(20).primaryKey(),
  name: string(40).notNull(),
  note: string(40),
  qty: integer().notNull(),
});
const other = table("other", metadata, { id: integer().primaryKey() });
const s = stock.c;
const row = { sku: "a", name: "apple", qty: 1 };

insert(stock).values(row).onConflictDoUpdate({ target: [s.sku], set: (excluded) => ({ name: excluded.name, qty: s.qty.plus(excluded.qty) }) });
insert(stock).values(row).onConflictDoUpdate({ target: s.sku, set: { qty: 0 }, where: (excluded) => excluded.qty.gt(s.qty) });
insert(stock).values(row).onConflictDoUpdate({ target: [s.sku], set: (excluded) => ({ note: excluded.name }) });
insert(stock).values(row).onConflictDoNothing();
insert(stock).values(row).onConflictDoNothing({ target: [s.sku, s.name] });
insert(stock).values(row).onDuplicateKeyUpdate({ set: (excluded) => ({ qty: excluded.qty }) });

insert(stock).values(row).onConflictDoUpdate({
  target: s.sku,
  set: (excluded) => {
    expectType<Equal<TypeOf<typeof excluded.qty>, number>>();
    expectType<Equal<TypeOf<typeof excluded.note>, string | null>>();
    return { qty: excluded.qty };
  },
});

// @ts-expect-error a column the table does not have in `set`
insert(stock).values(row).onConflictDoUpdate({ target: [s.sku], set: { nmae: "x" } });
// @ts-expect-error a column the table does not have, from the callback
insert(stock).values(row).onConflictDoUpdate({ target: [s.sku], set: (excluded) => ({ nmae: excluded.name }) });
// @ts-expect-error a value of the wrong type
insert(stock).values(row).onConflictDoUpdate({ target: [s.sku], set: { qty: "many" } });
// @ts-expect-error a nullable proposed value for a NOT NULL column
insert(stock).values(row).onConflictDoUpdate({ target: [s.sku], set: (excluded) => ({ name: excluded.note }) });
// @ts-expect-error an excluded column that does not exist
insert(stock).values(row).onConflictDoUpdate({ target: [s.sku], set: (excluded) => ({ name: excluded.nmae }) });
// @ts-expect-error DO UPDATE needs a target
insert(stock).values(row).onConflictDoUpdate({ set: { qty: 0 } });
// @ts-expect-error a target column of another table
insert(stock).values(row).onConflictDoNothing({ target: [other.c.id] });
// @ts-expect-error a WHERE that is not a condition
insert(stock).values(row).onConflictDoUpdate({ target: s.sku, set: { qty: 0 }, where: s.qty });
// @ts-expect-error a column the table does not have in onDuplicateKeyUpdate
insert(stock).values(row).onDuplicateKeyUpdate({ set: { nmae: "x" } });

