/**
 * Jobs for the locking-read tests (lock-nowait-skip-locked.test.ts and its timed part,
 * lock-nowait-elapsed.test.ts): pending posts of the blog models, and a session holding their locks.
 */
import assert from "node:assert/strict";
import { columnsOf, select, type Session } from "../../src/index.js";
import { Post, User } from "../../examples/blog/index.js";
import type { SessionContext } from "../support/sessions.js";

const p = columnsOf(Post);

/** The jobs of one suite's database. */
export function lockJobs(ctx: SessionContext): {
  /** Why the tests of row locks are skipped (SQLite), or false. */
  readonly noRowLocks: string | false;
  /** `n` pending jobs (posts titled "job 1" ...), committed; their ids in order. */
  seedJobs(n: number): Promise<number[]>;
  /** A session whose open transaction holds the locks of the rows `ids`. */
  holding(ids: number[]): Promise<Session>;
} {
  return {
    noRowLocks: ctx.db.name === "sqlite" && "SQLite has no row locks: FOR UPDATE and its NOWAIT / SKIP LOCKED compile to nothing",
    async seedJobs(n) {
      const session = ctx.session();
      const posts = Array.from({ length: n }, (_, i) => Object.assign(new Post(), { title: `job ${i + 1}` }));
      session.add(Object.assign(new User(), { email: "queue@x", posts }));
      await session.commit();
      await session.close();
      return posts.map((post) => post.id);
    },
    async holding(ids) {
      const session = ctx.session();
      assert.equal((await session.scalars(select(Post).where(p.id.in(ids)).forUpdate())).length, ids.length);
      return session;
    },
  };
}
