/**
 * Compile-time tests of the Core's types, checked by `tsc` in `npm test` (never executed). Each
 * `Expect<Equal<A, B>>` must hold exactly, and each `@ts-expect-error` must be needed: tsc fails
 * on one whose line compiles, so the errors below are proven to be reported.
 */
import {
  alias,
  type EngineOptions,
  bigint,
  boolean,
  caseWhen,
  cast,
  datetime,
  deleteFrom,
  exists,
  func,
  insert,
  integer,
  json,
  MetaData,
  numeric,
  scalarSubquery,
  select,
  string,
  table,
  text,
  types,
  update,
  uuid,
  sql,
  type Connection,
  type Engine,
  type Result,
  type Decimal,
} from "../../src/index.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
/** `Expect` inside a function, where a local type alias would be an unused local. */
function expectType<_T extends true>(): void {}
type RowOf<S> = S extends { readonly __row?: infer R } ? R : never;

const metadata = new MetaData();
const users = table("users", metadata, {
  id: integer().primaryKey(),
  name: string(50),
  email: string(100).notNull(),
  age: integer().notNull().default(0),
  active: boolean().notNull().serverDefault(true),
  balance: numeric(10, 2),
  big: bigint().notNull(),
  created: datetime({ timezone: true }),
  settings: json<{ theme: "dark" | "light" }>(),
  ref: uuid().notNull().default(() => "00000000-0000-0000-0000-000000000000"),
  bio: text(),
});
const posts = table("posts", metadata, {
  id: integer().primaryKey(),
  authorId: integer().named("author_id").notNull().references("users.id"),
  title: string(200).notNull(),
});

// ------------------------------------------------------------ select row types

const idAndName = select(users.c.id, users.c.name);
export type T1 = Expect<Equal<RowOf<typeof idAndName>, { id: number; name: string | null }>>;

const whole = select(users);
export type T2 = Expect<
  Equal<
    RowOf<typeof whole>,
    {
      id: number;
      name: string | null;
      email: string;
      age: number;
      active: boolean;
      balance: Decimal | null;
      big: bigint;
      created: Date | null;
      settings: { theme: "dark" | "light" } | null;
      ref: string;
      bio: string | null;
    }
  >
>;

const labelled = select(users.c.email.label("address"), func.count().label("n"), func.max(users.c.age).label("oldest"), func.lower(users.c.name).label("low"));
export type T3 = Expect<Equal<RowOf<typeof labelled>, { address: string; n: number; oldest: number | null; low: string | null }>>;

const joined = select(users.c.name, posts.c.title).join(posts).where(users.c.age.gt(18));
export type T4 = Expect<Equal<RowOf<typeof joined>, { name: string | null; title: string }>>;

const author = alias(users, "author");
const aliased = select(posts.c.title, author.c.email);
export type T5 = Expect<Equal<RowOf<typeof aliased>, { title: string; email: string }>>;

const sq = select(posts.c.authorId, func.count().label("n")).groupBy(posts.c.authorId).subquery("counts");
const fromSubquery = select(sq.c.authorId, sq.c.n);
export type T6 = Expect<Equal<RowOf<typeof fromSubquery>, { authorId: number; n: number }>>;

const expressions = select(
  caseWhen([[users.c.age.lt(18), "minor"]], "adult").label("band"),
  cast(users.c.age, types.string()).label("ageText"),
  scalarSubquery(select(func.count().label("n")).from(posts).where(posts.c.authorId.eq(users.c.id))).label("postCount"),
  users.c.age.plus(1).label("next"),
  users.c.name.concat("!").label("shout"),
  func.coalesce(users.c.name, "anonymous").label("display"),
);
export type T7 = Expect<
  Equal<
    RowOf<typeof expressions>,
    { band: string; ageText: string | null; postCount: number | null; next: number; shout: string | null; display: string | null }
  >
>;

const cases = select(
  caseWhen([[users.c.age.lt(18), "minor"]]).label("noElse"),
  caseWhen([[users.c.age.lt(18), users.c.name]], "adult").label("nullableBranch"),
  caseWhen([[users.c.age.lt(18), 1], [users.c.age.lt(65), 2]], 3).label("rank"),
);
export type T7b = Expect<Equal<RowOf<typeof cases>, { noElse: string | null; nullableBranch: string | null; rank: number }>>;

