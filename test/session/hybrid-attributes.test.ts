/**
 * `@hybrid` getters (SQLAlchemy's hybrid_property): one definition read on an object (the getter
 * runs) and in a query (`columnsOf(Model).name`, its SQL), on every database: the two agree row by
 * row; conditions, ORDER BY and select lists; an alias builds it on its own columns; a subclass
 * inherits it; misuse is an error naming the class, the attribute and the fix.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ArgumentError,
  DeclarativeBase,
  Registry,
  aliased,
  column,
  columnsOf,
  func,
  hybrid,
  insert,
  integer,
  model,
  select,
  string,
  table,
  update,
  type Given,
} from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";
import { compileOn } from "../support/assert-compile.js";

class HybridBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    HyPerson: HyPerson;
    HyStaff: HyStaff;
    HyGuest: HyGuest;
  }
}

@model("hy_people", { polymorphicOn: "kind", polymorphicIdentity: "person" })
class HyPerson extends HybridBase {
  @column(integer().primaryKey().autoincrement(false)) accessor id!: Given<number>;
  @column(string(10).notNull()) accessor kind!: string;
  @column(string(20).notNull()) accessor first!: string;
  @column(string(20).notNull()) accessor last!: string;
  @column(integer().notNull()) accessor born!: number;
  @column(integer().named("mentor_id")) accessor mentorId!: number | null;

  @hybrid((c) => c.first.concat(" ").concat(c.last))
  get fullName(): string {
    return `${this.first} ${this.last}`;
  }

  /** Age in 2026: arithmetic in both forms. */
  @hybrid((c) => c.born.times(-1).plus(2026))
  get age(): number {
    return 2026 - this.born;
  }

  /** A column under another name: still not written by it. */
  @hybrid((c) => c.last)
  get family(): string {
    return this.last;
  }

  /** A getter with no SQL form. */
  get initials(): string {
    return `${this.first[0]}${this.last[0]}`;
  }
}

@model({ polymorphicIdentity: "staff" })
class HyStaff extends HyPerson {
  @column(string(20)) accessor team!: string | null;

  @hybrid((c) => c.team.concat(": ").concat(c.last))
  get badge(): string | null {
    return this.team === null ? null : `${this.team}: ${this.last}`;
  }
}

/** Overrides `fullName` with a getter of its own, without `@hybrid`: the inherited SQL no longer computes it. */
@model({ polymorphicIdentity: "guest" })
class HyGuest extends HyPerson {
  override get fullName(): string {
    return this.first;
  }
}

const p = columnsOf(HyPerson);

