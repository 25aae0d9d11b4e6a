/** The planner's error, in a module of its own so that the planner's helpers can raise it. */
import { AthanorError } from "../../core/errors.js";

/**
 * A migration's operations cannot be planned as written (see the message).
 *
 * ```ts
 * const graph = buildGraph(await loadMigrations("migrations", (file) => import(file)));
 * try {
 *   await new MigrationRunner({ connection: conn, graph }).up();
 * } catch (error) {
 *   if (error instanceof PlanError) console.error(error.message); // what to change in the migration
 * }
 * ```
 */
export class PlanError extends AthanorError {
  override name = "PlanError";
}
