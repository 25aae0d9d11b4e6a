/**
 * Objects that give no column at all, their key generated: several go in one INSERT, each row
 * naming its key column with what makes the database generate it. On MariaDB that was DEFAULT,
 * which is 0 for an AUTO_INCREMENT column once the session's sql_mode has NO_AUTO_VALUE_ON_ZERO
 * (added so that a key of 0 given is stored as 0): the second row failed with a duplicate key 0.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, integer, model, oneToMany, manyToOne, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class KeyOnlyBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    KoParent: KoParent;
    KoChild: KoChild;
  }
}

@model("ko_parents")
class KoParent extends KeyOnlyBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("KoChild", { backPopulates: "parent" }) accessor children!: Rel<KoChild[], "parent">;
}

@model("ko_children")
class KoChild extends KeyOnlyBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("parent_id").references("ko_parents.id")) accessor parentId!: number | null;
  @manyToOne("KoParent", { backPopulates: "children" }) accessor parent!: Rel<KoParent | null, "children">;
}

forEachDatabaseWithSchema("objects that give no column", KeyOnlyBase.metadata, (ctx) => {
  test("several in one flush each get a key of their own; their children name them", async () => {
    const session = ctx.session({ expireOnCommit: false });
    const parents = Array.from({ length: 5 }, () => new KoParent());
    for (const parent of parents) parent.children.push(new KoChild());
    session.addAll(parents);
    await session.commit();
    const ids = parents.map((p) => p.id);
    assert.equal(new Set(ids).size, 5);
    assert.ok(ids.every((id) => id > 0), String(ids));
    assert.equal(await ctx.count("ko_parents"), 5);
    assert.equal(await ctx.count("ko_children", `parent_id IN (${ids.join(", ")})`), 5);
  });
}, { createOnce: true });
