import { column, integer, manyToOne, model, text, type Rel } from "athanor";
import { Base } from "./base.js";
import type { Child } from "./child.js";
import type { Parent } from "./parent.js";

declare module "athanor" {
  interface Models {
    Association: Association;
  }
}

/** The association object: one row of `association_table`, a link with extra data. */
@model("association_table")
export class Association extends Base {
  @column(integer().named("left_id").references("left_table.id").primaryKey()) accessor leftId!: number;
  @column(integer().named("right_id").references("right_table.id").primaryKey()) accessor rightId!: number;
  @column(text().named("extra_data")) accessor extraData!: string | null;

  @manyToOne("Child", { backPopulates: "parentAssociations" })
  accessor child!: Rel<Child, "parentAssociations">;

  @manyToOne("Parent", { backPopulates: "childAssociations" })
  accessor parent!: Rel<Parent, "childAssociations">;
}
