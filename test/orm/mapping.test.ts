/** Declarative and imperative mapping: the tables they produce, the instances, discovery. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import {
  ArgumentError,
  DeclarativeBase,
  NotConfiguredError,
  Registry,
  UnmappedClassError,
  column,
  insert,
  integer,
  manyToMany,
  manyToOne,
  model,
  oneToMany,
  select,
  string,
  table,
  text,
} from "athanor";
import * as seed from "../../examples/seed/index.js";
import * as blog from "../../examples/blog/index.js";
import { forEachDatabase } from "../support/dialects.js";

describe("declarative mapping", () => {
  const registry = seed.Base.registry;

  test("builds each model's table from its decorators", () => {
    const association = registry.mapperFor(seed.Association).table;
    assert.equal(association.name, "association_table");
    assert.deepEqual(association.columnList.map((c) => [c.key, c.name, c.nullable, c.primaryKey]), [
      ["leftId", "left_id", false, true],
      ["rightId", "right_id", false, true],
      ["extraData", "extra_data", true, false],
    ]);
    assert.deepEqual(association.foreignKeys.map((fk) => fk.target), ["left_table.id", "right_table.id"]);
    assert.equal(seed.Base.metadata, registry.metadata);
    assert.deepEqual([...registry.metadata.tables.keys()].sort(), ["association_table", "left_table", "right_table"]);
  });

  test("resolves the seed's double path: a many-to-many viewed over the association object", () => {
    const children = registry.mapperFor(seed.Parent).relationships.get("children")!;
    assert.equal(children.resolved.direction, "manyToMany");
    assert.equal(children.resolved.secondary?.name, "association_table");
    assert.equal(children.resolved.association?.name, "Association");
    assert.equal(children.backRef?.toString(), "Child.parents");
    const assoc = registry.mapperFor(seed.Parent).relationships.get("childAssociations")!;
    assert.equal(assoc.resolved.direction, "oneToMany");
    assert.equal(assoc.backRef?.toString(), "Association.parent");
  });

  test("instances: attributes read null or an empty list until set, and hold what is set", () => {
    const parent = new seed.Parent();
    assert.equal(parent.id, null);
    assert.deepEqual([...parent.children], []);
    parent.id = 7;
    const association = new seed.Association();
    association.extraData = "x";
    association.parent = parent;
    assert.equal(parent.id, 7);
    assert.equal(association.parent, parent);
    assert.equal(association.extraData, "x");
    // Mapped attributes live behind accessors, not as own fields (ES2022 class fields would hide them).
    assert.equal(Object.getOwnPropertyNames(parent).includes("id"), false);
  });

  test("an object created without its constructor (as hydration does) works", () => {
    const child = Object.create(seed.Child.prototype) as seed.Child;
    child.id = 3;
    assert.equal(child.id, 3);
    assert.deepEqual([...child.parents], []);
  });

  test("the blog's self-references, one-to-one and both many-to-many forms resolve", () => {
    const reg = blog.Base.registry;
    reg.configure();
    const rel = (cls: Function, key: string) => reg.mapperFor(cls as never).relationships.get(key)!;
    assert.equal(rel(blog.User, "profile").resolved.direction, "oneToMany");
    assert.equal(rel(blog.Profile, "user").resolved.direction, "manyToOne");
    assert.equal(rel(blog.Category, "parent").resolved.direction, "manyToOne");
    assert.equal(rel(blog.Category, "children").resolved.direction, "oneToMany");
    assert.deepEqual(rel(blog.User, "following").resolved.pairs.map(([a, b]) => `${a}=${b}`), ["users.id=follows.follower_id"]);
    assert.deepEqual(rel(blog.User, "followers").resolved.pairs.map(([a, b]) => `${a}=${b}`), ["users.id=follows.followed_id"]);
    assert.equal(rel(blog.User, "groups").resolved.association?.name, "Membership");
    assert.equal(rel(blog.Post, "tags").resolved.association, undefined);
    assert.equal(reg.mappers.length, 8);
  });

  test("a model name used twice in one registry is rejected at once", () => {
    class Base extends DeclarativeBase {}
    @model("dup_a")
    class Dup extends Base {
      @column(integer().primaryKey()) accessor id!: number;
    }
    assert.ok(Dup);
    assert.throws(() => {
      @model("dup_b", { name: "Dup" })
      class Other extends Base {
        @column(integer().primaryKey()) accessor id!: number;
      }
      return Other;
    }, /Model name 'Dup' is already used by .*mapping\.test\.ts/);
  });

  test("each mapper knows the line that declares its model, for error messages and tools", () => {
    const at = registry.mapperFor(seed.Parent).definedAt!;
    const [, file, line] = /^(.*):(\d+)$/.exec(at)!;
    assert.match(file!, /examples\/seed\/parent\.ts$/);
    const text = readFileSync(file!, "utf8").split("\n")[Number(line) - 1]!;
    assert.match(text, /@model\("left_table"\)|class Parent/);
  });

  test("mapperFor rejects a class that is not mapped", () => {
    class NotMapped {}
    assert.throws(() => seed.Base.registry.mapperFor(NotMapped), UnmappedClassError);
  });

  test("@model requires a declarative base", () => {
    assert.throws(() => {
      // @ts-expect-error -- @model applies to classes extending a DeclarativeBase subclass
      @model("plain")
      class Plain {}
      return Plain;
    }, ArgumentError);
  });
});

describe("imperative mapping", () => {
  test("maps plain classes onto Core tables, with relationships, like declarative", () => {
    const registry = new Registry();
    const parents = table("im_parents", registry.metadata, { id: integer().primaryKey(), fullname: string(50) });
    const children = table("im_children", registry.metadata, { id: integer().primaryKey(), parentId: integer().references("im_parents.id") });
    const links = table("im_links", registry.metadata, {
      parentId: integer().references("im_parents.id").primaryKey(),
      childId: integer().references("im_children.id").primaryKey(),
      note: text(),
    });
    class Parent {
      declare id: number;
      declare name: string | null;
      declare children: Child[];
    }
    class Child {
      declare id: number;
    }
    class Link {}
    registry.mapImperatively(Parent, parents, {
      properties: {
        name: parents.c.fullname,
        children: oneToMany("ImChild" as never, { backPopulates: "parent" }),
        linked: manyToMany("ImChild" as never, { secondary: "im_links", backPopulates: "linkedBy" }),
      },
    });
    registry.mapImperatively(Child, children, {
      name: "ImChild",
      properties: {
        parent: manyToOne(() => Parent, { backPopulates: "children" }),
        linkedBy: manyToMany(() => Parent, { secondary: () => links, backPopulates: "linked" }),
      },
    });
    registry.mapImperatively(Link, links);
    const mapper = registry.mapperFor(Parent);
    assert.deepEqual([...mapper.columns.keys()], ["id", "name"]);
    assert.equal(mapper.relationships.get("children")!.backRef?.toString(), "ImChild.parent");
    assert.equal(mapper.relationships.get("linked")!.resolved.association?.name, "Link");
    const p = new Parent();
    p.name = "Ann";
    assert.equal(p.name, "Ann");
    assert.deepEqual([...p.children], []);
  });
});

describe("a relationship read before its registry is configured", () => {
  test("NotConfiguredError names the relationship and registry.configure(); configure() then resolves it", () => {
    const registry = new Registry();
    const owners = table("nc_owners", registry.metadata, { id: integer().primaryKey() });
    const pets = table("nc_pets", registry.metadata, { id: integer().primaryKey(), ownerId: integer().references("nc_owners.id") });
    class Owner {}
    class Pet {}
    const owner = registry.mapImperatively(Owner, owners, { properties: { pets: oneToMany(() => Pet) } });
    registry.mapImperatively(Pet, pets);
    const rel = owner.relationships.get("pets")!;
    const notConfigured = (error: unknown) =>
      error instanceof NotConfiguredError && /^Owner\.pets is not configured yet: .*Call registry\.configure\(\) first/.test(error.message);
    assert.throws(() => rel.target, notConfigured);
    assert.throws(() => rel.localAttributes, notConfigured);
    assert.throws(() => rel.attributePairs, notConfigured);
    registry.configure();
    assert.equal(rel.target.name, "Pet");
    assert.deepEqual(rel.attributePairs, [["id", "ownerId"]]);
  });
});

describe("discover", () => {
  test("imports every module of a folder so no model is forgotten", async () => {
    const folder = fileURLToPath(new URL("./fixtures/discover/", import.meta.url));
    const registry = new Registry();
    const files = await registry.discover(folder);
    assert.deepEqual(files.map((f) => f.slice(folder.length)), ["base.ts", "book.ts", "shelf.ts"]);
    const { DiscoverBase } = await import("./fixtures/discover/base.js");
    DiscoverBase.registry.configure();
    assert.deepEqual(DiscoverBase.registry.modelNames().sort(), ["DsBook", "DsShelf"]);
  });

  test("a folder given as a URL relative to the calling module, whatever the working directory", async () => {
    const startDir = process.cwd();
    process.chdir(tmpdir());
    try {
      const files = await new Registry().discover(new URL("./fixtures/discover/", import.meta.url));
      const folder = fileURLToPath(new URL("./fixtures/discover/", import.meta.url));
      assert.deepEqual(files.map((f) => f.slice(folder.length)), ["base.ts", "book.ts", "shelf.ts"]);
    } finally {
      process.chdir(startDir);
    }
  });
});

forEachDatabase("the blog schema", (ctx) => {
  test("creates its tables (self-references, association tables) and round-trips rows through the Core", async () => {
    const reg = blog.Base.registry;
    reg.configure();
    const t = (cls: Function) => reg.mapperFor(cls as never).table;
    await blog.Base.metadata.dropAll(ctx.engine);
    await blog.Base.metadata.createAll(ctx.engine);
    try {
      const names = await ctx.engine.inspect().tableNames();
      for (const name of ["users", "profiles", "categories", "posts", "comments", "tags", "post_tags", "follows", "groups", "memberships"]) {
        assert.ok(names.includes(name), `${name} exists`);
      }
      await ctx.engine.transaction(async (conn) => {
        await conn.execute(insert(t(blog.User)).values([{ id: 1, email: "a@x" }, { id: 2, email: "b@x" }]));
        await conn.execute(insert(blog.follows).values({ followerId: 1, followedId: 2 }));
        await conn.execute(insert(t(blog.Group)).values({ id: 1, name: "admins" }));
        await conn.execute(insert(t(blog.Membership)).values({ userId: 2, groupId: 1 }));
        await conn.execute(insert(t(blog.Category)).values([{ id: 1, name: "root" }, { id: 2, name: "leaf", parentId: 1 }]));
      });
      const membership = t(blog.Membership);
      const users = t(blog.User);
      const rows = await ctx.engine.execute(select(users.c.email, membership.c.role).join(membership));
      assert.deepEqual(rows.rows, [{ email: "b@x", role: "member" }]);
      const followed = await ctx.engine.execute(select(blog.follows.c.followedId).where(blog.follows.c.followerId.eq(1)));
      assert.deepEqual(followed.rows, [{ followedId: 2 }]);
    } finally {
      await blog.Base.metadata.dropAll(ctx.engine);
    }
  });
});
