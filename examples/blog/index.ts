/** The blog example's models, all imported. */
export { Base, postTags, follows } from "./base.js";
export { User } from "./user.js";
export { Profile } from "./profile.js";
export { Category } from "./category.js";
export { Post } from "./post.js";
export { Comment } from "./comment.js";
export { Tag } from "./tag.js";
export { Group } from "./group.js";
export { Membership } from "./membership.js";
