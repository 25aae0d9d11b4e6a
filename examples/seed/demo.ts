/**
 * `npm start`: the seed's models (one file each, cross-referencing with `import type`) on SQLite,
 * through the ORM. Creates the tables in ./seed-demo.db (starting clean each run), writes parents,
 * children and associations with extra data in one unit of work, and reads them back in a new
 * session through both paths: Parent.children (the many-to-many through association_table) and
 * Parent.childAssociations (the association objects with their extra data).
 */
import { Session, columnsOf, createEngine, select, selectinLoad } from "athanor";
import { Association, Base, Child, Parent } from "./index.js";

const file = process.env.SEED_DEMO_DB ?? "seed-demo.db";
const engine = createEngine(`sqlite:///${file}`);
await Base.metadata.dropAll(engine);
await Base.metadata.createAll(engine);
console.log(`Tables in ${file} (recreated): ${(await engine.inspect().tableNames()).join(", ")}`);

// Write: one path each way. Appending to parent.children creates the association object;
// an Association with extra data makes the child appear in parent.children at once.
const writer = new Session(engine);
const [p1, p2] = [1, 2].map((id) => Object.assign(new Parent(), { id })) as [Parent, Parent];
const [c10, c11, c12] = [10, 11, 12].map((id) => Object.assign(new Child(), { id })) as [Child, Child, Child];
p1.children.push(c10, c11);
p1.childAssociations.find((a) => a.child === c10)!.extraData = "met at school";
Object.assign(new Association(), { parent: p2, child: c11, extraData: "neighbours" });
Object.assign(new Association(), { parent: p2, child: c12, extraData: "colleagues" });
writer.addAll([p1, p2]);
await writer.commit();
await writer.close();

// Read back in a new session: one statement for the parents, one per relationship level.
const reader = new Session(engine);
const parents = await reader.scalars(
  select(Parent)
    .options(selectinLoad(Parent, "children"), selectinLoad(Parent, "childAssociations", "child"))
    .orderBy(columnsOf(Parent).id),
);
console.log("\nParent.children (through association_table, a view over the association objects):");
for (const p of parents) console.log(`  Parent ${p.id} -> Children ${p.children.map((c) => c.id).sort().join(", ")}`);
console.log("\nParent.childAssociations, with their extra data:");
for (const p of parents) {
  for (const a of [...p.childAssociations].sort((x, y) => x.child.id - y.child.id)) {
    console.log(`  Association(parent=${p.id}, child=${a.child.id}, extraData=${JSON.stringify(a.extraData)})`);
  }
}

// Remove a link through the view: its association object (one row) goes with it.
const second = parents[1]!;
second.children.splice(second.children.findIndex((c) => c.id === 11), 1);
await reader.commit();
await reader.close();
const check = new Session(engine);
const left = await check.scalars(select(Association));
console.log(`\nRemoved the link Parent 2 -> Child 11; ${left.length} links remain.`);
await check.close();
await engine.dispose();
