// A read-only session (docs/clusters.md): on a replica, or here a second engine on the same SQLite file.
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ReadOnlySessionError, Session, createEngine, select } from "athanor";
import { Base, User } from "./blog/index.js";

const file = join(process.env.ATHANOR_TEST_TMP ?? tmpdir(), `athanor-read-replica-${process.pid}.db`);
const primary = createEngine(`sqlite:///${file}`);
const replica = createEngine(`sqlite:///${file}`, { readOnly: true }); // on PostgreSQL: the replica's URL
await Base.metadata.createAll(primary);

const writer = new Session(primary);
writer.add(Object.assign(new User(), { email: "ann@example.com", name: "Ann" }));
await writer.commit();
await writer.close();

const reader = new Session(replica);
const [ann] = await reader.scalars(select(User));
ann!.name = "Ann B.";
try {
  await reader.commit();
} catch (error) {
  console.log(error instanceof ReadOnlySessionError, (error as Error).message.split(". ")[0]);
}
await reader.rollback(); // the change is dropped; the session reads on
console.log((await reader.scalars(select(User))).map((u) => u.name));
await reader.close();
await Promise.all([primary.dispose(), replica.dispose()]);
rmSync(file, { force: true });
// true This session's engine is read-only (createEngine(url, { readOnly: true }): a replica), so it cannot flush: User (1 changed)
// [ 'Ann' ]
