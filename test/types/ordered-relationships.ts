/**
 * Compile-time fixture of `orderBy` on relationships (src/orm/typing/relationship-checks.ts):
 * attribute names of the target are checked like other options. Compiled by `npm test` with
 * TypeScript 7 and 5.9, never executed. Wrong declarations sit under `// @ts-expect-error`, and
 * `Expect<Equal<...>>` pins their messages.
 */
import { DeclarativeBase, column, integer, manyToMany, manyToOne, model, oneToMany, type Rel } from "athanor";
import type { CheckedRelationshipResult, MappingError, RelationshipKind } from "../../src/orm/typing/checks.js";

class ToBase extends DeclarativeBase {}

declare module "athanor" {
  interface Models {
    ToList: ToList;
    ToItem: ToItem;
  }
}

@model("to_lists")
export class ToList extends ToBase {
  @column(integer().primaryKey()) accessor id!: number;

  @oneToMany("ToItem", { backPopulates: "list", orderBy: ["position", { attr: "id", direction: "desc", nulls: "last" }] })
  accessor items!: Rel<ToItem[], "list">;
  @oneToMany(() => ToItem, { viewonly: true, orderBy: { attr: "position" } }) accessor byThunk!: ToItem[];
  @manyToMany("ToItem", { secondary: "to_pins", orderBy: "position" }) accessor pinned!: ToItem[];

  // @ts-expect-error: not an attribute of ToItem
  @oneToMany("ToItem", { viewonly: true, orderBy: "positon" }) accessor misspelled!: ToItem[];
  // @ts-expect-error: not an attribute of ToItem, in the object form
  @oneToMany("ToItem", { viewonly: true, orderBy: ["id", { attr: "createdAt", direction: "desc" }] }) accessor misspelled2!: ToItem[];
  // @ts-expect-error: a direction is "asc" or "desc"
  @oneToMany("ToItem", { viewonly: true, orderBy: { attr: "id", direction: "down" } }) accessor badDirection!: ToItem[];
}

@model("to_items")
export class ToItem extends ToBase {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().references("to_lists.id")) accessor listId!: number | null;
  @column(integer()) accessor position!: number | null;

  @manyToOne("ToList", { backPopulates: "items" }) accessor list!: Rel<ToList | null, "items">;
  // @ts-expect-error: a many-to-one holds one object and has no order
  @manyToOne("ToList", { viewonly: true, orderBy: "id" }) accessor ordered!: ToList | null;
}

type Equal<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;
/** The message a failed check returns as the decorator's return type, `MappingError<message>`. */
type Message<R> = R extends MappingError<infer M> ? M : never;
type RelMessage<Kind extends RelationshipKind, T extends string, O, C, K extends keyof C & string> = Message<CheckedRelationshipResult<Kind, T, O, C, C[K], K>>;

export type ToMessages = [
  Expect<Equal<RelMessage<"oneToMany", "ToItem", { viewonly: true; orderBy: "positon" }, ToList, "misspelled">,
    "athanor: ToList.misspelled: orderBy names 'positon', which ToItem does not have; order by column attributes of ToItem">>,
  Expect<Equal<RelMessage<"oneToMany", "ToItem", { orderBy: readonly ["id", { attr: "createdAt" }] }, ToList, "misspelled2">,
    "athanor: ToList.misspelled2: orderBy names 'createdAt', which ToItem does not have; order by column attributes of ToItem">>,
  Expect<Equal<RelMessage<"manyToOne", "ToList", { orderBy: "id" }, ToItem, "ordered">,
    "athanor: ToItem.ordered: a manyToOne holds one object, so it cannot have orderBy; remove it">>,
];