forEachDatabaseWithSchema("hybrid attributes", HybridBase.metadata, (ctx) => {
  async function seed(): Promise<void> {
    const session = ctx.session();
    const people: HyPerson[] = [
      Object.assign(new HyPerson(), { id: 1, first: "Ada", last: "Lovelace", born: 1815, mentorId: null }),
      Object.assign(new HyPerson(), { id: 2, first: "Alan", last: "Turing", born: 1912, mentorId: 1 }),
      Object.assign(new HyStaff(), { id: 3, first: "Grace", last: "Hopper", born: 1906, mentorId: 1, team: "navy" }),
    ];
    session.addAll(people);
    await session.commit();
    await session.close();
  }

  test("the getter and the SQL agree, row by row", async () => {
    await seed();
    const session = ctx.session();
    const rows = await session.execute(select(HyPerson, p.fullName, p.age).orderBy(p.id));
    assert.equal(rows.length, 3);
    for (const [person, fullName, age] of rows) {
      assert.equal(fullName, person.fullName);
      assert.equal(Number(age), person.age);
    }
    assert.deepEqual(rows.map(([, name]) => name), ["Ada Lovelace", "Alan Turing", "Grace Hopper"]);
  });

  test("in WHERE and ORDER BY", async () => {
    await seed();
    const session = ctx.session();
    const found = await session.scalars(select(HyPerson).where(p.fullName.eq("Alan Turing")));
    assert.deepEqual(found.map((person) => person.id), [2]);
    const byAge = await session.scalars(select(HyPerson).where(p.age.gt(100)).orderBy(p.age.desc()));
    assert.deepEqual(byAge.map((person) => person.id), [1, 3, 2]);
  });

  test("in GROUP BY: its values bound once on PostgreSQL, which otherwise finds the selected expression not grouped", async () => {
    await seed();
    const session = ctx.session();
    const rows = await session.execute(select(p.fullName, func.count(p.id).label("n")).groupBy(p.fullName).orderBy(p.fullName));
    assert.deepEqual(rows.map(([name, n]) => [name, Number(n)]), [["Ada Lovelace", 1], ["Alan Turing", 1], ["Grace Hopper", 1]]);
    const mentor = aliased(HyPerson, "m");
    const m = columnsOf(mentor);
    const mentors = await session.execute(select(m.fullName, func.count(p.id).label("n")).join(mentor, p.mentorId.eq(m.id)).groupBy(m.fullName));
    assert.deepEqual(mentors.map(([name, n]) => [name, Number(n)]), [["Ada Lovelace", 2]]);
  });

  test("never written: an INSERT's or UPDATE's value under its name is refused, one naming a column under another name too", async () => {
    await seed();
    const values = { id: 9, kind: "person", first: "Kurt", last: "Goedel", born: 1906, mentorId: null, family: "Gödel" };
    // It wrote "Gödel" into last, over the value given for it.
    assert.throws(() => insert(HyPerson).values([values] as never), /insert\(HyPerson\): 'family' is not a column attribute of HyPerson; use one of: id, kind, first, last, born, mentorId, team\./);
    assert.throws(() => update(HyPerson).set({ family: "Hopper" } as never), /update\(HyPerson\)\.set\(\): 'family' is not a column attribute of HyPerson; use one of: id, kind, first, last, born, mentorId, team\./);
    const session = ctx.session();
    assert.deepEqual(await session.execute(select(p.id, p.family).orderBy(p.id)), [[1, "Lovelace"], [2, "Turing"], [3, "Hopper"]]);
  });

  test("an alias builds it on its own columns: a self-join compares two people's", async () => {
    await seed();
    const session = ctx.session();
    const mentor = aliased(HyPerson, "mentor");
    const m = columnsOf(mentor);
    const rows = await session.execute(select(p.fullName, m.fullName.label("mentorName")).join(mentor, p.mentorId.eq(m.id)).orderBy(p.id));
    assert.deepEqual(rows, [["Alan Turing", "Ada Lovelace"], ["Grace Hopper", "Ada Lovelace"]]);
  });

  test("a subclass inherits its superclass's and has its own", async () => {
    await seed();
    const session = ctx.session();
    const s = columnsOf(HyStaff);
    const rows = await session.execute(select(s.fullName, s.badge));
    assert.deepEqual(rows, [["Grace Hopper", "navy: Hopper"]]);
  });

  test("a getter without @hybrid, a relationship, a typo: errors naming the class, the attribute and the fix", () => {
    const loose = p as unknown as Record<string, unknown>;
    assert.throws(() => loose.initials, (error: unknown) => error instanceof ArgumentError && /columnsOf\(HyPerson\)\.initials: initials is a getter, which runs in JavaScript only\. To use it in queries, give it its SQL with @hybrid/.test(error.message));
    assert.throws(() => loose.fulName, /HyPerson maps no column 'fulName'\. Did you mean 'fullName'\?/);
  });

}, { createOnce: true });

test("a subclass's getter without @hybrid hides the inherited hybrid: columnsOf names it a getter", () => {
  const guest = columnsOf(HyGuest) as unknown as Record<string, unknown>;
  // It was the superclass's SQL (first || ' ' || last), while the getter gives the first name alone.
  assert.throws(() => guest.fullName, (error: unknown) => error instanceof ArgumentError && /columnsOf\(HyGuest\)\.fullName: fullName is a getter, which runs in JavaScript only/.test(error.message));
  assert.ok(columnsOf(HyGuest).age, "its other hybrids stay");
});

test("@hybrid on a method, or whose SQL fails: refused, naming the class and the attribute", () => {
  class OtherBase extends DeclarativeBase {}
  assert.throws(() => {
    class Wrong extends OtherBase {
      // @ts-expect-error: @hybrid decorates getters
      @hybrid(() => p.id) name(): number {
        return 1;
      }
    }
    return Wrong;
  }, /@hybrid on name: it decorates an instance getter/);
  @model("hy_broken")
  class HyBroken extends OtherBase {
    @column(integer().primaryKey()) accessor id!: number;
    @hybrid((c) => (c as unknown as Record<string, typeof c.id>).missing!.plus(1))
    get next(): number {
      return this.id + 1;
    }
  }
  assert.throws(() => columnsOf(HyBroken), /@hybrid on HyBroken\.next: its SQL expression failed: columnsOf\(HyBroken\)\.missing: HyBroken maps no column 'missing'/);
});

test("a class mapped imperatively: its @hybrid getters are in columnsOf too", () => {
  const registry = new Registry();
  const accounts = table("hy_accounts", registry.metadata, { id: integer().primaryKey(), owner: string(20).notNull() });
  class Account {
    declare id: number;
    declare owner: string;
    @hybrid((c) => c.owner.concat("#"))
    get tag(): string {
      return `${this.owner}#`;
    }
  }
  registry.mapImperatively(Account, accounts);
  const { sql } = compileOn("postgresql", select(columnsOf(Account).tag));
  assert.equal(sql, 'SELECT "hy_accounts"."owner" || $1 AS "tag" FROM "hy_accounts"');
});
