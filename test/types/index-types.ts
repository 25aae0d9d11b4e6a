/**
 * Compile-time tests of `index([...], { where })` (never executed): a part is a column, an
 * expression or an ordered one (`c.at.desc()`); a WHERE is a condition. Each `@ts-expect-error`
 * must be needed: tsc fails on one whose line compiles.
 */
import { MetaData, datetime, func, index, integer, sql, string, table } from "../../src/index.js";

const metadata = new MetaData();

table("ty_ix", metadata, {
  id: integer().primaryKey(),
  email: string(100).notNull(),
  at: datetime().notNull(),
  gone: datetime(),
}, (c) => [
  index([c.email, c.at.desc(), func.lower(c.email), sql`${c.id} + 1`.desc()], { name: "ix_ty_all" }),
  index([c.email], { unique: true, where: c.gone.isNull() }),
  index([c.email], { where: sql<boolean>`gone IS NULL` }),
  // @ts-expect-error a column's name is not a part: the column is (c.email)
  index(["email"]),
  // @ts-expect-error a WHERE is a condition, not a column
  index([c.email], { where: c.email }),
  // @ts-expect-error nor a plain boolean
  index([c.email], { where: true }),
  // @ts-expect-error unique is a boolean
  index([c.email], { unique: "yes" }),
]);