// ------------------------------------------------------------ results and scalars

declare const engine: Engine;
declare const conn: Connection;

export async function results() {
  const result = await engine.execute(idAndName);
  expectType<Equal<typeof result, Result<{ id: number; name: string | null }>>>();
  const one = result.one();
  expectType<Equal<typeof one, { id: number; name: string | null }>>();
  const maybe = result.oneOrNull();
  expectType<Equal<typeof maybe, { id: number; name: string | null } | null>>();
  const first = result.first();
  expectType<Equal<typeof first, { id: number; name: string | null } | undefined>>();

  const count = await conn.scalar(select(func.count().label("n")).from(users));
  expectType<Equal<typeof count, number | undefined>>();
  const email = await conn.scalar(select(users.c.email).where(users.c.id.eq(1)));
  expectType<Equal<typeof email, string | undefined>>();
  const ids = (await engine.execute(select(users.c.big))).scalars();
  expectType<Equal<typeof ids, bigint[]>>();

  // RETURNING rows.
  const inserted = (await engine.execute(insert(users).values({ email: "a@b", big: 1n }).returning(users.c.id, users.c.created))).one();
  expectType<Equal<typeof inserted, { id: number; created: Date | null }>>();
  const updated = (await engine.execute(update(users).set({ age: 3 }).returning(users.c.age.label("newAge")))).rows;
  expectType<Equal<typeof updated, { newAge: number }[]>>();
  const deleted = (await engine.execute(deleteFrom(posts).returning(posts))).rows;
  expectType<Equal<typeof deleted, { id: number; authorId: number; title: string }[]>>();
  const plain = await engine.execute(insert(posts).values({ authorId: 1, title: "t" }));
  expectType<Equal<typeof plain, Result<{}>>>();
  // RETURNING's rows in the order of the rows given: the items as an array, then the options.
  const ordered = (await engine.execute(insert(users).values([{ email: "a@b", big: 1n }, { email: "c@d", big: 2n }]).returning([users.c.id, users.c.email], { sortByParameterOrder: true }))).rows;
  expectType<Equal<typeof ordered, { id: number; email: string }[]>>();
  // @ts-expect-error the option is a boolean
  insert(users).returning([users.c.id], { sortByParameterOrder: "yes" });
  // @ts-expect-error options follow the items given as one array, not the items one by one
  insert(users).returning(users.c.id, { sortByParameterOrder: true });
  // @ts-expect-error an option insert().returning() does not have
  insert(users).returning([users.c.id], { sortByKey: true });
  return [one, maybe, first, count, email, ids, inserted, updated, deleted, plain, ordered] as const;
}

// ------------------------------------------------------------ insert value types

// Required: columns NOT NULL without a default. Optional: nullable, defaulted, generated keys.
type UserInsert = NonNullable<typeof users.__insert>;
type RequiredKeys<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
export type T8 = Expect<Equal<RequiredKeys<UserInsert>, "email" | "big">>;

insert(users).values({ email: "a@b", big: 1n });
insert(users).values({ email: "a@b", big: 1n, id: 5, name: null, age: 3, active: false, balance: "1.50", created: new Date(), settings: { theme: "dark" } });
insert(users).values([{ email: "a@b", big: 1n }, { email: "c@d", big: 2n, name: "x" }]);
insert(users).values({ email: users.c.email.concat(".org"), big: 1n });
update(users).set({ age: users.c.age.plus(1), name: null, email: "x" });
select(users.c.name).where(users.c.name.like("a%"), users.c.email.ilike("%B"), users.c.id.in([1, 2]), users.c.age.between(1, 9));
select(users.c.id).where(users.c.id.eq(posts.c.authorId), users.c.name.eq(users.c.email), exists(select(posts.c.id)));

// ------------------------------------------------------------ errors that must be reported

