/**
 * A migration file's contents: `export default defineMigration({ id, parents, message, up, down })`.
 * `up` and `down` are lists of operations (data, not functions), so that every command can read
 * them without running anything: `sql` prints them, `lint` checks them, `verify` replays them.
 */
import type { Operation } from "./operations/operation.js";

/** What a migration file exports (through `defineMigration`). */
export interface MigrationDefinition {
  /** Unique and sortable: `<UTC timestamp>_<slug>`, e.g. `20261204192300_add_books`. */
  readonly id: string;
  /** The migrations this one follows: none for the first, two or more for a merge. */
  readonly parents: readonly string[];
  readonly message: string;
  readonly up: readonly Operation[];
  readonly down: readonly Operation[];
}

/**
 * Declares a migration; the identity function, there for the type check of the file.
 *
 * ```ts
 * // migrations/20261204192300_add_books.ts
 * const up = [
 *   op.createTable("books", { columns: [{ name: "id", type: types.integer(), nullable: false, autoincrement: true }], primaryKey: ["id"] }),
 *   op.addColumn("books", { name: "isbn", type: types.string(13) }),
 * ];
 * export default defineMigration({ id: "20261204192300_add_books", parents: [], message: "add books", up, down: downOf(up) });
 * ```
 */
export function defineMigration(definition: MigrationDefinition): MigrationDefinition {
  return definition;
}
