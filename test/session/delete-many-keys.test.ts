/**
 * Deletes by key of many objects and many links in one flush: the keys go to the DELETE as one
 * bound list (`inValues`) on PostgreSQL and SQLite — one statement for 1,500 composite keys,
 * where an OR of 1,500 comparisons was past SQLite's expression depth (1000) — and as literal
 * lists on MariaDB (whose single-table DELETE would scan the table for a JSON_TABLE subquery).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { DeclarativeBase, column, integer, manyToMany, model, select, string, table, type Given, type Rel } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class DmkBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    DmkCell: DmkCell;
    DmkPost: DmkPost;
    DmkTag: DmkTag;
  }
}

@model("dmk_cells")
class DmkCell extends DmkBase {
  @column(integer().primaryKey()) accessor row!: number;
  @column(string(10).primaryKey()) accessor col!: Given<string>;
}

@model("dmk_posts")
class DmkPost extends DmkBase {
  @column(integer().primaryKey()) accessor id!: number;
  @manyToMany("DmkTag", { secondary: "dmk_post_tags", backPopulates: "posts" }) accessor tags!: Rel<DmkTag[], "posts">;
}

@model("dmk_tags")
class DmkTag extends DmkBase {
  @column(integer().primaryKey()) accessor id!: number;
  @manyToMany("DmkPost", { secondary: "dmk_post_tags", backPopulates: "tags" }) accessor posts!: Rel<DmkPost[], "tags">;
}

table("dmk_post_tags", DmkBase.metadata, {
  postId: integer().named("post_id").primaryKey().references("dmk_posts.id"),
  tagId: integer().named("tag_id").primaryKey().references("dmk_tags.id"),
});

const MANY = 1_500;

forEachDatabaseWithSchema("deleting many keys in one flush", DmkBase.metadata, (ctx) => {
  const deletes = () => ctx.statements.filter((s) => s.startsWith("DELETE")).length;
  const expected = () => (ctx.engine.dialect.capabilities.inValuesInWrites ? 1 : undefined);

  test("1,500 objects with a composite primary key", async () => {
    const session = ctx.session();
    session.addAll(Array.from({ length: MANY }, (_, i) => Object.assign(new DmkCell(), { row: i, col: `c${i % 7}` })));
    await session.commit();
    const cells = await session.scalars(select(DmkCell));
    ctx.reset();
    for (const cell of cells) session.delete(cell);
    await session.commit();
    if (expected()) assert.equal(deletes(), expected());
    assert.equal(await ctx.count("dmk_cells"), 0);
  });

  test("1,500 links of a many-to-many removed", async () => {
    const session = ctx.session();
    const tags = Array.from({ length: 30 }, (_, i) => Object.assign(new DmkTag(), { id: i + 1 }));
    const posts = Array.from({ length: 50 }, (_, i) => Object.assign(new DmkPost(), { id: i + 1 }));
    for (const post of posts) post.tags.push(...tags);
    session.addAll(posts);
    await session.commit();
    assert.equal(await ctx.count("dmk_post_tags"), MANY);
    const loaded = await session.scalars(select(DmkPost));
    for (const post of loaded) await session.load(post, "tags");
    ctx.reset();
    for (const post of loaded) post.tags.splice(0, post.tags.length);
    await session.commit();
    if (expected()) assert.equal(deletes(), expected());
    assert.equal(await ctx.count("dmk_post_tags"), 0);
  });
}, { createOnce: true });
