import { column, integer, manyToMany, model, oneToMany, string, type Rel } from "athanor";
import { Base } from "./base.js";
import type { Membership } from "./membership.js";
import type { User } from "./user.js";

declare module "athanor" {
  interface Models {
    Group: Group;
  }
}

@model("groups")
export class Group extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(100).notNull()) accessor name!: string;

  @manyToMany("User", { secondary: "memberships", backPopulates: "groups" }) accessor members!: Rel<User[], "groups">;
  @oneToMany("Membership", { backPopulates: "group" }) accessor memberships!: Rel<Membership[], "group">;
}
