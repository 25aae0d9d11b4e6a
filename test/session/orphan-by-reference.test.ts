/**
 * A delete-orphan child let go from its own side (`child.family = null`, the many-to-one back to
 * the list that deletes orphans) is an orphan as much as one spliced out of the list, as in
 * SQLAlchemy. The flush used to clear its NOT NULL key instead (IntegrityError, or the INSERT of
 * a pending one refused); now it is deleted (a pending one is not inserted), unless another
 * parent takes it before the flush.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lazy, sql } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { FamilyBase, FmChild, FmFamily } from "./fixtures/families.js";

/** `child.family = null`, which the types refuse for a NOT NULL key: the case under test. */
const letGo = (child: FmChild) => ((child as { family: FmFamily | null }).family = null);

forEachDatabaseWithSchema("a delete-orphan child whose reference is set to null", FamilyBase.metadata, (ctx) => {
  const rows = async () =>
    (await ctx.engine.execute(sql<{ id: number; family_id: number }>`SELECT id, family_id FROM fm_children ORDER BY id`)).rows.map((r) => `${Number(r.id)}@${Number(r.family_id)}`);

  async function seeded(): Promise<void> {
    const seed = ctx.session();
    const family = Object.assign(new FmFamily(), { id: 1 });
    family.children.push(Object.assign(new FmChild(), { id: 10 }), Object.assign(new FmChild(), { id: 11 }));
    seed.addAll([family, Object.assign(new FmFamily(), { id: 2 })]);
    await seed.commit();
    await seed.close();
  }

  for (const expired of [false, true]) {
    test(`a persistent child is deleted${expired ? " (its reference expired first)" : ""}`, async () => {
      await seeded();
      const session = ctx.session();
      const child = (await session.get(FmChild, 10))!;
      if (expired) session.expire(child);
      else assert.equal((await lazy(child).family).id, 1);
      letGo(child);
      await session.commit();
      assert.deepEqual(await rows(), ["11@1"]);
      assert.deepEqual((await lazy((await session.get(FmFamily, 1))!).children).map((c) => c.id), [11]);
    });
  }

  test("a pending child is not inserted", async () => {
    await seeded();
    const session = ctx.session();
    const family = (await session.get(FmFamily, 1))!;
    const child = Object.assign(new FmChild(), { id: 12 });
    child.family = family;
    session.add(child);
    letGo(child);
    await session.commit();
    assert.deepEqual(await rows(), ["10@1", "11@1"]);
  });

  test("a child let go and taken by another family before the flush moves", async () => {
    await seeded();
    const session = ctx.session();
    const [child, other] = [(await session.get(FmChild, 10))!, (await session.get(FmFamily, 2))!];
    letGo(child);
    child.family = other;
    await session.commit();
    assert.deepEqual(await rows(), ["10@2", "11@1"]);
  });
});
