/**
 * Type-level promises of ORM bulk INSERT: `session.execute(insert(Model), rows)` takes rows typed
 * by the model's column attributes (Given keys required; relationships and unknown names refused)
 * and returns a count, or tuples of what `.returning(...)` names.
 */
import { insert, type Session } from "../../src/index.js";
import { LsBook } from "../session/fixtures/loader-shop.js";

declare const session: Session;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const check = <T extends true>() => undefined as unknown as T;

export async function bulkInsertTypes(): Promise<void> {
  const count = await session.execute(insert(LsBook), [{ id: 1, title: "A", listPrice: 3 }]);
  check<Same<typeof count, number>>();
  const rows = await session.execute(insert(LsBook).returning(LsBook), [{ title: "B", listPrice: 4 }]);
  check<Same<typeof rows, [LsBook][]>>();
  const ordered = await session.execute(insert(LsBook).returning([LsBook], { sortByParameterOrder: true }), [{ title: "B", listPrice: 4 }]);
  check<Same<typeof ordered, [LsBook][]>>();

  // @ts-expect-error a value of the wrong type
  await session.execute(insert(LsBook), [{ title: 5, listPrice: 3 }]);
  // @ts-expect-error an attribute the model does not have
  await session.execute(insert(LsBook), [{ title: "C", listPrice: 3, nope: 1 }]);
  // @ts-expect-error a relationship is not a column to insert
  await session.execute(insert(LsBook), [{ title: "D", listPrice: 3, author: null }]);
}
