/**
 * The SQL of the ORM's statement forms that compile without a session: `select(Model)`, entities
 * in joins, and the joins joined eager loading adds. Per dialect, written out (compile-only: see
 * test/support/assert-compile.ts), on the seed example's models.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ArgumentError, aliased, columnsOf, func, select, type Select } from "../../src/index.js";
import { mapperOfClass } from "../../src/orm/mapped.js";
import { withJoinedLoads } from "../../src/orm/loading/joined.js";
import { Association, Child, Parent } from "../../examples/seed/index.js";
import { assertCompile } from "../support/assert-compile.js";

const parent = columnsOf(Parent);
const link = columnsOf(Association);

/** The statement a query with joinedLoad() options runs, for the named relationships of the first entity. */
function joined(statement: Select<unknown>, ...rels: [model: abstract new () => object, key: string][]): Select<unknown> {
  return withJoinedLoads(statement, rels.map(([model, key]) => mapperOfClass(model)!.relationships.get(key)!).map((rel) => ({ rel, under: undefined }))).statement;
}

describe("compiled SQL: ORM entity statements", () => {
  test("columnsOf: a name the model maps no column under is an error naming the class, the attribute and the fix", () => {
    const loose = columnsOf(Association) as unknown as Record<string, unknown>;
    assert.throws(() => loose.extraDat, (error: unknown) => error instanceof ArgumentError && /columnsOf\(Association\)\.extraDat: Association maps no column 'extraDat'\. Did you mean 'extraData'\? Only attributes declared with @column/.test(error.message));
    const parents = columnsOf(Parent) as unknown as Record<string, unknown>;
    assert.throws(() => parents.children, /columnsOf\(Parent\)\.children: children is a relationship, not a column\. Join it/);
    const other = columnsOf(aliased(Parent, "other")) as unknown as Record<string, unknown>;
    assert.throws(() => other.nope, /columnsOf\(Parent\)\.nope: Parent maps no column 'nope'/);
    // What other code probes for stays undefined: awaiting it, JSON, symbols.
    assert.equal(loose.then, undefined);
    assert.equal(loose.toJSON, undefined);
    assert.deepEqual(Object.keys(loose), ["leftId", "rightId", "extraData"]);
  });

  test("select(Model): the mapped columns, in mapping order", () => {
    assertCompile(select(Parent), {
      sqlite: ['SELECT "left_table"."id" FROM "left_table"', []],
      postgresql: ['SELECT "left_table"."id" FROM "left_table"', []],
      mysql: ["SELECT `left_table`.`id` FROM `left_table`", []],
    });
  });

  test("attributes whose column names differ are selected AS the attribute", () => {
    assertCompile(select(Association).where(link.leftId.eq(1), link.extraData.isNotNull()), {
      sqlite: ['SELECT "association_table"."left_id" AS "leftId", "association_table"."right_id" AS "rightId", "association_table"."extra_data" AS "extraData" FROM "association_table" WHERE ("association_table"."left_id" = ?) AND ("association_table"."extra_data" IS NOT NULL)', [1]],
      postgresql: ['SELECT "association_table"."left_id" AS "leftId", "association_table"."right_id" AS "rightId", "association_table"."extra_data" AS "extraData" FROM "association_table" WHERE ("association_table"."left_id" = $1) AND ("association_table"."extra_data" IS NOT NULL)', [1]],
      mysql: ["SELECT `association_table`.`left_id` AS `leftId`, `association_table`.`right_id` AS `rightId`, `association_table`.`extra_data` AS `extraData` FROM `association_table` WHERE (`association_table`.`left_id` = ?) AND (`association_table`.`extra_data` IS NOT NULL)", [1]],
    });
  });

  test("an entity and an aggregate", () => {
    assertCompile(select(Association, func.count().label("n")).groupBy(link.leftId, link.rightId, link.extraData), {
      sqlite: ['SELECT "association_table"."left_id" AS "leftId", "association_table"."right_id" AS "rightId", "association_table"."extra_data" AS "extraData", count(*) AS "n" FROM "association_table" GROUP BY "association_table"."left_id", "association_table"."right_id", "association_table"."extra_data"', []],
      postgresql: ['SELECT "association_table"."left_id" AS "leftId", "association_table"."right_id" AS "rightId", "association_table"."extra_data" AS "extraData", count(*) AS "n" FROM "association_table" GROUP BY "association_table"."left_id", "association_table"."right_id", "association_table"."extra_data"', []],
      mysql: ["SELECT `association_table`.`left_id` AS `leftId`, `association_table`.`right_id` AS `rightId`, `association_table`.`extra_data` AS `extraData`, count(*) AS `n` FROM `association_table` GROUP BY `association_table`.`left_id`, `association_table`.`right_id`, `association_table`.`extra_data`", []],
    });
  });

  test("two entities joined through their foreign key", () => {
    assertCompile(select(Association, Parent).join(Parent), {
      sqlite: ['SELECT "association_table"."left_id" AS "leftId", "association_table"."right_id" AS "rightId", "association_table"."extra_data" AS "extraData", "left_table"."id" FROM "association_table" JOIN "left_table" ON "left_table"."id" = "association_table"."left_id"', []],
      postgresql: ['SELECT "association_table"."left_id" AS "leftId", "association_table"."right_id" AS "rightId", "association_table"."extra_data" AS "extraData", "left_table"."id" FROM "association_table" JOIN "left_table" ON "left_table"."id" = "association_table"."left_id"', []],
      mysql: ["SELECT `association_table`.`left_id` AS `leftId`, `association_table`.`right_id` AS `rightId`, `association_table`.`extra_data` AS `extraData`, `left_table`.`id` FROM `association_table` JOIN `left_table` ON `left_table`.`id` = `association_table`.`left_id`", []],
    });
  });

  test("two entities with clashing column keys: the second's are numbered", () => {
    assertCompile(select(Parent, Child), {
      sqlite: ['SELECT "left_table"."id", "right_table"."id" AS "id_1" FROM "left_table", "right_table"', []],
      postgresql: ['SELECT "left_table"."id", "right_table"."id" AS "id_1" FROM "left_table", "right_table"', []],
      mysql: ["SELECT `left_table`.`id`, `right_table`.`id` AS `id_1` FROM `left_table`, `right_table`", []],
    });
  });

  test("an entity joined to another entity that is not selected", () => {
    assertCompile(select(Parent).join(Association).where(link.extraData.eq("x")).orderBy(parent.id.desc()).limit(3), {
      sqlite: ['SELECT "left_table"."id" FROM "left_table" JOIN "association_table" ON "left_table"."id" = "association_table"."left_id" WHERE "association_table"."extra_data" = ? ORDER BY "left_table"."id" DESC LIMIT ?', ["x", 3]],
      postgresql: ['SELECT "left_table"."id" FROM "left_table" JOIN "association_table" ON "left_table"."id" = "association_table"."left_id" WHERE "association_table"."extra_data" = $1 ORDER BY "left_table"."id" DESC LIMIT $2', ["x", 3]],
      mysql: ["SELECT `left_table`.`id` FROM `left_table` JOIN `association_table` ON `left_table`.`id` = `association_table`.`left_id` WHERE `association_table`.`extra_data` = ? ORDER BY `left_table`.`id` DESC LIMIT ?", ["x", 3]],
    });
  });

  // ---------------------------------------------------------------- joined eager loading
  test("joinedLoad of a one-to-many: a LEFT OUTER JOIN to an alias of the target", () => {
    assertCompile(joined(select(Parent), [Parent, "childAssociations"]), {
      sqlite: ['SELECT "left_table"."id", "childAssociations_j0"."left_id" AS "childAssociations_j0_leftId", "childAssociations_j0"."right_id" AS "childAssociations_j0_rightId", "childAssociations_j0"."extra_data" AS "childAssociations_j0_extraData" FROM "left_table" LEFT OUTER JOIN "association_table" AS "childAssociations_j0" ON "left_table"."id" = "childAssociations_j0"."left_id"', []],
      postgresql: ['SELECT "left_table"."id", "childAssociations_j0"."left_id" AS "childAssociations_j0_leftId", "childAssociations_j0"."right_id" AS "childAssociations_j0_rightId", "childAssociations_j0"."extra_data" AS "childAssociations_j0_extraData" FROM "left_table" LEFT OUTER JOIN "association_table" AS "childAssociations_j0" ON "left_table"."id" = "childAssociations_j0"."left_id"', []],
      mysql: ["SELECT `left_table`.`id`, `childAssociations_j0`.`left_id` AS `childAssociations_j0_leftId`, `childAssociations_j0`.`right_id` AS `childAssociations_j0_rightId`, `childAssociations_j0`.`extra_data` AS `childAssociations_j0_extraData` FROM `left_table` LEFT OUTER JOIN `association_table` AS `childAssociations_j0` ON `left_table`.`id` = `childAssociations_j0`.`left_id`", []],
    });
  });

  test("joinedLoad of a many-to-one", () => {
    assertCompile(joined(select(Association), [Association, "parent"]), {
      sqlite: ['SELECT "association_table"."left_id" AS "leftId", "association_table"."right_id" AS "rightId", "association_table"."extra_data" AS "extraData", "parent_j0"."id" AS "parent_j0_id" FROM "association_table" LEFT OUTER JOIN "left_table" AS "parent_j0" ON "association_table"."left_id" = "parent_j0"."id"', []],
      postgresql: ['SELECT "association_table"."left_id" AS "leftId", "association_table"."right_id" AS "rightId", "association_table"."extra_data" AS "extraData", "parent_j0"."id" AS "parent_j0_id" FROM "association_table" LEFT OUTER JOIN "left_table" AS "parent_j0" ON "association_table"."left_id" = "parent_j0"."id"', []],
      mysql: ["SELECT `association_table`.`left_id` AS `leftId`, `association_table`.`right_id` AS `rightId`, `association_table`.`extra_data` AS `extraData`, `parent_j0`.`id` AS `parent_j0_id` FROM `association_table` LEFT OUTER JOIN `left_table` AS `parent_j0` ON `association_table`.`left_id` = `parent_j0`.`id`", []],
    });
  });

  test("joinedLoad of a many-to-many: through an alias of the association table", () => {
    assertCompile(joined(select(Parent).where(parent.id.gt(3)), [Parent, "children"]), {
      sqlite: ['SELECT "left_table"."id", "children_j0"."id" AS "children_j0_id" FROM "left_table" LEFT OUTER JOIN "association_table" AS "children_l0" ON "left_table"."id" = "children_l0"."left_id" LEFT OUTER JOIN "right_table" AS "children_j0" ON "children_j0"."id" = "children_l0"."right_id" WHERE "left_table"."id" > ?', [3]],
      postgresql: ['SELECT "left_table"."id", "children_j0"."id" AS "children_j0_id" FROM "left_table" LEFT OUTER JOIN "association_table" AS "children_l0" ON "left_table"."id" = "children_l0"."left_id" LEFT OUTER JOIN "right_table" AS "children_j0" ON "children_j0"."id" = "children_l0"."right_id" WHERE "left_table"."id" > $1', [3]],
      mysql: ["SELECT `left_table`.`id`, `children_j0`.`id` AS `children_j0_id` FROM `left_table` LEFT OUTER JOIN `association_table` AS `children_l0` ON `left_table`.`id` = `children_l0`.`left_id` LEFT OUTER JOIN `right_table` AS `children_j0` ON `children_j0`.`id` = `children_l0`.`right_id` WHERE `left_table`.`id` > ?", [3]],
    });
  });

  test("joinedLoad of two relationships: numbered aliases", () => {
    assertCompile(joined(select(Parent), [Parent, "children"], [Parent, "childAssociations"]), {
      sqlite: ['SELECT "left_table"."id", "children_j0"."id" AS "children_j0_id", "childAssociations_j1"."left_id" AS "childAssociations_j1_leftId", "childAssociations_j1"."right_id" AS "childAssociations_j1_rightId", "childAssociations_j1"."extra_data" AS "childAssociations_j1_extraData" FROM "left_table" LEFT OUTER JOIN "association_table" AS "children_l0" ON "left_table"."id" = "children_l0"."left_id" LEFT OUTER JOIN "right_table" AS "children_j0" ON "children_j0"."id" = "children_l0"."right_id" LEFT OUTER JOIN "association_table" AS "childAssociations_j1" ON "left_table"."id" = "childAssociations_j1"."left_id"', []],
      postgresql: ['SELECT "left_table"."id", "children_j0"."id" AS "children_j0_id", "childAssociations_j1"."left_id" AS "childAssociations_j1_leftId", "childAssociations_j1"."right_id" AS "childAssociations_j1_rightId", "childAssociations_j1"."extra_data" AS "childAssociations_j1_extraData" FROM "left_table" LEFT OUTER JOIN "association_table" AS "children_l0" ON "left_table"."id" = "children_l0"."left_id" LEFT OUTER JOIN "right_table" AS "children_j0" ON "children_j0"."id" = "children_l0"."right_id" LEFT OUTER JOIN "association_table" AS "childAssociations_j1" ON "left_table"."id" = "childAssociations_j1"."left_id"', []],
      mysql: ["SELECT `left_table`.`id`, `children_j0`.`id` AS `children_j0_id`, `childAssociations_j1`.`left_id` AS `childAssociations_j1_leftId`, `childAssociations_j1`.`right_id` AS `childAssociations_j1_rightId`, `childAssociations_j1`.`extra_data` AS `childAssociations_j1_extraData` FROM `left_table` LEFT OUTER JOIN `association_table` AS `children_l0` ON `left_table`.`id` = `children_l0`.`left_id` LEFT OUTER JOIN `right_table` AS `children_j0` ON `children_j0`.`id` = `children_l0`.`right_id` LEFT OUTER JOIN `association_table` AS `childAssociations_j1` ON `left_table`.`id` = `childAssociations_j1`.`left_id`", []],
    });
  });

  test("joinedLoad with LIMIT: the parents are limited in a subquery, the joins made to it", () => {
    assertCompile(joined(select(Parent).orderBy(parent.id.desc()).limit(2).offset(1), [Parent, "children"]), {
      sqlite: ['SELECT "athanor_parents"."id", "children_j0"."id" AS "children_j0_id" FROM (SELECT "left_table"."id", "left_table"."id" AS "athanor_key_0", "left_table"."id" AS "athanor_order_0" FROM "left_table" ORDER BY "left_table"."id" DESC LIMIT ? OFFSET ?) AS "athanor_parents" LEFT OUTER JOIN "association_table" AS "children_l0" ON "athanor_parents"."athanor_key_0" = "children_l0"."left_id" LEFT OUTER JOIN "right_table" AS "children_j0" ON "children_j0"."id" = "children_l0"."right_id" ORDER BY "athanor_parents"."athanor_order_0" DESC', [2, 1]],
      postgresql: ['SELECT "athanor_parents"."id", "children_j0"."id" AS "children_j0_id" FROM (SELECT "left_table"."id", "left_table"."id" AS "athanor_key_0", "left_table"."id" AS "athanor_order_0" FROM "left_table" ORDER BY "left_table"."id" DESC LIMIT $1 OFFSET $2) AS "athanor_parents" LEFT OUTER JOIN "association_table" AS "children_l0" ON "athanor_parents"."athanor_key_0" = "children_l0"."left_id" LEFT OUTER JOIN "right_table" AS "children_j0" ON "children_j0"."id" = "children_l0"."right_id" ORDER BY "athanor_parents"."athanor_order_0" DESC', [2, 1]],
      mysql: ["SELECT `athanor_parents`.`id`, `children_j0`.`id` AS `children_j0_id` FROM (SELECT `left_table`.`id`, `left_table`.`id` AS `athanor_key_0`, `left_table`.`id` AS `athanor_order_0` FROM `left_table` ORDER BY `left_table`.`id` DESC LIMIT ? OFFSET ?) AS `athanor_parents` LEFT OUTER JOIN `association_table` AS `children_l0` ON `athanor_parents`.`athanor_key_0` = `children_l0`.`left_id` LEFT OUTER JOIN `right_table` AS `children_j0` ON `children_j0`.`id` = `children_l0`.`right_id` ORDER BY `athanor_parents`.`athanor_order_0` DESC", [2, 1]],
    });
  });
});
