/**
 * A migration file's source from its definition: `export default defineMigration({ ... })` with
 * `up` and `down` written as `op.*` builder calls and `types.*` types, so that the generated
 * file reads (and is edited) like a hand-written one.
 */
import type { MigrationDefinition } from "../migration.js";
import type { Operation } from "../operations/operation.js";
import { operationSource, type Uses } from "./op-source.js";
import { printValue } from "./print.js";

/** Options of `migrationSource`. */
export interface MigrationSourceOptions {
  /** The module the file imports `defineMigration`, `op` and `types` from. Default `"athanor/migrations"`. */
  readonly importFrom?: string;
}

/**
 * The TypeScript source of a migration file defining `migration`.
 *
 * ```ts
 * const up = [op.addColumn("books", { name: "isbn", type: types.string(13) })];
 * const source = migrationSource({ id: migrationId(new Date(), "add isbn"), parents: [], message: "add isbn", up, down: downOf(up) });
 * ```
 */
export function migrationSource(migration: MigrationDefinition, options: MigrationSourceOptions = {}): string {
  const uses: Uses = { op: false, types: false };
  const list = (ops: readonly Operation[]) =>
    ops.length === 0 ? "[]" : `[\n${ops.map((op) => `    ${operationSource(op, 4, uses)},`).join("\n")}\n  ]`;
  const up = list(migration.up);
  const down = list(migration.down);
  const names = ["defineMigration", ...(uses.op ? ["op"] : []), ...(uses.types ? ["types"] : [])];
  return [
    `import { ${names.join(", ")} } from ${JSON.stringify(options.importFrom ?? "athanor/migrations")};`,
    "",
    "export default defineMigration({",
    `  id: ${JSON.stringify(migration.id)},`,
    `  parents: ${printValue(migration.parents, 2)},`,
    `  message: ${JSON.stringify(migration.message)},`,
    `  up: ${up},`,
    `  down: ${down},`,
    "});",
    "",
  ].join("\n");
}
