/**
 * Compile-time fixture of single-table inheritance (docs/inheritance.md): a subclass is a model
 * like any other for the compiler. `Rel<Manager, ...>` back-references check against Manager's
 * attributes (inherited ones included), queries and `get` through a subclass return it, and its
 * columns are not the base's. Compiled by `npm test` with TypeScript 7 and 5.9, never executed.
 */
import { DeclarativeBase, Session, column, columnsOf, integer, manyToOne, model, oneToMany, select, string, type Rel } from "athanor";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

class TiBase extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    TiEmployee: TiEmployee;
    TiManager: TiManager;
    TiProject: TiProject;
  }
}

@model("ti_employees", { polymorphicOn: "type" })
class TiEmployee extends TiBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor type!: string;
  @column(integer().named("mentor_id").references("ti_employees.id")) accessor mentorId!: number | null;
}

@model({ polymorphicIdentity: "manager" })
class TiManager extends TiEmployee {
  @column(integer()) accessor budget!: number | null;
  @oneToMany("TiProject", { backPopulates: "lead" }) accessor projects!: Rel<TiProject[], "lead">;
}

@model("ti_projects")
class TiProject extends TiBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("lead_id").references("ti_employees.id")) accessor leadId!: number | null;
  @manyToOne("TiManager", { backPopulates: "projects" }) accessor lead!: Rel<TiManager, "projects"> | null;

  // the back-reference names an attribute the subclass does not have
  // @ts-expect-error
  @manyToOne("TiManager", { backPopulates: "reports" }) accessor lead2!: Rel<TiManager, "reports"> | null;

  // the base class has no `projects`: only Manager has
  // @ts-expect-error
  @manyToOne("TiEmployee", { backPopulates: "projects" }) accessor lead3!: Rel<TiEmployee, "projects"> | null;
}

// @ts-expect-error: a polymorphicIdentity is a string or a number
@model({ polymorphicIdentity: true })
class TiOther extends TiEmployee {}

declare const session: Session;

async function reads() {
  const managers = await session.scalars(select(TiManager));
  type _m = Expect<Equal<typeof managers, TiManager[]>>;
  const one = await session.get(TiManager, 1);
  type _o = Expect<Equal<typeof one, TiManager | undefined>>;
  const everyone = await session.scalars(select(TiEmployee));
  type _e = Expect<Equal<typeof everyone, TiEmployee[]>>;
  void (0 as unknown as [_m, _o, _e]);
  columnsOf(TiManager).budget.gt(10);
  columnsOf(TiManager).mentorId.eq(1); // inherited
  // @ts-expect-error: the base has no `budget`
  columnsOf(TiEmployee).budget;
}

void reads;
void TiOther;
