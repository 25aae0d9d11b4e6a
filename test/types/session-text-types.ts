/**
 * Type-level promises of `session.execute(sql\`...\`)`: SQL text returns the Core `Result`, its
 * rows typed by `sql<Row>` (else rows of unknown values); it takes no bulk options, and a plain
 * string is not a statement.
 */
import { select, sql, type Result, type Session } from "../../src/index.js";
import { TxAccount } from "../session/fixtures/text-ledger.js";

declare const session: Session;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const check = <T extends true>() => undefined as unknown as T;

export async function sessionTextTypes(): Promise<void> {
  const updated = await session.execute(sql`UPDATE tx_accounts SET balance = 0`);
  check<Same<typeof updated, Result<Record<string, unknown>>>>();
  check<Same<typeof updated.rowCount, number>>();

  const owners = await session.execute(sql<{ owner: string }>`SELECT owner FROM tx_accounts`);
  check<Same<typeof owners, Result<{ owner: string }>>>();
  check<Same<ReturnType<typeof owners.first>, { owner: string } | undefined>>();
  // @ts-expect-error the row has no column 'balance': sql<Row> named the columns
  void owners.rows[0]!.balance;

  // The other overloads are unchanged: a select still returns tuples.
  const tuples = await session.execute(select(TxAccount));
  check<Same<typeof tuples, [TxAccount][]>>();

  // @ts-expect-error SQL text takes no bulk options (synchronizeSession is for update(Model)/deleteFrom(Model))
  await session.execute(sql`DELETE FROM tx_accounts`, { synchronizeSession: false });
  // @ts-expect-error a plain string is not a statement: write sql`...`
  await session.execute("UPDATE tx_accounts SET balance = 0");
}
