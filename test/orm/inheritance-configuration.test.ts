/**
 * Single-table inheritance, declared wrong: each mistake is refused when the class is decorated
 * (or reported by configure with the other problems), naming the class, the attribute and the
 * fix; what athanor does not support yet (concrete inheritance, single-table and joined-table
 * subclasses mixed) is refused, never mapped as something else. And declared right: one table holds every class's columns (createAll DDL).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ArgumentError,
  DeclarativeBase,
  InvalidRequestError,
  MappingConfigurationError,
  Session,
  column,
  createEngine,
  integer,
  model,
  oneToMany,
  select,
  string,
  type Column,
  type ConfigurationProblem,
  type Rel,
} from "athanor";

function problemsOf(base: typeof DeclarativeBase): ConfigurationProblem[] {
  try {
    base.registry.configure();
  } catch (error) {
    assert.ok(error instanceof MappingConfigurationError, `expected MappingConfigurationError, got ${error}`);
    return [...error.problems];
  }
  assert.fail("configure() should have failed");
}

/** A fresh base with a polymorphic root `Animal` (table `animals`, discriminator `kind`). */
function hierarchy(identity?: string) {
  class Base extends DeclarativeBase {}
  @model("animals", { polymorphicOn: "kind", ...(identity === undefined ? {} : { polymorphicIdentity: identity }) })
  class Animal extends Base {
    @column(integer().primaryKey()) accessor id!: number;
    @column(string(10).notNull()) accessor kind!: string;
  }
  return { Base, Animal };
}

const refused = (pattern: RegExp) => (error: unknown) => error instanceof ArgumentError && pattern.test(error.message);

