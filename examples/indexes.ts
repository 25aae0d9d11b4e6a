// Partial, expression and descending indexes (README "Indexes"): declared with the table, made by createAll.
import { IntegrityError, MetaData, createEngine, datetime, func, index, insert, integer, string, table } from "athanor";

const metadata = new MetaData();
const users = table("users", metadata, {
  id: integer().primaryKey(),
  email: string(200).notNull(),
  createdAt: datetime().named("created_at").notNull(),
  deletedAt: datetime().named("deleted_at"),
}, (c) => [
  // One live account per address, whatever its case; deleted accounts keep theirs.
  index([func.lower(c.email)], { name: "uq_users_email_live", unique: true, where: c.deletedAt.isNull() }),
  // The newest first (ix_users_created_at).
  index([c.createdAt.desc()]),
]);

const engine = createEngine("sqlite::memory:");
const ddl = engine.dialect.createDdlCompiler();
for (const ix of users.indexes) console.log(ddl.createIndex(users, ix));
await metadata.createAll(engine);
const at = new Date();
await engine.execute(insert(users).values({ id: 1, email: "Ann@example.com", createdAt: at, deletedAt: at }));
await engine.execute(insert(users).values({ id: 2, email: "ann@example.com", createdAt: at }));
try {
  await engine.execute(insert(users).values({ id: 3, email: "ANN@example.com", createdAt: at }));
} catch (error) {
  // `duplicate`: "unique" here ("primaryKey" for a key already taken).
  console.log(error instanceof IntegrityError ? `refused (${error.duplicate}): a second live ann@example.com` : error);
}
await engine.dispose();
