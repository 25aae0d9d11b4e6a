/**
 * A tour of the Session on the blog models (SQLite in memory): unit of work, identity map,
 * loading strategies, batched lazy loads, savepoints and the retrying transaction helper.
 * Run it with `npx tsx examples/session-tour.ts`.
 */
import { Session, aliased, columnsOf, createEngine, joinedLoad, lazy, select, selectinLoad, sessionMaker, sql } from "athanor";
import { Base, Category, Post, Tag, User } from "./blog/index.js";

const statements: string[] = [];
const engine = createEngine("sqlite://:memory:", { echo: (m) => statements.push(m.split("\n")[0]!) });
await Base.metadata.createAll(engine);

// Unit of work: objects and what they reference are written in dependency order, one commit.
// (On SQLite, rows whose key the database generates go one INSERT each: nothing there ties a
// multi-row INSERT's new keys to its rows. PostgreSQL and MariaDB send one INSERT per table.)
const session = new Session(engine, { expireOnCommit: false });
const ann = Object.assign(new User(), { email: "ann@example.com", name: "Ann" });
const tags = ["orm", "typescript"].map((name) => Object.assign(new Tag(), { name }));
for (const title of ["Hello", "Relationships"]) {
  const post = Object.assign(new Post(), { title });
  post.tags.push(...tags); // plain many-to-many: link rows in post_tags
  ann.posts.push(post); // sets post.author at once; the foreign key is set at flush
}
session.add(ann); // save-update cascade: the posts and tags come along
statements.length = 0;
await session.commit();
console.log(`commit: ${statements.filter((s) => /^(INSERT|UPDATE|DELETE)/.test(s)).length} statements for 1 user, 2 posts, 2 tags, 4 links`);

// Identity map: one object per row; get of a loaded key runs no SQL.
statements.length = 0;
const same = await session.get(User, ann.id);
console.log(`get(User, ${ann.id}) is the same object: ${same === ann}, statements: ${statements.length}`);
await session.close();

// Loading strategies per query.
const reader = new Session(engine);
statements.length = 0;
const posts = await reader.scalars(select(Post).options(selectinLoad(Post, "tags"), joinedLoad(Post, "author")).orderBy(columnsOf(Post).id));
console.log(`${posts.length} posts with tags (select-in) and authors (joined) in ${statements.filter((s) => s.startsWith("SELECT")).length} statements`);
console.log(`  ${posts.map((p) => `${p.title} by ${p.author.name} [${p.tags.map((t) => t.name).join(", ")}]`).join("; ")}`);

// Lazy loads requested in one tick are one statement per relationship.
const users = await reader.scalars(select(User));
statements.length = 0;
const postsPerUser = await Promise.all(users.map((u) => lazy(u).posts));
console.log(`lazy(user).posts for ${users.length} users: ${statements.length} statement, ${postsPerUser.flat().length} posts`);
await reader.close();

// Savepoints: rolling one back restores the objects it touched.
const editor = new Session(engine, { expireOnCommit: false });
const user = (await editor.get(User, ann.id))!;
const savepoint = await editor.beginNested();
user.name = "Anna";
await editor.flush();
await savepoint.rollback();
console.log(`after the savepoint's rollback the name is ${user.name}`);
await editor.close();

// A transaction that is retried on serialization failures and deadlocks (PostgreSQL, MySQL).
const Sessions = sessionMaker(engine);
const count = await Sessions.transaction(async (s) => (await s.scalars(select(Tag))).length);
console.log(`transaction(): ${count} tags`);

// A tag pushed twice is in the list twice (it is an Array) and linked once; removing one copy keeps the link.
const linker = new Session(engine, { expireOnCommit: false });
const hello = (await linker.get(Post, 1))!;
await linker.load(hello, "tags");
const twice = Object.assign(new Tag(), { name: "twice" });
hello.tags.push(twice, twice);
await linker.commit();
hello.tags.pop();
await linker.commit();
const links = await engine.execute(sql<{ n: number }>`SELECT count(*) AS n FROM post_tags WHERE tag_id = ${twice.id}`);
console.log(`pushed twice, one copy removed: ${hello.tags.filter((t) => t === twice).length} in the list, ${Number(links.rows[0]!.n)} link row`);
await linker.close();

// SQL text runs in the session's transaction, after the autoflush: a rollback undoes it.
const texter = new Session(engine);
const renamed = await texter.execute(sql`UPDATE tags SET name = upper(name) WHERE name <> ${"twice"}`);
const seen = await texter.execute(sql<{ name: string }>`SELECT name FROM tags ORDER BY id`);
await texter.rollback();
const after = await texter.execute(sql<{ name: string }>`SELECT name FROM tags ORDER BY id`);
console.log(`sql UPDATE: ${renamed.rowCount} rows, seen as ${seen.rows.map((r) => r.name).join(", ")}; after rollback ${after.rows.map((r) => r.name).join(", ")}`);
await texter.close();

// A model twice in one query: each category with its parent, the parents the same objects.
const tree = new Session(engine);
const books = Object.assign(new Category(), { name: "Books" });
tree.addAll([books, Object.assign(new Category(), { name: "SF", parent: books }), Object.assign(new Category(), { name: "Poetry", parent: books })]);
await tree.commit();
const ParentCategory = aliased(Category, "parent_category");
const c = columnsOf(Category), p = columnsOf(ParentCategory);
const rows = await tree.execute(select(Category, ParentCategory).leftJoin(ParentCategory, c.parentId.eq(p.id)).orderBy(c.id));
console.log(`aliased: ${rows.map(([child, parent]) => `${child.name} < ${parent?.name ?? "-"}`).join(", ")}; one Books object: ${rows[1]![1] === rows[0]![0]}`);
await tree.close();
await engine.dispose();
