import { MetaData, createEngine, deleteFrom, func, insert, integer, select, string, table, update } from "athanor";

const metadata = new MetaData();

const users = table("users", metadata, {
  id: integer().primaryKey(),
  name: string(50).notNull(),
  email: string(100).unique(),
});

const posts = table("posts", metadata, {
  id: integer().primaryKey(),
  authorId: integer().named("author_id").notNull().references("users.id", { onDelete: "cascade" }),
  title: string(200).notNull(),
  likes: integer().notNull().default(0),
});

const engine = createEngine("sqlite::memory:"); // or sqlite:app.db, postgresql://..., mysql://... (MariaDB too)
await metadata.createAll(engine);

// INSERT one row or several; values are always bound parameters, never spliced into the SQL.
await engine.execute(insert(users).values([
  { id: 1, name: "Ann", email: "ann@example.com" },
  { id: 2, name: "Bob" },
]));
await engine.execute(insert(posts).values([
  { authorId: 1, title: "Hello" },
  { authorId: 1, title: "Again" },
  { authorId: 2, title: "Hi" },
]));

// SELECT with a join inferred from the foreign key. Rows are typed { name: string; title: string }.
const annsPosts = await engine.execute(
  select(users.c.name, posts.c.title).join(posts).where(users.c.name.eq("Ann")).orderBy(posts.c.id),
);
console.log(annsPosts.rows);

// UPDATE with an expression.
await engine.execute(update(posts).set({ likes: posts.c.likes.plus(10) }).where(posts.c.title.eq("Hello")));

// Aggregates, grouped per author.
const perAuthor = await engine.execute(
  select(users.c.name, func.count().label("posts"), func.sum(posts.c.likes).label("likes"))
    .join(posts)
    .groupBy(users.c.name)
    .orderBy(users.c.name),
);
console.log(perAuthor.rows);

// A transaction: committed when the function resolves...
await engine.transaction(async (conn) => {
  await conn.execute(insert(users).values({ id: 3, name: "Cy" }));
  await conn.execute(insert(posts).values({ authorId: 3, title: "First!" }));
});

// ...rolled back, and the error rethrown, when it throws.
try {
  await engine.transaction(async (conn) => {
    await conn.execute(deleteFrom(posts));
    throw new Error("changed my mind");
  });
} catch (error) {
  console.log("rolled back:", (error as Error).message);
}

const count = await engine.withConnection((conn) => conn.scalar(select(func.count().label("n")).from(posts)));
console.log("posts:", count);

await engine.dispose();
