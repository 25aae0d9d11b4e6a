import { column, integer, manyToMany, model, oneToMany, type Rel } from "athanor";
import { Base } from "./base.js";
// Type-only imports: nothing from the other model files exists at run time, so there is no
// import cycle to break, in any order.
import type { Association } from "./association.js";
import type { Child } from "./child.js";

declare module "athanor" {
  interface Models {
    Parent: Parent;
  }
}

@model("left_table")
export class Parent extends Base {
  @column(integer().primaryKey()) accessor id!: number;

  /** The children, through the association table: a view over `childAssociations`. */
  @manyToMany("Child", { secondary: "association_table", backPopulates: "parents" })
  accessor children!: Rel<Child[], "parents">;

  /** The same links as association objects, with their extra data. */
  @oneToMany("Association", { backPopulates: "parent" })
  accessor childAssociations!: Rel<Association[], "parent">;
}