describe("single-table inheritance: configuration", () => {
  test("a subclass column NOT NULL without a default is a configuration problem naming class, attribute and fix", () => {
    const { Base, Animal } = hierarchy();
    @model({ polymorphicIdentity: "dog" })
    class Dog extends Animal {
      @column(string(20).notNull()) accessor breed!: string;
      @column(integer().notNull().default(4)) accessor legs!: number;
    }
    void Dog;
    const [problem, ...rest] = problemsOf(Base);
    assert.equal(rest.length, 0);
    assert.equal(problem!.model, "Dog");
    assert.equal(problem!.attribute, "breed");
    assert.match(problem!.message, /column 'breed' is NOT NULL without a default, but it lives in Animal's table 'animals'/);
    assert.match(problem!.fix, /Make it nullable \(drop \.notNull\(\)\), or give it a \.default/);
  });

  test("a subclass with a table of its own in a single-table hierarchy (the two forms mixed) is refused as not supported yet", () => {
    const { Animal } = hierarchy();
    @model({ polymorphicIdentity: "dog" })
    class Dog extends Animal {}
    void Dog;
    assert.throws(() => {
      @model("cats", { polymorphicIdentity: "cat" })
      class Cat extends Animal {}
      void Cat;
    }, refused(/@model on Cat: Animal's hierarchy keeps its subclasses in the table 'animals' \(single-table inheritance\), and mixing the two in one hierarchy is not supported yet\. Remove the table name \('cats'\)/));
    assert.equal(Animal.metadata.table("cats"), undefined);
  });

  test("a subclass of a model without polymorphicOn is refused, naming both fixes", () => {
    class Base extends DeclarativeBase {}
    @model("plain")
    class Plain extends Base {
      @column(integer().primaryKey()) accessor id!: number;
    }
    assert.throws(() => {
      @model("others")
      class Other extends Plain {}
      void Other;
    }, refused(/@model on Other: it extends the model Plain, which is not the base of an inheritance hierarchy.*Give Plain's @model a polymorphicOn.*Other's a polymorphicIdentity/));
  });

  test("a subclass without polymorphicIdentity, or with another class's, or with table options, is refused", () => {
    const { Animal } = hierarchy("animal");
    assert.throws(() => {
      @model()
      class Cat extends Animal {}
      void Cat;
    }, refused(/@model on Cat: a subclass of Animal \(single-table inheritance\) needs a polymorphicIdentity: the value of Animal\.kind/));
    assert.throws(() => {
      @model({ polymorphicIdentity: "animal" })
      class Cat extends Animal {
        @column(integer()) accessor whiskers!: number | null;
      }
      void Cat;
    }, refused(/polymorphicIdentity "animal" is already Animal's/));
    // Refused before anything changed: the table and the base's mapping are as they were.
    assert.deepEqual(Animal.metadata.table("animals")!.columnList.map((c) => c.name), ["id", "kind"]);
    assert.deepEqual([...Animal.registry.mapperFor(Animal).columns.keys()], ["id", "kind"]);
    assert.throws(() => {
      @model({ polymorphicIdentity: "cat", version: "id" })
      class Cat extends Animal {}
      void Cat;
    }, refused(/@model on Cat: 'version' belongs to the table, which is Animal's/));
  });

  test("polymorphicOn must name a column attribute that is not the key; polymorphicIdentity needs it", () => {
    class Base extends DeclarativeBase {}
    assert.throws(() => {
      @model("things", { polymorphicOn: "sort" })
      class Thing extends Base {
        @column(integer().primaryKey()) accessor id!: number;
      }
      void Thing;
    }, refused(/polymorphicOn 'sort' is not a column attribute of Thing/));
    assert.throws(() => {
      @model("things2", { polymorphicIdentity: "x" })
      class Thing2 extends Base {
        @column(integer().primaryKey()) accessor id!: number;
      }
      void Thing2;
    }, refused(/polymorphicIdentity needs polymorphicOn/));
  });

  test("a subclass column that clashes with another class's, or a key column, is refused", () => {
    const { Animal } = hierarchy();
    @model({ polymorphicIdentity: "dog" })
    class Dog extends Animal {
      @column(string(20)) accessor name!: string | null;
    }
    void Dog;
    assert.throws(() => {
      @model({ polymorphicIdentity: "cat" })
      class Cat extends Animal {
        @column(string(20)) accessor name!: string | null;
      }
      void Cat;
    }, refused(/@model on Cat: column 'name' \(name\) is in table 'animals' already/));
    assert.throws(() => {
      @model({ polymorphicIdentity: "cow" })
      class Cow extends Animal {
        @column(integer().primaryKey()) accessor tag!: number;
      }
      void Cow;
    }, refused(/'tag' cannot be a primary-key column/));
  });

  test("a subclass declared after its hierarchy is in use is refused", () => {
    const { Base, Animal } = hierarchy();
    Base.registry.configure();
    assert.throws(() => {
      @model({ polymorphicIdentity: "dog" })
      class Dog extends Animal {}
      void Dog;
    }, refused(/Animal's hierarchy is in use already.*Declare every subclass before the models are first used/));
  });

  test("a subclass relationship loaded eagerly by default loads for its objects whichever class was queried", async () => {
    const { Base, Animal } = hierarchy("animal");
    @model("toys")
    class Toy extends Base {
      @column(integer().primaryKey()) accessor id!: number;
      @column(integer().named("dog_id").references("animals.id")) accessor dogId!: number | null;
    }
    @model({ polymorphicIdentity: "dog" })
    class Dog extends Animal {
      @oneToMany(() => Toy, { lazy: "selectin" }) accessor toys!: Rel<Toy[], never>;
    }
    const engine = createEngine("sqlite://:memory:");
    await Base.metadata.createAll(engine);
    const session = new Session(engine);
    const rex = Object.assign(new Dog(), { id: 1 });
    rex.toys.push(Object.assign(new Toy(), { id: 1 }));
    session.add(rex);
    await session.commit();
    await session.close();
    for (const read of [(s: Session) => s.scalars(select(Animal)).then((r) => r[0]), (s: Session) => s.get(Animal, 1)]) {
      const fresh = new Session(engine);
      const dog = (await read(fresh)) as Dog;
      assert.deepEqual(dog.toys.map((t) => t.id), [1]);
      await fresh.close();
    }
    await engine.dispose();
  });

  test("one table holds every class's columns; a root without polymorphicIdentity cannot be saved", async () => {
    const { Base, Animal } = hierarchy();
    @model({ polymorphicIdentity: "dog" })
    class Dog extends Animal {
      @column(string(20)) accessor breed!: string | null;
    }
    @model({ polymorphicIdentity: "cat" })
    class Cat extends Animal {
      @column(integer().named("lives_left").default(9)) accessor lives!: number | null;
    }
    assert.deepEqual(Base.metadata.table("animals")!.columnList.map((c) => c.name), ["id", "kind", "breed", "lives_left"]);
    assert.equal(Base.metadata.tables.size, 1);
    const engine = createEngine("sqlite://:memory:");
    await Base.metadata.createAll(engine);
    const session = new Session(engine);
    const animal = Object.assign(new Animal(), { id: 1 });
    assert.throws(() => {
      animal.kind = "dog";
    }, (error: unknown) => error instanceof InvalidRequestError && /Animal has no polymorphicIdentity.*\(Dog, Cat\)/.test(error.message));
    session.add(animal);
    await assert.rejects(session.flush(), (error: unknown) => error instanceof InvalidRequestError && /Animal has no polymorphicIdentity.*\(Dog, Cat\)/.test(error.message));
    session.expunge(animal);
    session.add(Object.assign(new Dog(), { id: 2, breed: "collie" }));
    session.add(Object.assign(new Cat(), { id: 3 }));
    await session.commit();
    // A subclass column's client default fills it in every row of the table, as a Core INSERT does (SQLAlchemy too).
    const animals = Base.metadata.table("animals")!.c as Record<string, Column>;
    const rows = (await engine.execute(select(animals.id!, animals.kind!, animals.breed!, animals.lives!).orderBy(animals.id!))).rows;
    assert.deepEqual(rows, [{ id: 2, kind: "dog", breed: "collie", lives: 9 }, { id: 3, kind: "cat", breed: null, lives: 9 }]);
    await session.close();
    await engine.dispose();
  });
});
