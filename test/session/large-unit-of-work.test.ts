/**
 * A large unit of work (16,000 objects through the cascade, as in W1 of the benchmark at half its
 * size): every object is written once, under its key; a failed flush puts every one back and the
 * next commit writes each once; an object expunged from the middle of the list is not written; a
 * flush that also deletes reads the list in order. A guard for changes to how the unit of work
 * holds its pending objects (docs/performance.md, session 17).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { IntegrityError, sql } from "../../src/index.js";
import { Association, Base, Child, Parent } from "../../examples/seed/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

const PARENTS = 1_000;
const CHILDREN = 5_000;
const LINKS_PER_PARENT = 10;

/** W1's graph: every child linked to two parents through association objects with extra data. */
function graph(): { parents: Parent[]; children: Child[]; associations: Association[] } {
  const parents = Array.from({ length: PARENTS }, () => new Parent());
  const children = Array.from({ length: CHILDREN }, () => new Child());
  const associations: Association[] = [];
  for (let p = 0; p < PARENTS; p++) {
    for (let k = 0; k < LINKS_PER_PARENT; k++) {
      const c = (p * LINKS_PER_PARENT + k) % CHILDREN;
      const association = new Association();
      association.extraData = `${p}-${c}`;
      association.parent = parents[p]!;
      association.child = children[c]!;
      associations.push(association);
    }
  }
  return { parents, children, associations };
}

forEachDatabaseWithSchema("a unit of work past one chunk of pending objects", Base.metadata, (ctx) => {
  const counts = async () => `${await ctx.count("left_table")}/${await ctx.count("right_table")}/${await ctx.count("association_table")}`;
  const expected = `${PARENTS}/${CHILDREN}/${PARENTS * LINKS_PER_PARENT}`;
  /** Each association row names the keys its objects were given, with its own extra data. */
  async function checkLinks(associations: readonly Association[]): Promise<void> {
    const { rows } = await ctx.engine.execute(sql<{ l: number; r: number; x: string }>`SELECT left_id AS l, right_id AS r, extra_data AS x FROM association_table`);
    const written = new Map(rows.map((row) => [`${Number(row.l)}-${Number(row.r)}`, row.x]));
    assert.equal(written.size, associations.length);
    for (const a of associations) assert.equal(written.get(`${a.parent.id}-${a.child.id}`), a.extraData);
  }

  test("16,000 objects added through the cascade: each row written once, under the key its object was given", async () => {
    const { parents, children, associations } = graph();
    const session = ctx.session({ expireOnCommit: false });
    session.addAll(parents);
    await session.commit();
    assert.equal(await counts(), expected);
    assert.equal(new Set(parents.map((p) => p.id)).size, PARENTS);
    assert.equal(new Set(children.map((c) => c.id)).size, CHILDREN);
    await checkLinks(associations);
    // Every object is in the identity map under its key.
    assert.equal(await session.get(Parent, parents[PARENTS - 1]!.id), parents[PARENTS - 1]);
    assert.equal(await session.get(Child, children[4_500]!.id), children[4_500]);
  });

  test("a failed flush of 16,000 objects: every one pending again, and the next commit writes each once", async () => {
    const { parents, associations } = graph();
    const session = ctx.session({ expireOnCommit: false });
    session.addAll(parents);
    // A second object for the last association's row: its INSERT fails after the parents and children were written.
    const last = associations[associations.length - 1]!;
    const duplicate = Object.assign(new Association(), { extraData: "again", parent: last.parent, child: last.child });
    await assert.rejects(session.flush(), IntegrityError);
    assert.equal(await ctx.count("left_table"), 0, "the failed flush was rolled back");
    assert.equal(parents[0]!.id ?? null, null, "the generated keys were taken back");
    session.expunge(duplicate);
    duplicate.parent = null as never;
    duplicate.child = null as never;
    await session.commit();
    assert.equal(await counts(), expected);
    await checkLinks(associations);
  });

  test("an object expunged from the middle of 9,000 pending ones is not written; the others are, once", async () => {
    const parents = Array.from({ length: 9_000 }, () => new Parent());
    const session = ctx.session({ expireOnCommit: false });
    session.addAll(parents);
    session.expunge(parents[5_000]!);
    await session.commit();
    assert.equal(await ctx.count("left_table"), 8_999);
    assert.equal(parents[5_000]!.id ?? null, null);
    assert.equal(new Set(parents.filter((p) => p.id != null).map((p) => p.id)).size, 8_999);
  });

  test("a flush that deletes a row and inserts 9,000: both written", async () => {
    const first = ctx.session();
    const old = new Parent();
    first.add(old);
    await first.commit();
    const oldId = old.id;
    await first.close();
    const session = ctx.session();
    session.delete((await session.get(Parent, oldId))!);
    session.addAll(Array.from({ length: 9_000 }, () => new Parent()));
    await session.commit();
    assert.equal(await ctx.count("left_table"), 9_000);
    assert.equal(await ctx.count("left_table", `id = ${oldId}`), 0);
  });
}, { createOnce: true });
