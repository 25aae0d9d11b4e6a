/**
 * Compile-time tests: a key column the database does not generate is required where objects and
 * rows are made with types. Checked by `tsc` in `npm test` (never executed); each
 * `@ts-expect-error` must be needed.
 *
 * - Core: `insert(table).values(row)` requires an `.autoincrement(false)` key (the builder typed
 *   it as optional before), a text key, and an integer key that is a foreign key.
 * - ORM: such a key is declared `Given<T>` (the column check requires it there, and refuses it
 *   elsewhere), and `create(Model, values)` requires every `Given` key. `new Model()` cannot: see
 *   src/orm/create.ts.
 */
import {
  DeclarativeBase,
  column,
  create,
  insert,
  integer,
  MetaData,
  model,
  string,
  table,
  uuid,
  type Given,
} from "athanor";
import type { CheckedColumnResult, MappingError } from "../../src/orm/typing/checks.js";
import { NkCode, NkNumbered, NkProfile, NkStamped, NkUser } from "../session/fixtures/keys.js";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
/** The message a failed check returns as the decorator's return type, `MappingError<message>`. */
type Message<R> = R extends MappingError<infer M> ? M : never;

// ─────────────────────────────── Core: insert rows ───────────────────────────────

const metadata = new MetaData();
const numbered = table("gk_numbered", metadata, { n: integer().primaryKey().autoincrement(false), label: string(20) });
const generated = table("gk_generated", metadata, { id: integer().primaryKey(), label: string(20) });
const shared = table("gk_shared", metadata, { id: integer().references("gk_generated.id").primaryKey(), label: string(20) });
const coded = table("gk_coded", metadata, { code: string(5).primaryKey(), label: string(20) });
const defaulted = table("gk_defaulted", metadata, {
  id: uuid().primaryKey().default(() => crypto.randomUUID()),
  n: integer().primaryKey().autoincrement(false).default(1),
});

export const rows = [
  insert(numbered).values({ n: 1, label: "x" }),
  insert(generated).values({ label: "x" }),
  insert(shared).values({ id: 1 }),
  insert(coded).values({ code: "ABC" }),
  insert(defaulted).values({}),
  // @ts-expect-error autoincrement(false): the key is required
  insert(numbered).values({ label: "x" }),
  // @ts-expect-error an integer key that is a foreign key is not generated
  insert(shared).values({ label: "x" }),
  // @ts-expect-error a text key without a default
  insert(coded).values({ label: "x" }),
];

// ─────────────────────────────── ORM: create() ───────────────────────────────

export const made = [
  create(NkCode, { code: "ABC", label: "x" }),
  create(NkNumbered, { n: 7 }),
  create(NkStamped, { id: 42, label: null }),
  create(NkUser, { name: "generated key" }),
  create(NkProfile, { bio: "filled by the relationship", user: create(NkUser, { name: "u" }) }),
  // @ts-expect-error a text key the database does not generate
  create(NkCode, { label: "x" }),
  // @ts-expect-error autoincrement(false)
  create(NkNumbered, { label: "x" }),
  // @ts-expect-error a server default is not read back: the key is required
  create(NkStamped, {}),
  // @ts-expect-error an attribute the model does not have
  create(NkUser, { name: "x", nmae: "typo" }),
  // @ts-expect-error a value of the wrong type
  create(NkUser, { name: 42 }),
];
// Given<T> reads and writes as T.
const country = create(NkCode, { code: "FR" });
const code: string = country.code;
country.code = code.toLowerCase();

// ─────────────────────────────── ORM: the column check ───────────────────────────────

class GkBase extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    GkRight: GkRight;
    GkWrong: GkWrong;
  }
}

@model("gk_right")
export class GkRight extends GkBase {
  @column(string(5).primaryKey()) accessor code!: Given<string>;
  @column(integer().primaryKey().autoincrement(false)) accessor n!: Given<number>;
  // A client default, a foreign key: nothing to require.
  @column(uuid().primaryKey().default(() => crypto.randomUUID())) accessor token!: string;
  @column(integer().references("gk_other.id").primaryKey()) accessor otherId!: number;
}

@model("gk_wrong")
export class GkWrong extends GkBase {
  // @ts-expect-error a text key without Given
  @column(string(5).primaryKey()) accessor code!: string;
  // @ts-expect-error autoincrement(false) without Given
  @column(integer().primaryKey().autoincrement(false)) accessor n!: number;
  // @ts-expect-error Given on a generated key
  @column(integer().primaryKey()) accessor id!: Given<number>;
  // @ts-expect-error Given on a column that is no key
  @column(string(5).notNull()) accessor label!: Given<string>;
}

const textKey = string(5).primaryKey();
const generatedKey = integer().primaryKey();
export type GkMessages = [
  Expect<Equal<Message<CheckedColumnResult<typeof textKey, GkWrong, GkWrong["code"], "code">>,
    "athanor: GkWrong.code: the database does not generate this key, so each new object must be given it; declare it as Given<string> (create() then requires it), or give the column a client-side default (.default(...))">>,
  Expect<Equal<Message<CheckedColumnResult<typeof generatedKey, GkWrong, GkWrong["id"], "id">>,
    "athanor: GkWrong.id: Given<...> is for a key the database does not generate, and this column is generated, defaulted, filled by a relationship or no key; declare it as number">>,
];
