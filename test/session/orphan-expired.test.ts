/**
 * A child taken out of a delete-orphan list, then expired (`session.expire(child)`) before the
 * flush. The orphan check read its back-reference, no longer known, and left it alone, while the
 * flush set its foreign key to null: with a NOT NULL key an IntegrityError, with a nullable one a
 * row left on no parent where delete-orphan promised its deletion. It is deleted now, unless a
 * loaded list of the relationship holds it or its key was set to another parent since.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, integer, lazy, manyToOne, model, oneToMany, sql, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class OeBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    OeParent: OeParent;
    OeStrict: OeStrict;
    OeLoose: OeLoose;
  }
}

@model("oe_parents")
class OeParent extends OeBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("OeStrict", { backPopulates: "parent", cascade: "all, delete-orphan" }) accessor strict!: Rel<OeStrict[], "parent">;
  @oneToMany("OeLoose", { backPopulates: "parent", cascade: "all, delete-orphan" }) accessor loose!: Rel<OeLoose[], "parent">;
}

/** Its key to the parent is NOT NULL. */
@model("oe_strict")
class OeStrict extends OeBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("parent_id").notNull().references("oe_parents.id")) accessor parentId!: number;
  @manyToOne("OeParent", { backPopulates: "strict" }) accessor parent!: Rel<OeParent, "strict">;
}

/** Its key to the parent may be null. */
@model("oe_loose")
class OeLoose extends OeBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("parent_id").references("oe_parents.id")) accessor parentId!: number | null;
  @manyToOne("OeParent", { backPopulates: "loose" }) accessor parent!: Rel<OeParent | null, "loose">;
}

forEachDatabaseWithSchema("an orphan expired before the flush", OeBase.metadata, (ctx) => {
  async function seeded(): Promise<void> {
    const seed = ctx.session();
    const parent = Object.assign(new OeParent(), { id: 1 });
    parent.strict.push(Object.assign(new OeStrict(), { id: 10 }), Object.assign(new OeStrict(), { id: 11 }));
    parent.loose.push(Object.assign(new OeLoose(), { id: 20 }), Object.assign(new OeLoose(), { id: 21 }));
    seed.addAll([parent, Object.assign(new OeParent(), { id: 2 })]);
    await seed.commit();
    await seed.close();
  }
  const rows = async (table: string) =>
    (await ctx.engine.execute(sql<{ id: number; parent_id: number | null }>`SELECT id, parent_id FROM ${sql.raw(table)} ORDER BY id`)).rows.map((row) => `${Number(row.id)}@${row.parent_id ?? "null"}`);

  for (const list of ["strict", "loose"] as const) {
    const table = `oe_${list}`;
    const [first, second] = list === "strict" ? [10, 11] : [20, 21];
    test(`${list} key: the expired orphan is deleted, nothing else changes`, async () => {
      await seeded();
      const session = ctx.session();
      const children = await lazy((await session.get(OeParent, 1))!)[list];
      const child = children.find((c) => c.id === first)!;
      children.splice(children.indexOf(child as never), 1);
      session.expire(child);
      await session.commit();
      assert.deepEqual(await rows(table), [`${second}@1`]);
    });

    test(`${list} key: expired after it moved to another parent's loaded list, it is that parent's child`, async () => {
      await seeded();
      const session = ctx.session();
      const children = await lazy((await session.get(OeParent, 1))!)[list];
      const other = await lazy((await session.get(OeParent, 2))!)[list];
      const child = children.find((c) => c.id === first)!;
      children.splice(children.indexOf(child as never), 1);
      other.push(child as never);
      session.expire(child);
      await session.commit();
      assert.deepEqual(await rows(table), [`${first}@2`, `${second}@1`]);
    });

    test(`${list} key: expired, then its key set to another parent, it moves there`, async () => {
      await seeded();
      const session = ctx.session();
      const children = await lazy((await session.get(OeParent, 1))!)[list];
      const child = children.find((c) => c.id === first)!;
      children.splice(children.indexOf(child as never), 1);
      session.expire(child);
      child.parentId = 2;
      await session.commit();
      assert.deepEqual(await rows(table), [`${first}@2`, `${second}@1`]);
    });
  }
}, { createOnce: true });
