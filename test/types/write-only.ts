/**
 * Type-level promises of write-only collections (`lazy: "writeOnly"`): the attribute is a
 * `WriteOnlyCollection<Target>`, checked against the decorator like any relationship (target,
 * pairing, cardinality); it cannot be used as a list, assigned, loaded or given to `create`; its
 * statements are typed by the target. Compiled by both compilers, never executed.
 */
import {
  DeclarativeBase,
  column,
  columnsOf,
  containsEager,
  create,
  integer,
  joinedLoad,
  manyToMany,
  manyToOne,
  model,
  oneToMany,
  select,
  selectinLoad,
  string,
  type Rel,
  type Session,
  type WriteOnlyCollection,
} from "athanor";
import type { CheckedRelationshipResult, MappingError, RelationshipKind } from "../../src/orm/typing/checks.js";

class WtBase extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    WtUser: WtUser;
    WtEvent: WtEvent;
    WtTag: WtTag;
    WtWrong: WtWrong;
  }
}

// ─────────────────────────────── correct declarations ───────────────────────────────

@model("wt_users")
export class WtUser extends WtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @oneToMany("WtEvent", { backPopulates: "user", lazy: "writeOnly", passiveDeletes: true, orderBy: ["at"] })
  accessor events!: Rel<WriteOnlyCollection<WtEvent>, "user">;
  @manyToMany("WtTag", { secondary: "wt_user_tags", backPopulates: "users", lazy: "writeOnly" })
  accessor tags!: Rel<WriteOnlyCollection<WtTag>, "users">;
  // Unbranded, without a back-reference: checked from this side only.
  @oneToMany("WtEvent", { lazy: "writeOnly", viewonly: true }) accessor allEvents!: WriteOnlyCollection<WtEvent>;
  // @ts-expect-error the pair is checked: WtEvent.user names `events`, not this attribute
  @oneToMany("WtEvent", { backPopulates: "user", lazy: "writeOnly" }) accessor eventsAgain!: Rel<WriteOnlyCollection<WtEvent>, "user">;
}

@model("wt_events")
export class WtEvent extends WtBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().notNull()) accessor at!: number;
  @column(string(20).notNull()) accessor kind!: string;
  @column(integer().named("user_id").notNull().references("wt_users.id")) accessor userId!: number;
  // The other end of a write-only one-to-many is an ordinary many-to-one.
  @manyToOne("WtUser", { backPopulates: "events" }) accessor user!: Rel<WtUser, "events">;
}

@model("wt_tags")
export class WtTag extends WtBase {
  @column(integer().primaryKey()) accessor id!: number;
  // The other end of a write-only many-to-many may be an ordinary list.
  @manyToMany("WtUser", { secondary: "wt_user_tags", backPopulates: "tags" }) accessor users!: Rel<WtUser[], "tags">;
}

// ─────────────────────────────── wrong declarations ───────────────────────────────

@model("wt_wrong")
export class WtWrong extends WtBase {
  @column(integer().primaryKey()) accessor id!: number;
  // @ts-expect-error a WriteOnlyCollection without lazy: "writeOnly"
  @oneToMany("WtEvent", {}) accessor noOption!: WriteOnlyCollection<WtEvent>;
  // @ts-expect-error lazy: "writeOnly" on a list
  @oneToMany("WtEvent", { lazy: "writeOnly" }) accessor aList!: WtEvent[];
  // @ts-expect-error the wrong target
  @oneToMany("WtEvent", { lazy: "writeOnly" }) accessor wrongTarget!: WriteOnlyCollection<WtTag>;
  // @ts-expect-error lazy: "writeOnly" on a many-to-one
  @manyToOne("WtUser", { lazy: "writeOnly" }) accessor scalar!: WtUser;
  // @ts-expect-error a many-to-one cannot hold a write-only collection
  @manyToOne("WtUser", { lazy: "writeOnly" }) accessor scalarCollection!: WriteOnlyCollection<WtUser>;
  // @ts-expect-error backPopulates names an attribute that is not a relationship to this class
  @oneToMany("WtEvent", { backPopulates: "user", lazy: "writeOnly" }) accessor notPaired!: Rel<WriteOnlyCollection<WtEvent>, "user">;
}

// ─────────────────────────────── use ───────────────────────────────

