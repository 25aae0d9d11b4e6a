// A job queue (docs/reliability.md, "Locking reads that do not wait"): workers running at once each
// take the next pending job no other worker holds, with FOR UPDATE SKIP LOCKED, and mark it done in
// the same transaction. Run: npx tsx examples/job-queue.ts [database URL] (a SQLite file by default).
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeclarativeBase, Session, column, columnsOf, createEngine, integer, model, select, sessionMaker, string } from "athanor";

class Base extends DeclarativeBase {}

@model("example_jobs")
class Job extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor state!: string;
  @column(string(20)) accessor worker!: string | null;
}

const file = join(process.env.ATHANOR_TEST_TMP ?? tmpdir(), `athanor-job-queue-${process.pid}.db`);
const url = process.argv[2] ?? `sqlite:///${file}`;
// SQLite has no row locks (FOR UPDATE is left out there): one connection makes its workers take turns.
const engine = createEngine(url, url.startsWith("sqlite") ? { pool: { max: 1 } } : {});
await Base.metadata.dropAll(engine, { checkFirst: true });
await Base.metadata.createAll(engine);
const seed = new Session(engine);
seed.addAll(Array.from({ length: 30 }, () => Object.assign(new Job(), { state: "pending", worker: null })));
await seed.commit();
await seed.close();

const j = columnsOf(Job);
const transactions = sessionMaker(engine);

async function worker(name: string): Promise<number> {
  for (let done = 0; ; done++) {
    const took = await transactions.transaction(async (session) => {
      const next = select(Job).where(j.state.eq("pending")).orderBy(j.id).limit(1).forUpdate({ skipLocked: true });
      const [job] = await session.scalars(next); // a job another worker holds is skipped, not waited for
      if (job === undefined) return false;
      job.state = "done"; // the work, done while this transaction holds the row
      job.worker = name;
      return true;
    });
    if (!took) return done;
  }
}

const counts = await Promise.all(["a", "b", "c"].map(worker));
const check = new Session(engine);
const jobs = await check.scalars(select(Job).where(j.state.eq("done")));
await check.close();
console.log(counts.reduce((sum, n) => sum + n, 0), jobs.length); // jobs the workers took, jobs done: each job once
await Base.metadata.dropAll(engine);
await engine.dispose();
rmSync(file, { force: true });
// 30 30
