/**
 * Misconfigurations are reported together at configure, each naming the model, the attribute,
 * what failed and the fix. Models here are mapped imperatively onto Core tables so that each test
 * builds exactly the broken schema it needs (wrong names do not type-check in declarative form,
 * which test/types/orm-checks.ts covers).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DeclarativeBase,
  MappingConfigurationError,
  Registry,
  integer,
  manyToMany,
  manyToOne,
  model,
  column,
  oneToMany,
  string,
  table,
  text,
  type ConfigurationProblem,
} from "athanor";

function problemsOf(registry: Registry): ConfigurationProblem[] {
  try {
    registry.configure();
  } catch (error) {
    assert.ok(error instanceof MappingConfigurationError, `expected MappingConfigurationError, got ${error}`);
    return [...error.problems];
  }
  assert.fail("configure() should have failed");
}

/** Parent/child tables; `childFk` decides whether children.parent_id references parents. */
function parentChild(options: { childFk?: boolean; secondFk?: boolean } = {}) {
  const registry = new Registry();
  const parents = table("parents", registry.metadata, { id: integer().primaryKey(), name: string(20) });
  const fk = (b: ReturnType<typeof integer>) => (options.childFk === false ? b : b.references("parents.id"));
  const children = table("children", registry.metadata, {
    id: integer().primaryKey(),
    parentId: fk(integer().named("parent_id")),
    ...(options.secondFk ? { otherParentId: integer().named("other_parent_id").references("parents.id") } : {}),
  });
  class Parent {}
  class Child {}
  return { registry, parents, children, Parent, Child };
}