export async function useWriteOnly(session: Session, user: WtUser, event: WtEvent, tag: WtTag): Promise<void> {
  user.events.add(event);
  user.events.addAll([event]);
  user.events.remove(event);
  user.tags.add(tag);
  const events: WtEvent[] = await session.scalars(user.events.select().where(columnsOf(WtEvent).kind.eq("login")).orderBy(columnsOf(WtEvent).at).limit(10));
  for await (const streamed of session.stream(user.events.select())) streamed.kind satisfies string;
  const tags: WtTag[] = await session.scalars(user.tags.select());
  await session.execute(user.events.insert(), [{ kind: "login", at: 1 }]);
  await session.execute(user.events.update().values({ kind: "seen" }));
  await session.execute(user.events.delete());
  void [events, tags];

  // @ts-expect-error assigning a list to a write-only collection
  user.events = [event];
  // @ts-expect-error adding an object of another model
  user.events.add(tag);
  // @ts-expect-error not a list: no length
  void user.events.length;
  // @ts-expect-error not a list: no map
  user.events.map((x: WtEvent) => x);
  // @ts-expect-error not iterable
  for (const x of user.events) void x;
  // @ts-expect-error a loader option cannot load it
  selectinLoad(WtUser, "events");
  // @ts-expect-error a loader option cannot load it
  select(WtUser).options(joinedLoad(WtUser, "tags"));
  // @ts-expect-error nor containsEager
  containsEager(WtUser, "events");
  // @ts-expect-error nor session.load
  await session.load(user, "events");
  // @ts-expect-error create() does not take it
  create(WtUser, { events: user.events });
  // The many-to-one side and ordinary relationships still load.
  selectinLoad(WtEvent, "user");
  selectinLoad(WtTag, "users");
}

// ─────────────────────────────── the exact messages ───────────────────────────────

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
type Message<R> = R extends MappingError<infer M> ? M : never;
type RelMessage<Kind extends RelationshipKind, T extends string, O, C, K extends keyof C & string> = Message<CheckedRelationshipResult<Kind, T, O, C, C[K], K>>;

export type WtMessages = [
  Expect<Equal<RelMessage<"oneToMany", "WtEvent", {}, WtWrong, "noOption">,
    "athanor: WtWrong.noOption: a WriteOnlyCollection attribute needs lazy: 'writeOnly' on its decorator; add it, or declare the attribute as WtEvent[] to load it">>,
  Expect<Equal<RelMessage<"oneToMany", "WtEvent", { lazy: "writeOnly" }, WtWrong, "aList">,
    "athanor: WtWrong.aList: a write-only oneToMany (lazy: 'writeOnly') is never loaded, so it is not a list; declare it as WriteOnlyCollection<WtEvent>">>,
  Expect<Equal<RelMessage<"oneToMany", "WtEvent", { lazy: "writeOnly" }, WtWrong, "wrongTarget">,
    "athanor: WtWrong.wrongTarget: the declared type does not hold WtEvent, the relationship's target; declare it as WriteOnlyCollection<WtEvent>">>,
  Expect<Equal<RelMessage<"manyToOne", "WtUser", { lazy: "writeOnly" }, WtWrong, "scalar">,
    "athanor: WtWrong.scalar: lazy: 'writeOnly' is for a oneToMany or manyToMany collection, and a manyToOne holds one object; remove it">>,
  Expect<Equal<RelMessage<"manyToOne", "WtUser", { lazy: "writeOnly" }, WtWrong, "scalarCollection">,
    "athanor: WtWrong.scalarCollection: a manyToOne attribute holds one object, not a list; declare it as WtUser or WtUser | null, or use @oneToMany for a list">>,
  Expect<Equal<RelMessage<"oneToMany", "WtEvent", { backPopulates: "user"; lazy: "writeOnly" }, WtUser, "eventsAgain">,
    "athanor: WtUser.eventsAgain: backPopulates 'user': WtEvent.user points back to 'events', not to 'eventsAgain'; the two ends must name each other">>,
  Expect<Equal<RelMessage<"oneToMany", "WtEvent", { backPopulates: "user"; lazy: "writeOnly" }, WtWrong, "notPaired">,
    "athanor: WtWrong.notPaired: backPopulates 'user': WtEvent.user is not a relationship to WtWrong (it is not typed WtWrong, WtWrong | null or WtWrong[]); name the attribute of WtEvent that points back here">>,
];
