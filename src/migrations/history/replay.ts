/**
 * The schema the history produces: every operation of a migration's ancestors applied, in order,
 * to the empty schema. The planner needs the schema before a migration (to render a SQLite
 * rebuild, a dropped column's table...), and `migrate new` diffs the models against the head's.
 */
import type { SchemaModel } from "../../core/schema/schema-model.js";
import type { MigrationGraph } from "./graph.js";
import { applyToModel, EMPTY_SCHEMA } from "./steps.js";

/** Computes (and remembers) the schema after each migration of one graph. */
export class SchemaReplay {
  private readonly after = new Map<string, SchemaModel>();
  /** A chain (no branch, no merge): the schema before a migration is always the same, so it is cached. */
  private readonly linear: boolean;

  constructor(private readonly graph: MigrationGraph) {
    this.linear = graph.order.every((id) => graph.get(id).parents.length <= 1 && graph.get(id).children.length <= 1);
  }

  /** The schema once `id` and everything before it is applied; `undefined`: the empty schema. */
  schemaAt(id: string | undefined): SchemaModel {
    if (id === undefined) return EMPTY_SCHEMA;
    let schema = EMPTY_SCHEMA;
    for (const at of this.graph.ancestors(id)) schema = this.afterOne(at, schema);
    return schema;
  }

  /** The schema just before `id` runs: its ancestors applied. */
  schemaBefore(id: string): SchemaModel {
    let schema = EMPTY_SCHEMA;
    for (const at of this.graph.ancestors(id)) if (at !== id) schema = this.afterOne(at, schema);
    return schema;
  }

  private afterOne(id: string, before: SchemaModel): SchemaModel {
    const cached = this.linear ? this.after.get(id) : undefined;
    if (cached) return cached;
    const result = this.graph.get(id).migration.definition.up.reduce(applyToModel, before);
    if (this.linear) this.after.set(id, result);
    return result;
  }
}
