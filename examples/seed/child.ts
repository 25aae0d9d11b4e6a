import { column, integer, manyToMany, model, oneToMany, type Rel } from "athanor";
import { Base } from "./base.js";
import type { Association } from "./association.js";
import type { Parent } from "./parent.js";

declare module "athanor" {
  interface Models {
    Child: Child;
  }
}

@model("right_table")
export class Child extends Base {
  @column(integer().primaryKey()) accessor id!: number;

  @manyToMany("Parent", { secondary: "association_table", backPopulates: "children" })
  accessor parents!: Rel<Parent[], "children">;

  @oneToMany("Association", { backPopulates: "child" })
  accessor parentAssociations!: Rel<Association[], "child">;
}
