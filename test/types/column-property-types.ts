/**
 * Compile-time fixture of `@columnProperty` (docs/column-properties.md): compiled by both
 * compilers, never executed. The attribute's type must be the expression's, with the model's
 * columns typed in the callback; each mistake is under `// @ts-expect-error`.
 */
import { DeclarativeBase, Registry, column, columnProperty, columnsOf, func, integer, model, scalarSubquery, select, string, table, undefer, type Labeled } from "athanor";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<_T extends true>(): void {}

class CtBase extends DeclarativeBase {}

@model("ct_items")
export class CtItem extends CtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("owner_id").notNull()) accessor ownerId!: number;
}

@model("ct_owners")
export class CtOwner extends CtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor first!: string;
  @column(string(20)) accessor nick!: string | null;
  @column(integer().notNull()) accessor born!: number;

  @columnProperty((c) => c.first.concat("!")) accessor shout!: string;
  /** A nullable attribute: its SQL may be nullable too. */
  @columnProperty((c) => c.nick.concat("?")) accessor ask!: string | null;
  /** A scalar subquery is nullable: so is the attribute. */
  @columnProperty((c) => scalarSubquery(select(func.count().label("n")).from(CtItem).where(columnsOf(CtItem).ownerId.eq(c.id))), { deferred: true })
  accessor items!: number | null;

  // @ts-expect-error: the SQL is a number, the attribute a string
  @columnProperty((c) => c.born.plus(1)) accessor wrongType!: string;

  // @ts-expect-error: the SQL may be NULL, the attribute may not
  @columnProperty((c) => c.nick.concat("?")) accessor notNullable!: string;

  // @ts-expect-error: the callback's columns are the model's, typed: there is no `last`
  @columnProperty((c) => c.last.concat("!")) accessor noSuchColumn!: string;

  // @ts-expect-error: a subquery may give NULL: declare number | null
  @columnProperty((c) => scalarSubquery(select(func.count().label("n")).from(CtItem).where(columnsOf(CtItem).ownerId.eq(c.id)))) accessor count!: number;
}

const o = columnsOf(CtOwner);
expectType<Equal<typeof o.shout, Labeled<string, "shout">>>();
expectType<Equal<typeof o.items, Labeled<number | null, "items">>>();
select(CtOwner).where(o.shout.eq("Ann!")).orderBy(o.items.desc());
select(CtOwner).options(undefer(CtOwner, "items"));

// Imperative mapping: the same call in `properties`, its type arguments given.
const imperative = new Registry();
const ctPeople = table("ct_people", imperative.metadata, { id: integer().primaryKey(), first: string(20).notNull(), born: integer().notNull() });
class CtPerson {
  declare id: number;
  declare first: string;
  declare born: number;
  declare shout: string;
}
imperative.mapImperatively(CtPerson, ctPeople, { properties: { shout: columnProperty<CtPerson, string>((c) => c.first.concat("!")) } });
// @ts-expect-error: the SQL is a number, the property a string
imperative.mapImperatively(CtPerson, ctPeople, { properties: { shout: columnProperty<CtPerson, string>((c) => c.born.plus(1)) } });
// @ts-expect-error: the callback's columns are the class's: there is no `last`
imperative.mapImperatively(CtPerson, ctPeople, { properties: { shout: columnProperty<CtPerson, string>((c) => c.last.concat("!")) } });
