/**
 * `npm start`: the seed's models (one file each, cross-referencing with `import type`) on SQLite.
 * Creates the tables in ./seed-demo.db (starting clean each run), writes parents, children and
 * associations with extra data, and reads them back through both paths the mapping describes:
 * Parent.children (through association_table) and Parent.childAssociations (the objects).
 *
 * The writes and reads go through the Core for now, using the tables and join columns that the
 * ORM mapping resolved; the Session (unit of work, loading) builds on exactly this.
 */
import { createEngine, deleteFrom, insert, select } from "athanor";
import { Association, Base, Child, Parent } from "./index.js";

const registry = Base.registry;
registry.configure();
const parents = registry.mapperFor(Parent).table;
const children = registry.mapperFor(Child).table;
const associations = registry.mapperFor(Association).table;
const viaSecondary = registry.mapperFor(Parent).relationships.get("children")!.resolved;

const file = process.env.SEED_DEMO_DB ?? "seed-demo.db";
const engine = createEngine(`sqlite:///${file}`);
await Base.metadata.dropAll(engine);
await Base.metadata.createAll(engine);
console.log(`Tables in ${file} (recreated): ${(await engine.inspect().tableNames()).join(", ")}`);

await engine.transaction(async (conn) => {
  await conn.execute(insert(parents).values([{ id: 1 }, { id: 2 }]));
  await conn.execute(insert(children).values([{ id: 10 }, { id: 11 }, { id: 12 }]));
  await conn.execute(
    insert(associations).values([
      { leftId: 1, rightId: 10, extraData: "met at school" },
      { leftId: 1, rightId: 11, extraData: "neighbours" },
      { leftId: 2, rightId: 11, extraData: null },
      { leftId: 2, rightId: 12, extraData: "colleagues" },
    ]),
  );
});

console.log(`\nParent.children goes through ${viaSecondary.secondary!.name} (a view over ${viaSecondary.association!.name}):`);
const viaChildren = await engine.execute(
  select(parents.c.id.label("parent"), children.c.id.label("child")).join(associations).join(children).orderBy(parents.c.id, children.c.id),
);
for (const row of viaChildren.rows) console.log(`  Parent ${row.parent} -> Child ${row.child}`);

console.log("\nParent.childAssociations, with their extra data:");
const viaAssociations = await engine.execute(select(associations).orderBy(associations.c.leftId, associations.c.rightId));
for (const row of viaAssociations.rows) {
  console.log(`  Association(parent=${row.leftId}, child=${row.rightId}, extraData=${JSON.stringify(row.extraData)})`);
}

await engine.execute(deleteFrom(associations).where(associations.c.leftId.eq(2), associations.c.rightId.eq(11)));
const left = await engine.execute(select(associations.c.leftId, associations.c.rightId));
console.log(`\nRemoved the link Parent 2 -> Child 11; ${left.rows.length} links remain.`);
await engine.dispose();