// @ts-expect-error comparing an integer column with a string
users.c.id.eq("1");
// @ts-expect-error comparing a string column with a number
users.c.email.ne(5);
// @ts-expect-error an IN list of the wrong type
users.c.age.in(["1", "2"]);
// @ts-expect-error comparing columns of different types
users.c.id.eq(users.c.email);
// @ts-expect-error a string into an integer column
insert(users).values({ email: "a@b", big: 1n, age: "3" });
// @ts-expect-error a number into a bigint column
insert(users).values({ email: "a@b", big: 1 });
// @ts-expect-error omitting a required column (email)
insert(users).values({ big: 1n });
// @ts-expect-error null for a NOT NULL column
insert(users).values({ email: null, big: 1n });
// @ts-expect-error an unknown column key
insert(users).values({ email: "a@b", big: 1n, nickname: "x" });
// @ts-expect-error an unknown column key in one row of several
insert(users).values([{ email: "a@b", big: 1n }, { email: "c@d", big: 2n, nickname: "x" }]);
// @ts-expect-error like() on an integer column
users.c.id.like("1%");
// @ts-expect-error ilike() on a boolean column
users.c.active.ilike("t%");
// @ts-expect-error plus() on a string column
users.c.email.plus(1);
// @ts-expect-error a value of the wrong type in update().set()
update(users).set({ age: "old" });
// @ts-expect-error null for a NOT NULL column in update().set()
update(users).set({ email: null });
// @ts-expect-error an unknown column in update().set()
update(users).set({ nickname: "x" });
// @ts-expect-error a json value of the wrong shape
insert(users).values({ email: "a@b", big: 1n, settings: { theme: "blue" } });
// @ts-expect-error CASE results of different types
caseWhen([[users.c.age.lt(18), users.c.age]], "adult");
// @ts-expect-error a row key that is not selected
idAndName.__row!.email;
// FOR UPDATE OF: tables, aliases, subqueries or models; one or several.
select(users.c.id).forUpdate({ of: users });
select(users.c.id).forUpdate({ of: [users, alias(users, "u")] });
// @ts-expect-error forUpdate({ of }) takes tables, aliases and models, not their names
select(users.c.id).forUpdate({ of: "users" });
// @ts-expect-error forUpdate({ of }) takes tables, not columns
select(users.c.id).forUpdate({ of: users.c.id });
select(users.c.id).forUpdate({ nowait: true });
select(users.c.id).forUpdate({ of: users, skipLocked: true });
// @ts-expect-error nowait is a boolean, not a wait in milliseconds
select(users.c.id).forUpdate({ nowait: 100 });

// The engine's options for a server that stops answering (docs/clusters.md).
const deadPeerOptions: EngineOptions = { statementTimeoutMs: 5_000, pool: { prePing: true } };
void deadPeerOptions;
// @ts-expect-error statementTimeoutMs is a number of milliseconds, not a duration string
const timeoutAsText: EngineOptions = { statementTimeoutMs: "5s" };
// @ts-expect-error pool.prePing is true or false
const prePingAsNumber: EngineOptions = { pool: { prePing: 1 } };
void timeoutAsText, prePingAsNumber;

// Generated columns (.generatedAs()): read like any column, never in an INSERT or UPDATE row.
const orderLines = table("order_lines", metadata, {
  id: integer().primaryKey(),
  qty: integer().notNull(),
  total: integer().notNull().generatedAs(sql`qty * 2`),
});
const generatedRead = select(orderLines.c.total);
export type TGeneratedRead = Expect<Equal<RowOf<typeof generatedRead>, { total: number }>>;
export type TGeneratedInsert = Expect<Equal<keyof NonNullable<(typeof orderLines)["__insert"]>, "id" | "qty">>;
insert(orderLines).values({ qty: 1 });
update(orderLines).set({ qty: 2 });
// @ts-expect-error a generated column in insert().values()
insert(orderLines).values({ qty: 1, total: 2 });
// @ts-expect-error a generated column in update().set()
update(orderLines).set({ total: 2 });
// @ts-expect-error a generated column in an upsert's set
insert(orderLines).values({ qty: 1 }).onConflictDoUpdate({ target: orderLines.c.id, set: { total: 2 } });
