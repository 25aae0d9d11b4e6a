/**
 * Joined-table inheritance, declared: a subclass with a table name gets a table keyed by the base's
 * key (added, or declared under the base's attribute name), a foreign key to the base's with ON
 * DELETE CASCADE, and may have NOT NULL columns; what is not supported yet (mixing with
 * single-table subclasses, a key column of its own, table options of the base) is refused when
 * the class is decorated, naming the class and the fix, leaving the metadata as it was.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ArgumentError, DeclarativeBase, MappingConfigurationError, column, integer, model, string, text, type ConfigurationProblem } from "athanor";

const refused = (pattern: RegExp) => (error: unknown) => error instanceof ArgumentError && pattern.test(error.message);

/** A fresh base with a polymorphic root `Shape` (table `shapes`, discriminator `kind`). */
function hierarchy() {
  class Base extends DeclarativeBase {}
  @model("shapes", { polymorphicOn: "kind", polymorphicIdentity: "shape" })
  class Shape extends Base {
    @column(integer().named("shape_id").primaryKey()) accessor id!: number;
    @column(string(10).notNull()) accessor kind!: string;
  }
  return { Base, Shape };
}

describe("joined-table inheritance: declarations", () => {
  test("the subclass table is keyed by the base's key, a cascading foreign key to it; its columns may be NOT NULL", () => {
    const { Base, Shape } = hierarchy();
    @model("circles", { polymorphicIdentity: "circle" })
    class Circle extends Shape {
      @column(integer().notNull()) accessor radius!: number;
    }
    void Circle;
    Base.registry.configure(); // NOT NULL is no problem: the other classes' rows are not in `circles`
    const circles = Base.metadata.table("circles")!;
    assert.deepEqual(circles.columnList.map((c) => [c.name, c.primaryKey, c.nullable]), [["shape_id", true, false], ["radius", false, false]]);
    assert.deepEqual(circles.foreignKeys.map((fk) => [fk.columns.map((c) => c.name), fk.referredTable.name, fk.onDelete]), [[["shape_id"], "shapes", "cascade"]]);
    // Not generated: the key is the base row's.
    assert.equal(circles.primaryKey[0]!.autoincrement, false);
    assert.deepEqual(Base.metadata.sortedTables.map((t) => t.name), ["shapes", "circles"]);
  });

  test("a key column declared under the base's attribute name names the subclass table's key", () => {
    const { Base, Shape } = hierarchy();
    @model("squares", { polymorphicIdentity: "square" })
    class Square extends Shape {
      // @ts-expect-error TS2612: the accessor redeclares the base's (the mapping is the same attribute)
      @column(integer().named("square_id").primaryKey()) override accessor id!: number;
      @column(integer()) accessor side!: number | null;
    }
    void Square;
    const squares = Base.metadata.table("squares")!;
    assert.deepEqual(squares.columnList.map((c) => c.name), ["square_id", "side"]);
    assert.deepEqual(squares.foreignKeys.map((fk) => [fk.columns[0]!.name, fk.target]), [["square_id", "shapes.shape_id"]]);
  });

  test("mixing single-table and joined-table subclasses in one hierarchy is refused, either way round", () => {
    const { Base, Shape } = hierarchy();
    @model("circles", { polymorphicIdentity: "circle" })
    class Circle extends Shape {}
    void Circle;
    assert.throws(() => {
      @model({ polymorphicIdentity: "dot" })
      class Dot extends Shape {}
      void Dot;
    }, refused(/@model on Dot: Shape's hierarchy gives each subclass a table of its own \(joined-table inheritance\), and mixing the two in one hierarchy is not supported yet\. Give Dot's @model a table name\./));
    assert.equal(Base.registry.mapperByName("Dot"), undefined);
  });

  test("a primary key of its own, a column the base maps, or the base's table options are refused, the metadata unchanged", () => {
    const { Base, Shape } = hierarchy();
    assert.throws(() => {
      @model("lines", { polymorphicIdentity: "line" })
      class Line extends Shape {
        @column(integer().primaryKey()) accessor lineNo!: number;
      }
      void Line;
    }, refused(/@model on Line: 'lineNo' cannot be a primary-key column: the key of 'lines' is Shape's \(id\).*Drop \.primaryKey\(\)/));
    assert.throws(() => {
      @model("lines", { polymorphicIdentity: "line" })
      class Line extends Shape {
        // @ts-expect-error TS2612: redeclared on purpose
        @column(integer().named("line_id")) override accessor id!: number;
      }
      void Line;
    }, refused(/'id' is Shape's key; in the table of a joined subclass it must be the key too\. Add \.primaryKey\(\)/));
    assert.throws(() => {
      @model("lines", { polymorphicIdentity: "line", version: "id" })
      class Line extends Shape {}
      void Line;
    }, refused(/@model on Line: 'version' belongs to the hierarchy, which is Shape's \(joined-table inheritance\)/));
    assert.throws(() => {
      @model("lines")
      class Line extends Shape {
        @column(text()) accessor label!: string | null;
      }
      void Line;
    }, refused(/@model on Line: a subclass of Shape \(joined-table inheritance\) needs a polymorphicIdentity/));
    assert.equal(Base.metadata.table("lines"), undefined);
    assert.deepEqual([...Base.registry.mapperFor(Shape).columns.keys()], ["id", "kind"]);
  });

  test("a foreign key of a subclass's table with ON DELETE CASCADE is a configuration problem naming class, attribute and fix; SET NULL is not", () => {
    const { Base, Shape } = hierarchy();
    @model("canvases")
    class Canvas extends Base {
      @column(integer().primaryKey()) accessor id!: number;
    }
    @model("circles", { polymorphicIdentity: "circle" })
    class Circle extends Shape {
      @column(integer().named("canvas_id").references("canvases.id", { onDelete: "cascade" })) accessor canvasId!: number | null;
      @column(integer().named("frame_id").references("canvases.id", { onDelete: "set null" })) accessor frameId!: number | null;
    }
    void Canvas;
    void Circle;
    let problems: readonly ConfigurationProblem[] = [];
    assert.throws(() => Base.registry.configure(), (error: unknown) => error instanceof MappingConfigurationError && (problems = error.problems).length > 0);
    assert.deepEqual(problems.map((p) => [p.model, p.attribute]), [["Circle", "canvasId"]]);
    assert.match(problems[0]!.message, /circles\(canvas_id\) -> canvases has ON DELETE CASCADE, but Circle's rows span 'shapes' and 'circles': deleting a canvases row would delete the 'circles' row only/);
    assert.match(problems[0]!.fix, /onDelete: "set null"/);
  });
});
