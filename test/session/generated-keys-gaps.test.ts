/**
 * Keys the database generates are read back per row (RETURNING), never computed from the first
 * one: with a PostgreSQL sequence that steps by 7 and a MariaDB connection whose
 * `auto_increment_increment` is 7, every object of a multi-row INSERT gets the key of its own row.
 * Rows of two shapes (with and without a name: two INSERTs) are interleaved in the order added.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { inspect } from "../../src/index.js";
import { Base, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

forEachDatabaseWithSchema("generated keys with gaps", Base.metadata, (ctx) => {
  test("each object of a multi-row INSERT gets its own row's key, the keys not consecutive", async () => {
    const session = ctx.session();
    const conn = await session.connection();
    if (ctx.db.name === "postgresql") await conn.run("ALTER SEQUENCE users_id_seq INCREMENT 7 RESTART 3");
    if (ctx.db.name === "mysql") await conn.run("SET SESSION auto_increment_increment = 7");
    const users = Array.from({ length: 120 }, (_, i) => Object.assign(new User(), { email: `u${i}@x`, name: i % 3 === 0 ? null : `n${i}` }));
    session.addAll(users);
    try {
      await session.flush();
    } finally {
      // The setting would stay with the pooled connection.
      if (ctx.db.name === "mysql") await conn.run("SET SESSION auto_increment_increment = @@global.auto_increment_increment");
    }
    const { rows } = await conn.run("SELECT id, email FROM users");
    const byEmail = new Map((rows as { id: number | string; email: string }[]).map((row) => [row.email, Number(row.id)]));
    for (const user of users) assert.equal(user.id, byEmail.get(user.email), `${user.email} has its row's key`);
    assert.equal(new Set(users.map((u) => u.id)).size, users.length);
    if (ctx.db.name !== "sqlite") assert.ok(users.some((u, i) => i > 0 && u.id - users[i - 1]!.id > 1), "the keys have gaps");
    await session.commit();
    for (const user of users) assert.equal(await session.get(User, user.id), user);
    assert.ok(users.every((u) => inspect(u).status === "persistent"));
  });
}, { createOnce: true });
