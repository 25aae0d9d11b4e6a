/**
 * `paginate(runner, query, { limit, after })`: keyset pagination for Core and ORM selects alike.
 * On an engine or connection the page's rows are the query's row objects; on a session they are
 * its tuples, as `session.execute` returns them (`[book]` for `select(Book)`). The key values
 * travel as extra labelled columns, which are taken off the rows before they are returned.
 */
import { cursorAfter, planPage, type Page, type PaginateOptions } from "../core/statements/keyset.js";
import type { Select } from "../core/statements/select.js";
import type { Connection } from "../engine/connection.js";
import type { Engine } from "../engine/engine.js";
import type { Session } from "./session/session.js";

/**
 * One page of `query`, in its ORDER BY order, starting after the row the cursor `after` names.
 * The ORDER BY must identify a row (end with the primary key) and its columns must be NOT NULL;
 * directions may be mixed. `nextCursor` is an opaque base64url string, `null` on the last page; a
 * cursor that was altered or made for another ORDER BY raises `InvalidCursorError`.
 *
 * ```ts
 * const q = select(books.c.id, books.c.title).orderBy(books.c.createdAt.desc(), books.c.id);
 * const first = await paginate(engine, q, { limit: 20 });
 * const second = await paginate(engine, q, { limit: 20, after: first.nextCursor });
 * ```
 */
export function paginate<Row>(runner: Engine | Connection, query: Select<Row, any, any>, options: PaginateOptions): Promise<Page<Row>>;
/** On a session: rows are tuples (`[book]` for `select(Book)`), as `session.execute` gives them. */
export function paginate<Tuple extends readonly unknown[]>(runner: Session, query: Select<any, any, Tuple>, options: PaginateOptions): Promise<Page<Tuple>>;
export async function paginate(runner: Engine | Connection | Session, query: Select<any, any, any>, options: PaginateOptions): Promise<Page<unknown>> {
  const plan = planPage(query, options);
  const result: unknown = await (runner as { execute(s: unknown): Promise<unknown> }).execute(plan.statement);
  const keys = plan.keyLabels.length;
  if (Array.isArray(result)) {
    // Session: tuples whose last `keys` items are the key values.
    const tuples = result as unknown[][];
    const rows = tuples.slice(0, plan.limit).map((t) => t.slice(0, t.length - keys));
    const last = tuples.length > plan.limit ? tuples[plan.limit - 1]! : undefined;
    return { rows, nextCursor: last ? cursorAfter(plan, last.slice(last.length - keys)) : null };
  }
  const all = (result as { rows: Record<string, unknown>[] }).rows;
  const rows = all.slice(0, plan.limit).map((row) => {
    const copy = { ...row };
    for (const label of plan.keyLabels) delete copy[label];
    return copy;
  });
  const last = all.length > plan.limit ? all[plan.limit - 1]! : undefined;
  return { rows, nextCursor: last ? cursorAfter(plan, plan.keyLabels.map((label) => last[label])) : null };
}
