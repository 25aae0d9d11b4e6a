import { column, integer, model, oneToOne, text, type Rel } from "athanor";
import { Base } from "./base.js";
import type { User } from "./user.js";

declare module "athanor" {
  interface Models {
    Profile: Profile;
  }
}

@model("profiles")
export class Profile extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(integer().named("user_id").notNull().unique().references("users.id", { onDelete: "cascade" })) accessor userId!: number;
  @column(text()) accessor bio!: string | null;

  @oneToOne("User", { backPopulates: "profile" }) accessor user!: Rel<User | null, "profile">;
}