describe("configuration errors", () => {
  test("unknown target: names class and attribute, suggests the close match and the import hint", () => {
    const { registry, parents, children, Parent, Child } = parentChild();
    registry.mapImperatively(Parent, parents, { properties: { children: oneToMany("Chidl" as never) } });
    registry.mapImperatively(Child, children);
    const [problem, ...rest] = problemsOf(registry);
    assert.equal(rest.length, 0);
    assert.equal(problem!.model, "Parent");
    assert.equal(problem!.attribute, "children");
    assert.match(problem!.message, /target 'Chidl' is not a mapped model\. Did you mean 'Child'\?/);
    assert.match(problem!.fix, /module is imported/);
    assert.match(problem!.fix, /registry\.discover/);
  });

  test("unknown secondary: suggests the table", () => {
    const registry = new Registry();
    const a = table("a", registry.metadata, { id: integer().primaryKey() });
    const b = table("b", registry.metadata, { id: integer().primaryKey() });
    table("a_b", registry.metadata, { aId: integer().references("a.id").primaryKey(), bId: integer().references("b.id").primaryKey() });
    class A {}
    class B {}
    registry.mapImperatively(A, a, { properties: { bs: manyToMany("B" as never, { secondary: "a_bb" }) } });
    registry.mapImperatively(B, b);
    const [problem] = problemsOf(registry);
    assert.equal(`${problem!.model}.${problem!.attribute}`, "A.bs");
    assert.match(problem!.message, /secondary 'a_bb' is neither a table nor a model\. Did you mean 'a_b'\?/);
  });

  test("missing foreign key: says which table needs one and how to add it", () => {
    const { registry, parents, children, Parent, Child } = parentChild({ childFk: false });
    registry.mapImperatively(Parent, parents, { properties: { children: oneToMany("Child" as never) } });
    registry.mapImperatively(Child, children);
    const [problem] = problemsOf(registry);
    assert.equal(problem!.attribute, "children");
    assert.match(problem!.message, /no foreign key links 'parents' and 'children' \(a oneToMany needs one on 'children' referencing 'parents'\)/);
    assert.match(problem!.fix, /\.references\("parents\.id"\)/);
  });

  test("foreign key on the other side: suggests the right kind", () => {
    const { registry, parents, children, Parent, Child } = parentChild();
    registry.mapImperatively(Parent, parents, { properties: { children: manyToOne("Child" as never) } });
    registry.mapImperatively(Child, children);
    const [problem] = problemsOf(registry);
    assert.match(problem!.fix, /declare this side as oneToMany/);
  });

  test("ambiguous foreign keys: names every candidate column and the option that picks one", () => {
    const { registry, parents, children, Parent, Child } = parentChild({ secondFk: true });
    registry.mapImperatively(Parent, parents, { properties: { children: oneToMany("Child" as never) } });
    registry.mapImperatively(Child, children);
    const [problem] = problemsOf(registry);
    assert.match(problem!.message, /2 foreign keys could link 'parents' and 'children'/);
    assert.match(problem!.message, /children\(parent_id\) -> parents\.id/);
    assert.match(problem!.message, /children\(other_parent_id\) -> parents\.id/);
    assert.match(problem!.fix, /foreignKeys: \["parent_id"\] or \["other_parent_id"\]/);
  });

  test("foreignKeys resolves the ambiguity", () => {
    const { registry, parents, children, Parent, Child } = parentChild({ secondFk: true });
    registry.mapImperatively(Parent, parents, { properties: { children: oneToMany("Child" as never, { foreignKeys: ["other_parent_id"] }) } });
    registry.mapImperatively(Child, children);
    registry.configure();
    const rel = registry.mapperFor(Parent).relationships.get("children")!;
    assert.deepEqual(rel.resolved.pairs.map(([a, b]) => `${a}=${b}`), ["parents.id=children.other_parent_id"]);
  });

  test("mismatched backPopulates: missing attribute, wrong class, not pointing back", () => {
    const { registry, parents, children, Parent, Child } = parentChild();
    const other = table("others", registry.metadata, { id: integer().primaryKey(), parentId: integer().references("parents.id") });
    class Other {}
    registry.mapImperatively(Parent, parents, {
      properties: {
        children: oneToMany("Child" as never, { backPopulates: "parnet" }),
        others: oneToMany("Other" as never, { backPopulates: "owner" }),
        kids: oneToMany("Child" as never, { backPopulates: "parent" }),
      },
    });
    registry.mapImperatively(Child, children, { properties: { parent: manyToOne("Parent" as never, { backPopulates: "children" }) } });
    registry.mapImperatively(Other, other, { properties: { owner: manyToOne("Parent" as never) } });
    const problems = problemsOf(registry).map((p) => `${p.model}.${p.attribute}: ${p.message}`);
    assert.ok(problems.some((p) => /^Parent\.children: backPopulates 'parnet': Child\.parnet does not exist\. Did you mean 'parent'\?/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /^Parent\.others: backPopulates 'owner': Other\.owner does not name this attribute back/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /^Parent\.kids: backPopulates 'parent': Child\.parent points back to 'children', not to 'kids'/.test(p)), problems.join("\n"));
    assert.ok(problems.some((p) => /^Child\.parent: backPopulates 'children': Parent\.children points back to 'parnet'/.test(p)), problems.join("\n"));
  });

  test("a backPopulates naming a column says so", () => {
    const { registry, parents, children, Parent, Child } = parentChild();
    registry.mapImperatively(Parent, parents, { properties: { children: oneToMany("Child" as never, { backPopulates: "parentId" }) } });
    registry.mapImperatively(Child, children);
    const [problem] = problemsOf(registry);
    assert.match(problem!.message, /Child\.parentId is a column, not a relationship/);
  });

  test("a foreign key to an undefined table is reported against its model and attribute", () => {
    const registry = new Registry();
    const posts = table("posts", registry.metadata, { id: integer().primaryKey(), authorId: integer().references("user.id") });
    table("users", registry.metadata, { id: integer().primaryKey() });
    class Post {}
    registry.mapImperatively(Post, posts);
    const [problem] = problemsOf(registry);
    assert.equal(`${problem!.model}.${problem!.attribute}`, "Post.authorId");
    assert.match(problem!.message, /references table 'user', which is not defined\. Did you mean 'users'\?/);
  });

  test("a misspelled foreign key column is one problem, not one more for each relationship that needed it", () => {
    const { registry, parents, Parent, Child } = parentChild({ childFk: false });
    const kids = table("kids", registry.metadata, { id: integer().primaryKey(), parentId: integer().named("parent_id").references("parents.idd") });
    registry.mapImperatively(Parent, parents, { properties: { kids: oneToMany("Child" as never, { backPopulates: "parent" }) } });
    registry.mapImperatively(Child, kids, { properties: { parent: manyToOne("Parent" as never, { backPopulates: "kids" }) } });
    const problems = problemsOf(registry);
    assert.deepEqual(
      problems.map((p) => `${p.model}.${p.attribute}`),
      ["Child.parentId"],
      problems.map((p) => p.message).join("\n"),
    );
    assert.match(problems[0]!.message, /references 'parents\.idd', but table 'parents' has no such column\. Did you mean 'id'\?/);
  });

  test("a misspelled key of a plain association table is reported once, naming the table and its column", () => {
    const registry = new Registry();
    const a = table("a", registry.metadata, { id: integer().primaryKey() });
    const b = table("b", registry.metadata, { id: integer().primaryKey() });
    table("a_b", registry.metadata, { aId: integer().named("a_id").references("a.id").primaryKey(), bId: integer().named("b_id").references("b.idd").primaryKey() });
    class A {}
    class B {}
    registry.mapImperatively(A, a, { properties: { bs: manyToMany("B" as never, { secondary: "a_b", backPopulates: "as" }) } });
    registry.mapImperatively(B, b, { properties: { as: manyToMany("A" as never, { secondary: "a_b", backPopulates: "bs" }) } });
    const problems = problemsOf(registry);
    assert.equal(problems.length, 1, problems.map((p) => p.message).join("\n"));
    assert.equal(`${problems[0]!.model}.${problems[0]!.attribute}`, "A.bs");
    assert.match(problems[0]!.message, /the foreign key of 'a_b\(b_id\)' references 'b\.idd', but table 'b' has no such column\. Did you mean 'id'\?/);
    assert.match(problems[0]!.fix, /Correct the target/);
  });

  test("several problems are reported together, in one error", () => {
    const { registry, parents, children, Parent, Child } = parentChild({ childFk: false });
    registry.mapImperatively(Parent, parents, {
      properties: {
        children: oneToMany("Child" as never),
        siblings: oneToMany("Sibling" as never),
        links: manyToMany("Child" as never, { secondary: "nowhere" }),
      },
    });
    registry.mapImperatively(Child, children);
    let error: unknown;
    try {
      registry.configure();
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof MappingConfigurationError);
    assert.equal(error.problems.length, 3);
    assert.match(error.message, /The model configuration has 3 problems:/);
    assert.match(error.message, /1\. Parent\.children: /);
    assert.match(error.message, /Parent\.siblings: the target 'Sibling'/);
    assert.match(error.message, /Parent\.links: the secondary 'nowhere'/);
    assert.match(error.message, /fix: /);
  });

  test("a many-to-many overlapping an association object whose key is not the link is rejected", () => {
    const registry = new Registry();
    const a = table("a", registry.metadata, { id: integer().primaryKey() });
    const b = table("b", registry.metadata, { id: integer().primaryKey() });
    const links = table("links", registry.metadata, {
      id: integer().primaryKey(),
      aId: integer().notNull().references("a.id"),
      bId: integer().notNull().references("b.id"),
      note: text().notNull(),
    });
    class A {}
    class B {}
    class Link {}
    registry.mapImperatively(A, a, { properties: { bs: manyToMany("B" as never, { secondary: "links" }) } });
    registry.mapImperatively(B, b);
    registry.mapImperatively(Link, links);
    const [problem] = problemsOf(registry);
    assert.equal(`${problem!.model}.${problem!.attribute}`, "A.bs");
    assert.match(problem!.message, /also mapped by Link, whose primary key \(id\) is not its link columns \(aId, bId\)/);
    assert.match(problem!.fix, /viewonly: true/);
  });

  test("a link written through the many-to-many must be able to fill the association's columns", () => {
    const registry = new Registry();
    const a = table("a", registry.metadata, { id: integer().primaryKey() });
    const b = table("b", registry.metadata, { id: integer().primaryKey() });
    const links = table("links", registry.metadata, {
      aId: integer().references("a.id").primaryKey(),
      bId: integer().references("b.id").primaryKey(),
      note: text().notNull(),
      rank: integer().notNull().default(0),
    });
    class A {}
    class B {}
    class Link {}
    registry.mapImperatively(A, a, { properties: { bs: manyToMany("B" as never, { secondary: "links" }) } });
    registry.mapImperatively(B, b);
    registry.mapImperatively(Link, links);
    const problems = problemsOf(registry);
    assert.equal(problems.length, 1, "rank has a default; only note is reported");
    assert.match(problems[0]!.message, /a link added through A\.bs creates a Link, but Link\.note is NOT NULL with no default/);
  });

  test("a table without a primary key cannot be mapped imperatively: the problem names class, table and the fix", () => {
    const registry = new Registry();
    const events = table("events", registry.metadata, { at: integer().notNull(), what: text() });
    class Event {}
    registry.mapImperatively(Event, events);
    const [problem, ...rest] = problemsOf(registry);
    assert.equal(rest.length, 0);
    assert.equal(problem!.model, "Event");
    assert.equal(problem!.attribute, undefined);
    assert.match(problem!.message, /table 'events' has no primary key/);
    assert.match(problem!.fix, /^Declare a primary key column, e\.g\. @column\(integer\(\)\.primaryKey\(\)\)/);
    assert.match(problem!.fix, /table\("events", \.\.\.\)/);
    assert.match(problem!.file ?? "", /configuration-errors\.test\.[jt]s:\d+$/);
  });

  test("a declarative model without a primary key fails at configure, before any session uses it", () => {
    class Base extends DeclarativeBase {}
    @model("audit_lines")
    class AuditLine extends Base {
      @column(integer().notNull()) accessor at!: number;
      @column(text()) accessor line!: string | null;
    }
    const problems = problemsOf(Base.registry);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.model, "AuditLine");
    assert.match(problems[0]!.message, /table 'audit_lines' has no primary key/);
    assert.throws(() => Base.registry.mapperFor(AuditLine), MappingConfigurationError, "the mapper is not handed out either");
  });

  test("a composite primary key is a primary key", () => {
    const registry = new Registry();
    const slots = table("slots", registry.metadata, { day: integer().primaryKey(), slot: integer().primaryKey(), note: text() });
    class Slot {}
    registry.mapImperatively(Slot, slots);
    registry.configure();
    assert.deepEqual(registry.mapperFor(Slot).keyAttributes, ["day", "slot"]);
  });

  test("problems point at the file that defines the model", () => {
    const { registry, parents, Parent } = parentChild();
    registry.mapImperatively(Parent, parents, { properties: { x: oneToMany("Nope" as never) } });
    const [problem] = problemsOf(registry);
    assert.match(problem!.file ?? "", /configuration-errors\.test\.[jt]s:\d+$/);
  });

  test("a fixed registry configures once the problem is gone", () => {
    const { registry, parents, children, Parent, Child } = parentChild();
    registry.mapImperatively(Parent, parents, { properties: { children: oneToMany("Child" as never) } });
    assert.throws(() => registry.configure(), MappingConfigurationError);
    registry.mapImperatively(Child, children);
    registry.configure();
    assert.ok(registry.isConfigured);
  });
});
