/**
 * Validators and hooks in a single-table inheritance hierarchy: a base class's hooks and
 * validators apply to its subclasses' objects, a subclass's own hooks and validators to its
 * objects alone, and a subclass cannot replace the validator of an attribute it inherits (the
 * classes share that attribute's accessor): refused when the class is declared.
 */
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";
import { ArgumentError, DeclarativeBase, beforeInsert, column, integer, model, sql, string, validates } from "../../src/index.js";
import { forEachDatabaseWithSchema } from "../support/sessions.js";

class IeBase extends DeclarativeBase {}

declare module "../../src/index.js" {
  interface Models {
    IeStaff: IeStaff;
    IeBoss: IeBoss;
  }
}

@model("ie_staff", { polymorphicOn: "kind", polymorphicIdentity: "staff" })
class IeStaff extends IeBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(30).notNull()) accessor name!: string;
  @column(string(10).notNull()) accessor kind!: string;
  @column(string(40)) accessor stamp!: string | null;

  @validates("name")
  trimName(_key: "name", value: string): string {
    return value.trim();
  }

  @beforeInsert
  stampIt(): void {
    this.stamp = `${this.constructor.name}:${this.name}`;
  }
}

@model({ polymorphicIdentity: "boss" })
class IeBoss extends IeStaff {
  @column(integer()) accessor budget!: number | null;

  @validates("budget")
  positiveBudget(_key: "budget", value: number | null): number | null {
    if (value !== null && value < 0) throw new RangeError("a budget cannot be negative");
    return value;
  }
}

forEachDatabaseWithSchema("validators and hooks in single-table inheritance", IeBase.metadata, (ctx) => {
  afterEach(async () => {
    await ctx.engine.execute(sql`DELETE FROM ie_staff`);
  });

  test("the base's validator and hook apply to a subclass's objects; the subclass's own to its objects", async () => {
    const boss = Object.assign(new IeBoss(), { id: 1, name: "  Mia ", budget: 5 });
    const clerk = Object.assign(new IeStaff(), { id: 2, name: " Eli " });
    assert.equal(boss.name, "Mia");
    assert.throws(() => (boss.budget = -1), RangeError);
    assert.equal(boss.budget, 5);
    const session = ctx.session();
    session.addAll([boss, clerk]);
    await session.commit();
    const { rows } = await ctx.engine.execute(sql<{ id: number; name: string; kind: string; stamp: string }>`SELECT id, name, kind, stamp FROM ie_staff ORDER BY id`);
    assert.deepEqual(
      rows.map((r) => [Number(r.id), r.name, r.kind, r.stamp]),
      [
        [1, "Mia", "boss", "IeBoss:Mia"],
        [2, "Eli", "staff", "IeStaff:Eli"],
      ],
    );
  });
}, { createOnce: true });

test("a subclass cannot replace the validator of an attribute it inherits: refused when declared, the hierarchy unchanged", () => {
  class RefusedBase extends DeclarativeBase {}
  @model("ie_people", { polymorphicOn: "kind", polymorphicIdentity: "person" })
  class IePerson extends RefusedBase {
    @column(integer().primaryKey()) accessor id!: number;
    @column(string(30).notNull()) accessor name!: string;
    @column(string(10).notNull()) accessor kind!: string;
  }
  assert.throws(
    () => {
      @model({ polymorphicIdentity: "intern" })
      class IeIntern extends IePerson {
        @column(string(10)) accessor school!: string | null;
        @validates("name")
        shout(_key: "name", value: string): string {
          return value.toUpperCase();
        }
      }
      return IeIntern;
    },
    (error: unknown) => error instanceof ArgumentError && /IeIntern: @validates\("name"\) names an attribute inherited from IePerson/.test(error.message),
  );
  assert.deepEqual(RefusedBase.metadata.tables.get("ie_people")!.columnList.map((c) => c.name), ["id", "name", "kind"], "the refused subclass added no column");
  RefusedBase.registry.configure();
});
