import { column, integer, manyToMany, model, oneToMany, oneToOne, string, type Rel } from "athanor";
import { Base } from "./base.js";
import type { Comment } from "./comment.js";
import type { Group } from "./group.js";
import type { Membership } from "./membership.js";
import type { Post } from "./post.js";
import type { Profile } from "./profile.js";

declare module "athanor" {
  interface Models {
    User: User;
  }
}

@model("users")
export class User extends Base {
  @column(integer().primaryKey()) accessor id!: number;
  @column(string(200).notNull().unique()) accessor email!: string;
  @column(string(100)) accessor name!: string | null;

  /** One-to-one: the key is on profiles.user_id. */
  @oneToOne("Profile", { backPopulates: "user" }) accessor profile!: Rel<Profile | null, "user">;
  @oneToMany("Post", { backPopulates: "author" }) accessor posts!: Rel<Post[], "author">;
  @oneToMany("Comment", { backPopulates: "author" }) accessor comments!: Rel<Comment[], "author">;

  /** Self-referential many-to-many: `foreignKeys` says which column of `follows` is this side. */
  @manyToMany("User", { secondary: "follows", foreignKeys: ["follower_id"], backPopulates: "followers" })
  accessor following!: Rel<User[], "followers">;
  @manyToMany("User", { secondary: "follows", foreignKeys: ["followed_id"], backPopulates: "following" })
  accessor followers!: Rel<User[], "following">;

  /** Both many-to-many forms over the same table: the groups, and the memberships with their role. */
  @manyToMany("Group", { secondary: "memberships", backPopulates: "members" }) accessor groups!: Rel<Group[], "members">;
  @oneToMany("Membership", { backPopulates: "user" }) accessor memberships!: Rel<Membership[], "user">;
}
