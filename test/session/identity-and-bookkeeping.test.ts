/**
 * The session's bookkeeping under the shortcuts a large unit of work takes: inserted objects are
 * indexed in the identity map only when looked up, composite keys of small integers are packed
 * into numbers, lists are copied only when changed after a flush, and pending objects are kept
 * in a list. Each test checks what a user sees, on every database.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry, Session, columnsOf, inspect, integer, select, string, table, type ColumnBuilder } from "../../src/index.js";
import { Base, Group, Membership, Post, Tag, User } from "../../examples/blog/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { CompanyBase, CyDepartment, CyEmployee } from "./fixtures/company.js";
import { assertSameObjects } from "../support/same-objects.js";

function user(email: string, id?: number): User {
  const u = Object.assign(new User(), { email });
  if (id !== undefined) u.id = id;
  return u;
}

forEachDatabaseWithSchema("identity map and bookkeeping", Base.metadata, (ctx) => {
  test("a query made before a flush returns the objects the flush inserted, not copies", async () => {
    const session = ctx.session({ expireOnCommit: false });
    // A query first: its hydrator for User exists before the flush below inserts more users.
    assert.deepEqual(await session.scalars(select(User)), []);
    const users = Array.from({ length: 50 }, (_, i) => user(`u${i}@x`));
    session.addAll(users);
    await session.flush();
    // The query first: nothing has looked the inserted users up yet.
    const loaded = await session.scalars(select(User).orderBy(columnsOf(User).id));
    assert.equal(loaded.length, 50);
    loaded.forEach((u, i) => assert.equal(u, users[i], "a query returns the inserted object, not a copy"));
    ctx.reset();
    for (const u of users) assert.equal(await session.get(User, u.id), u);
    assert.equal(ctx.statements.length, 0, "get of an inserted key is answered by the identity map");
  });

  test("a loaded object is an object of its class, made without its constructor, with no own properties", async () => {
    const writer = ctx.session();
    writer.add(user("loaded@x"));
    await writer.commit();
    await writer.close();
    const session = ctx.session();
    const [loaded] = await session.scalars(select(User).where(columnsOf(User).email.eq("loaded@x")));
    assert.ok(loaded instanceof User);
    assert.equal(Object.getPrototypeOf(loaded), User.prototype);
    assert.equal(loaded!.constructor, User);
    assert.deepEqual(Object.keys(loaded!), [], "its values are the state's, not own properties (console.log, spreading, JSON show none)");
    assert.equal(loaded!.email, "loaded@x");
    assert.equal(inspect(loaded!).status, "persistent");
    await session.close();
    const other = ctx.session();
    const copy = await other.merge(loaded!);
    assert.notEqual(copy, loaded);
    assert.ok(copy instanceof User, "a merged copy too");
    assert.deepEqual(Object.keys(copy), []);
    await other.close();
  });

  test("get finds objects a flush inserted, with no SELECT", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const users = Array.from({ length: 20 }, (_, i) => user(`g${i}@x`));
    session.addAll(users);
    await session.flush();
    ctx.reset();
    for (const u of users) assert.equal(await session.get(User, u.id), u);
    assert.equal(ctx.statements.length, 0);
  });

  test("composite keys: packed small integers, large ones and both orders stay distinct", async () => {
    // Keys below 2^15 pack into small numbers, below 2^26 into negative ones, past that into strings.
    const ids = [1, 2, 2 ** 15, 2 ** 15 + 1, 2 ** 26 + 3];
    const writer = ctx.session();
    const users = ids.map((id) => user(`u${id}@x`, id));
    const groups = ids.map((id) => Object.assign(new Group(), { id, name: `g${id}` }));
    const pairs: [number, number][] = [];
    for (let u = 0; u < ids.length; u++) for (let g = 0; g < ids.length; g++) if ((u + g) % 2 === 0 || u === 0) pairs.push([u, g]);
    for (const [u, g] of pairs) Object.assign(new Membership(), { user: users[u]!, group: groups[g]!, role: `r${u}${g}` });
    writer.addAll(users);
    await writer.commit();
    await writer.close();

    const reader = ctx.session();
    const memberships = await reader.scalars(select(Membership));
    assert.equal(memberships.length, pairs.length);
    ctx.reset();
    for (const m of memberships) {
      assert.equal(await reader.get(Membership, [m.userId, m.groupId]), m);
      assert.equal(m.role, `r${ids.indexOf(m.userId)}${ids.indexOf(m.groupId)}`);
    }
    assert.equal(ctx.statements.length, 0, "every composite key is found in the identity map");
    assert.equal(await reader.get(Membership, [2, 2 ** 15]), undefined, "a key with no row is not confused with another");
    assert.equal(await reader.get(Membership, [2 ** 15 + 1, 1]), undefined);
  });

  test("a session used again after close loads fresh objects", async () => {
    const writer = ctx.session();
    writer.add(user("again@x"));
    await writer.commit();
    await writer.close();

    const session = ctx.session();
    const [first] = await session.scalars(select(User));
    await session.close();
    assert.equal(inspect(first!).status, "detached");
    const second = await session.get(User, first!.id);
    assert.ok(second);
    assert.notEqual(second, first, "close() empties the identity map");
    assert.equal(inspect(second!).status, "persistent");
  });

  test("a list flushed and then changed: the next flush writes only the change, and rollback undoes both", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const author = user("lists@x");
    const post = Object.assign(new Post(), { title: "p", author });
    const [t1, t2, t3] = ["t1", "t2", "t3"].map((name) => Object.assign(new Tag(), { name }));
    post.tags.push(t1!, t2!);
    session.add(author);
    await session.flush();
    ctx.reset();
    post.tags.splice(0, 1); // t1 out
    post.tags.push(t3!);
    await session.flush();
    const linkStatements = ctx.statements.filter((s) => /post_tags/.test(s));
    assert.equal(linkStatements.length, 2, `one DELETE and one INSERT of links, got: ${linkStatements.join(" | ")}`);
    // Before, the rolled-back insert stayed pending and the next commit wrote it: a replay.
    await session.rollback();
    assert.deepEqual(post.tags.map((t) => t.name).sort(), ["t2", "t3"], "the objects keep their values");
    assert.equal(inspect(post).status, "transient", "the rolled-back insert left the session");
    await session.commit();
    assert.equal(await ctx.count("post_tags"), 0, "the commit after the rollback writes nothing");
    session.add(author);
    ctx.reset();
    await session.commit();
    assert.equal(await ctx.count("post_tags"), 2, "added again, the list is written as it is");
    const deletes = ctx.statements.filter((s) => /^DELETE .*post_tags/.test(s));
    assert.deepEqual(deletes, [], "no DELETE of the link (post, t1): its INSERT was rolled back, there is none to delete");
  });

  test("pending objects: expunged ones are not inserted; a failed flush keeps the rest pending", async () => {
    const session = ctx.session();
    const users = Array.from({ length: 10 }, (_, i) => user(`p${i}@x`));
    session.addAll(users);
    session.expunge(users[3]!);
    session.add(users[3]!); // back in, once
    session.expunge(users[5]!);
    const clash = user("p0@x"); // the same email as users[0]: the flush fails
    session.add(clash);
    await assert.rejects(session.flush());
    assert.equal(inspect(users[0]!).status, "pending");
    session.expunge(clash);
    await session.commit();
    assert.equal(await ctx.count("users"), 9, "every user but the expunged one, each once");
    assert.equal(inspect(users[5]!).status, "transient");
  });

  test("a detached post moved to a new author gets the author's new key in the same flush", async () => {
    const writer = ctx.session();
    const first = user("first@x");
    const post = Object.assign(new Post(), { title: "moving", author: first });
    writer.add(first);
    await writer.commit();
    await writer.close();
    const loader = ctx.session({ expireOnCommit: false });
    const detached = (await loader.get(Post, post.id))!;
    await loader.close(); // the post is detached, its columns loaded and unchanged

    const session = ctx.session();
    const second = user("second@x");
    second.posts.push(detached); // the post's foreign key is only known once `second` is inserted
    session.add(second); // the cascade brings the post along, as a persistent object
    await session.commit();
    assert.equal(await ctx.count("posts", `author_id = ${second.id}`), 1, "the post now belongs to the new author");
    assert.equal(await ctx.count("posts", `author_id = ${first.id}`), 0);
  });

  test("a savepoint rolled back drops the objects added inside it, and only those", async () => {
    const session = ctx.session();
    const outer = user("outer@x");
    session.add(outer);
    const savepoint = await session.beginNested();
    const inner = Array.from({ length: 5 }, (_, i) => user(`inner${i}@x`));
    session.addAll(inner);
    await savepoint.rollback();
    for (const u of inner) assert.equal(inspect(u).status, "transient");
    const late = user("late@x");
    session.add(late);
    await session.commit();
    assert.equal(await ctx.count("users"), 2);
    assert.equal(inspect(late).status, "persistent");
  });

  test("objects built with new have their state from the start; plain subclasses and other sessions are not confused", async () => {
    const u = new User();
    assert.equal(inspect(u).status, "transient");
    const other = new Session(ctx.engine);
    other.add(u);
    const session = ctx.session();
    assert.throws(() => session.add(u), /another session/);
    await other.close();
    session.add(u);
    assert.equal(inspect(u).status, "pending");
  });
}, { createOnce: true });

test("a long list built through back-references holds each object once, through removals and re-adds", () => {
  const author = user("long@x");
  const posts = Array.from({ length: 200 }, (_, i) => Object.assign(new Post(), { title: `p${i}` }));
  for (const post of posts) post.author = author;
  assert.equal(author.posts.length, 200);
  for (const post of posts.slice(0, 50)) post.author = author; // already there: no duplicate
  assert.equal(author.posts.length, 200);
  author.posts.splice(author.posts.indexOf(posts[10]!), 1);
  assert.equal(posts[10]!.author, null, "removing from the list clears the back-reference");
  posts[10]!.author = author;
  posts[10]!.author = author;
  assert.equal(author.posts.length, 200);
  assert.equal(author.posts.filter((p) => p === posts[10]).length, 1);
  const other = user("other@x");
  for (const post of posts.slice(100)) post.author = other;
  assert.equal(author.posts.length, 100);
  assert.equal(other.posts.length, 100);
  assert.deepEqual(new Set(author.posts).size, 100, "no object twice");
});

test("assigning a whole list keeps the given order, and the members left out lose their back-reference", () => {
  const author = user("assign@x");
  const posts = Array.from({ length: 3000 }, (_, i) => Object.assign(new Post(), { title: `p${i}` }));
  for (const post of posts.slice(0, 2000)) post.author = author;
  // Keep every other old post and add the 1,000 new ones, interleaved: new, kept, new, kept...
  const kept = posts.slice(0, 2000).filter((_, i) => i % 2 === 0);
  const given = posts.slice(2000).flatMap((post, i) => [post, kept[i]!]);
  author.posts = given;
  assertSameObjects(author.posts, given);
  assert.ok(posts.slice(0, 2000).every((post, i) => post.author === (i % 2 === 0 ? author : null)), "kept ones still point back; removed ones not");
  assert.ok(posts.slice(2000).every((post) => post.author === author), "added ones point back");
});

forEachDatabaseWithSchema("foreign keys in a cycle between tables", CompanyBase.metadata, (ctx) => {
  test("the key known only after the other table's INSERT is written with an UPDATE, in the same flush", async () => {
    const session = ctx.session();
    const department = Object.assign(new CyDepartment(), { name: "R&D" });
    const boss = Object.assign(new CyEmployee(), { name: "Ada" });
    const staff = Object.assign(new CyEmployee(), { name: "Bob" });
    department.staff.push(boss, staff);
    department.manager = boss;
    session.add(department);
    await session.commit();
    const rows = await ctx.count("cy_employees", `department_id = ${department.id}`);
    assert.equal(rows, 2, "both employees reference the department");
    assert.equal(await ctx.count("cy_departments", `manager_id = ${boss.id}`), 1, "the department references its manager");
  });

  test("a row flushed before the object it points to gets that object's key when it is flushed later", async () => {
    const session = ctx.session();
    const department = Object.assign(new CyDepartment(), { name: "Ops" });
    const employee = Object.assign(new CyEmployee(), { name: "Cy" });
    employee.department = department;
    session.add(employee); // the cascade brings the department along...
    session.expunge(department); // ...but it leaves before the flush
    await session.flush();
    // Read in the session's transaction (an in-memory SQLite database has one connection).
    const departmentIds = () => session.scalars(select(columnsOf(CyEmployee).departmentId));
    assert.deepEqual(await departmentIds(), [null], "written before the department has a key");
    session.add(department);
    await session.commit();
    assert.equal(await ctx.count("cy_employees", `department_id = ${department.id}`), 1, "updated once it has one");
  });
}, { createOnce: true });

// Two models on one table, one of them naming a column differently: INSERTs compiled for one
// must not lay out the other's attributes.
const shared = new Registry();
const people = table("bk_people", shared.metadata, { id: integer().primaryKey(), fullname: string(50) });
class Renamed {
  declare id: number;
  declare name: string | null;
}
class AsIs {
  declare id: number;
  declare fullname: string | null;
}
shared.mapImperatively(Renamed, people, { properties: { name: people.c.fullname } });
shared.mapImperatively(AsIs, people);

forEachDatabaseWithSchema("two models on one table", shared.metadata, (ctx) => {
  test("each model's INSERT takes its own attribute for the shared column", async () => {
    const session = ctx.session();
    session.addAll([Object.assign(new Renamed(), { id: 1, name: "renamed" }), Object.assign(new AsIs(), { id: 2, fullname: "as is" })]);
    await session.flush();
    session.addAll([Object.assign(new AsIs(), { id: 3, fullname: "as is again" }), Object.assign(new Renamed(), { id: 4, name: "renamed again" })]);
    await session.commit();
    const rows = (await ctx.engine.execute(select(people.c.id, people.c.fullname).orderBy(people.c.id))).rows;
    assert.deepEqual(rows.map((r) => r.fullname), ["renamed", "as is", "as is again", "renamed again"]);
  });
}, { createOnce: true });

// A table wider than the 30 columns a compiled mask covers: rows are grouped by a string instead.
const wide = new Registry();
const wideColumns: Record<string, ColumnBuilder<number, boolean, boolean>> = { id: integer().primaryKey() };
// A server default tells a column left out of a row's INSERT from one given as NULL.
for (let i = 0; i < 34; i++) wideColumns[`c${i}`] = integer().serverDefault(-1);
const wideTable = table("bk_wide", wide.metadata, wideColumns);
class WideRow {
  declare id: number;
  [column: `c${number}`]: number | null;
}
wide.mapImperatively(WideRow, wideTable);

forEachDatabaseWithSchema("a table of 35 columns", wide.metadata, (ctx) => {
  test("rows giving different columns are inserted in groups, each with its values", async () => {
    const session = ctx.session();
    const rows = Array.from({ length: 6 }, (_, i) => {
      const row = Object.assign(new WideRow(), { id: i + 1 });
      // Even rows give every column; odd rows only the last few (bits past 30).
      for (let c = i % 2 === 0 ? 0 : 31; c < 34; c++) row[`c${c}`] = i * 100 + c;
      return row;
    });
    session.addAll(rows);
    await session.commit();
    const stored = (await ctx.engine.execute(select(wideTable.c.id, wideTable.c.c0, wideTable.c.c33).orderBy(wideTable.c.id))).rows;
    assert.deepEqual(
      stored.map((r) => [r.id, r.c0, r.c33]),
      rows.map((_, i) => [i + 1, i % 2 === 0 ? i * 100 : -1, i * 100 + 33]),
    );
  });
}, { createOnce: true });
