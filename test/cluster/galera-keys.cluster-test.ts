/**
 * Auto-increment keys on Galera: with `wsrep_auto_increment_control` (on by default) each node
 * generates keys of its own residue (auto_increment_increment = 3, offset = the node's index), so
 * a multi-row INSERT's keys are not consecutive and the nodes' keys interleave. Sessions on the
 * three nodes insert users with posts at once: every object must hold its own row's key, every
 * post its author's, and the identity map find each object under its key.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Session, inspect, select } from "../../src/index.js";
import { Base, Post, User } from "../../examples/blog/index.js";
import { useGalera } from "./galera-support.js";

describe("Galera auto-increment keys", { timeout: 60_000 }, () => {
  const ctx = useGalera(Base.metadata);

  test("multi-row inserts through sessions on three nodes at once: every object gets its own row's key, children their parent's", async () => {
    const perNode = 40;
    const sessions = ctx.nodes.map((engine) => new Session(engine, { expireOnCommit: false }));
    const users = sessions.map((session, node) =>
      Array.from({ length: perNode }, (_, i) => {
        const user = Object.assign(new User(), { email: `n${node}-u${i}@x`, name: `node ${node + 1}` });
        user.posts.push(Object.assign(new Post(), { title: `n${node}-u${i}-a` }), Object.assign(new Post(), { title: `n${node}-u${i}-b` }));
        session.add(user);
        return user;
      }),
    );
    await Promise.all(sessions.map((session) => session.commit()));

    // Read back on one node, after it has applied every write committed before the read.
    const check = new Session(ctx.causal[0]!);
    const rows = new Map((await check.scalars(select(User))).map((u) => [u.email, u]));
    const posts = new Map((await check.scalars(select(Post))).map((p) => [p.title, p]));
    assert.equal(rows.size, 3 * perNode);
    assert.equal(posts.size, 6 * perNode);
    for (const [node, list] of users.entries()) {
      const ids = list.map((u) => u.id);
      assert.ok(ids.every((id) => id % 3 === (node + 1) % 3), `node ${node + 1}'s keys are of its own residue: ${ids.join(",")}`);
      assert.ok(ids.some((id, i) => i > 0 && id !== ids[i - 1]! + 1), "not consecutive: a multi-row insert's keys step by auto_increment_increment");
      for (const user of list) {
        assert.equal(user.id, rows.get(user.email)!.id, `${user.email} holds its row's key`);
        assert.equal(await sessions[node]!.get(User, user.id), user, "the identity map files it under that key");
        assert.equal(inspect(user).status, "persistent");
        for (const post of user.posts) {
          const row = posts.get(post.title)!;
          assert.deepEqual([post.id, post.authorId, row.authorId], [row.id, user.id, user.id], `${post.title}: its key and its author's`);
        }
      }
    }
    await Promise.all([...sessions, check].map((session) => session.close()));
  });
});
