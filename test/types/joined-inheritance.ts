/**
 * Compile-time fixture of joined-table inheritance (docs/inheritance.md): a subclass with a table
 * of its own is a model like any other for the compiler. Relationships to and from it (a
 * many-to-one whose key is in its table, a one-to-many to it) check their back-references against
 * its attributes, inherited ones included; queries and `get` through it return it. Compiled by
 * `npm test` with TypeScript 7 and 5.9, never executed.
 */
import { DeclarativeBase, Session, aliased, column, columnsOf, containsEager, integer, joinedLoad, manyToOne, model, oneToMany, select, string, type Rel } from "athanor";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

class TjBase extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    TjEmployee: TjEmployee;
    TjManager: TjManager;
    TjDepartment: TjDepartment;
  }
}

@model("tj_employees", { polymorphicOn: "type", polymorphicIdentity: "employee" })
class TjEmployee extends TjBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(20).notNull()) accessor type!: string;
}

@model("tj_managers", { polymorphicIdentity: "manager" })
class TjManager extends TjEmployee {
  @column(integer().notNull()) accessor budget!: number;
  @column(integer().named("department_id").references("tj_departments.id")) accessor departmentId!: number | null;
  @manyToOne("TjDepartment", { backPopulates: "managers" }) accessor department!: Rel<TjDepartment, "managers"> | null;

  // the back-reference names an attribute the department does not have
  // @ts-expect-error
  @manyToOne("TjDepartment", { backPopulates: "bosses" }) accessor department2!: Rel<TjDepartment, "bosses"> | null;
}

@model("tj_departments")
class TjDepartment extends TjBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("TjManager", { backPopulates: "department" }) accessor managers!: Rel<TjManager[], "department">;

  // the base class has no `department`: only Manager has
  // @ts-expect-error
  @oneToMany("TjEmployee", { backPopulates: "department" }) accessor staff!: Rel<TjEmployee[], "department">;
}

declare const session: Session;

async function reads() {
  const managers = await session.scalars(select(TjManager).where(columnsOf(TjManager).budget.gt(10)));
  type _m = Expect<Equal<typeof managers, TjManager[]>>;
  const one = await session.get(TjManager, 1);
  type _o = Expect<Equal<typeof one, TjManager | undefined>>;
  void (0 as unknown as [_m, _o]);
  columnsOf(TjManager).type.eq("manager"); // inherited, in the base's table
  // @ts-expect-error: the base has no `budget`
  columnsOf(TjEmployee).budget;
  // Joins, aliases and eager loads of a joined subclass are typed as any model's.
  const Boss = aliased(TjManager, "boss");
  const pairs = await session.execute(select(TjDepartment, Boss).join(Boss, columnsOf(Boss).departmentId.eq(columnsOf(TjDepartment).id)));
  type _p = Expect<Equal<typeof pairs, [TjDepartment, TjManager][]>>;
  const departments = await session.scalars(select(TjDepartment).join(TjManager).options(containsEager(TjDepartment, "managers"), joinedLoad(TjDepartment, "managers")));
  type _d = Expect<Equal<typeof departments, TjDepartment[]>>;
  void (0 as unknown as [_p, _d]);
  // @ts-expect-error: an alias has its model's columns only
  columnsOf(Boss).language;
}

void reads;
