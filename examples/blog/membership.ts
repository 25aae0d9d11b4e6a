import { column, datetime, integer, manyToOne, model, string, type Rel } from "athanor";
import { Base } from "./base.js";
import type { Group } from "./group.js";
import type { User } from "./user.js";

declare module "athanor" {
  interface Models {
    Membership: Membership;
  }
}

/** The association object of users and groups: a membership, with a role and a date. */
@model("memberships")
export class Membership extends Base {
  @column(integer().named("user_id").references("users.id", { onDelete: "cascade" }).primaryKey()) accessor userId!: number;
  @column(integer().named("group_id").references("groups.id", { onDelete: "cascade" }).primaryKey()) accessor groupId!: number;
  @column(string(20).notNull().default("member")) accessor role!: string;
  @column(datetime().named("joined_at").notNull().default(() => new Date())) accessor joinedAt!: Date;

  @manyToOne("User", { backPopulates: "memberships" }) accessor user!: Rel<User, "memberships">;
  @manyToOne("Group", { backPopulates: "memberships" }) accessor group!: Rel<Group, "memberships">;
}
