/**
 * Certification conflicts on Galera: two transactions on two nodes write the same row; the first
 * to commit wins and the other's COMMIT (or its next statement, once the winner's write set has
 * been applied on its node) fails with error 1213 ("WSREP detected deadlock/conflict"). athanor
 * treats it as a deadlock: retryable, the transaction voided. Checked for real, on three nodes.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DeclarativeBase,
  DBAPIError,
  TransactionRolledBackError,
  column,
  integer,
  model,
  deleteFrom,
  sessionMaker,
  sql,
  string,
  Session,
} from "../../src/index.js";
import { useGalera } from "./galera-support.js";

class Base extends DeclarativeBase {}

@model("galera_counters")
class Counter extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull()) accessor hits!: number;
  @column(string(50)) accessor note!: string | null;
}

@model("galera_versioned_counters", { version: "version" })
class VersionedCounter extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull()) accessor hits!: number;
  @column(integer().notNull().default(1)) accessor version!: number;
  @column(string(50)) accessor note!: string | null;
}

describe("Galera certification conflicts", { timeout: 60_000 }, () => {
  const ctx = useGalera(Base.metadata);

  async function seed(Model: typeof Counter | typeof VersionedCounter): Promise<void> {
    const session = new Session(ctx.nodes[0]!);
    await session.execute(deleteFrom(Model));
    session.add(Object.assign(new Model(), { id: 1, hits: 0 }));
    await session.commit();
    await session.close();
    // Every node has applied the row before the race reads it (Galera applies on the others after the commit).
    for (const node of [0, 1, 2]) assert.equal(await hitsOn(node, Model), 0);
  }

  async function hitsOn(node: number, Model: typeof Counter | typeof VersionedCounter): Promise<number> {
    // A causal read: waits until the node has applied every write the cluster committed before it.
    const session = new Session(ctx.causal[node]!);
    const counter = await session.get(Model, 1);
    await session.close();
    return counter!.hits;
  }

  /** Two sessions on two nodes read the row and write it (flushed), then both commit at once. */
  async function racePlainCommits(): Promise<{ winner: Session; loser: Session; error: unknown }> {
    const sessions = [new Session(ctx.nodes[0]!), new Session(ctx.nodes[1]!)];
    for (const session of sessions) (await session.get(Counter, 1))!.hits += 1;
    for (const [i, session] of sessions.entries()) (await session.get(Counter, 1))!.note = `node ${i + 1}`;
    // Both UPDATEs run, each on its node, before either commits: the write sets overlap.
    for (const session of sessions) await session.flush();
    const outcomes = await Promise.allSettled(sessions.map((session) => session.commit()));
    const lost = outcomes.findIndex((o) => o.status === "rejected");
    assert.ok(lost >= 0 && outcomes.filter((o) => o.status === "rejected").length === 1, `exactly one commit fails: ${JSON.stringify(outcomes)}`);
    return { winner: sessions[1 - lost]!, loser: sessions[lost]!, error: (outcomes[lost] as PromiseRejectedResult).reason };
  }

  test("the loser of a conflict between two nodes gets a retryable deadlock; commit() voids the transaction, rollback() makes the session usable, nothing written twice", async () => {
    await seed(Counter);
    const { winner, loser, error } = await racePlainCommits();
    const cause = error instanceof TransactionRolledBackError ? error.cause : error;
    assert.ok(cause instanceof DBAPIError, `a DBAPIError: ${String(error)}`);
    assert.equal(cause.code, "ER_LOCK_DEADLOCK", cause.message);
    assert.equal(cause.retryable, true);
    assert.match(cause.message, /deadlock/i);
    // The session refuses work until rollback(): its reads went with the transaction.
    await assert.rejects(() => loser.commit(), TransactionRolledBackError);
    await loser.rollback();
    const again = (await loser.get(Counter, 1))!;
    assert.equal(again.hits, 1, "the loser now reads the winner's write");
    again.hits += 1;
    await loser.commit();
    await Promise.all([winner.close(), loser.close()]);
    for (const node of [0, 1, 2]) assert.equal(await hitsOn(node, Counter), 2, `node ${node + 1}: the winner's increment and the loser's redone one, each once`);
  });

  /**
   * 30 increments, read-modify-write, by six workers (two per node) through
   * `sessionMaker().transaction`. A read on one node does not see a write another node committed
   * after the read began; the write that follows is what must fail, and be retried:
   * - with a version counter, the UPDATE matches no row (StaleDataError), or certification
   *   refuses it (1213) when both are in flight at once;
   * - without one, only `innodb_snapshot_isolation=ON` makes the UPDATE fail (1020, "Record has
   *   changed since last read"); with MariaDB 10.11's default (OFF) the update is lost, on one
   *   node as on a cluster (docs/clusters.md).
   */
  const cases = [
    { Model: VersionedCounter, label: "a version counter", snapshotIsolation: false },
    { Model: Counter, label: "no version counter, innodb_snapshot_isolation=ON", snapshotIsolation: true },
  ] as const;
  for (const { Model, label, snapshotIsolation } of cases) {
    test(`sessionMaker().transaction retries conflicts: 30 concurrent increments across three nodes sum to 30 (${label})`, async () => {
      await seed(Model);
      const attempts = { count: 0 };
      const workers = [0, 0, 1, 1, 2, 2];
      await Promise.all(
        workers.map(async (node) => {
          const Session = sessionMaker(ctx.nodes[node]!);
          for (let i = 0; i < 30 / workers.length; i++) {
            await Session.transaction(
              async (session) => {
                attempts.count++;
                if (snapshotIsolation) await session.execute(sql`SET SESSION innodb_snapshot_isolation = ON`);
                (await session.get(Model, 1))!.hits += 1;
              },
              { retries: 100, backoffMs: 2 },
            );
          }
        }),
      );
      for (const node of [0, 1, 2]) assert.equal(await hitsOn(node, Model), 30, `node ${node + 1}: every increment once, none lost`);
      assert.ok(attempts.count > 30, `some attempts conflicted and were retried (${attempts.count} attempts)`);
    });
  }
});
