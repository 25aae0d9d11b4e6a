/**
 * A primary key dropped and added again (its columns changed, or its name alone: a
 * `pk_{table_name}` convention over a renamed table) cannot go while a foreign key refers to it:
 * PostgreSQL refuses ("other objects depend on it"), and so does MariaDB. The foreign keys that
 * refer to such a table are dropped before and added after, not kept, nor renamed in place.
 * (SQLite rebuilds the table with foreign keys off: the keys referring to it need nothing.)
 *
 * @internal
 */
import { tableKey, type TableModel } from "../../core/schema/schema-model.js";
import { referredKey } from "./order.js";
import { refOf, type TableDiff } from "./table-diff.js";

/** Rewrites `diffs` (one per pair, same order) so that keys referring to a re-keyed table are dropped and added again. */
export function reAddKeysToRekeyedTables(pairs: readonly { readonly from: TableModel; readonly to: TableModel }[], diffs: readonly TableDiff[]): void {
  const rekeyed = new Set(pairs.filter((_, i) => diffs[i]!.dropConstraints.some((o) => o.op === "dropPrimaryKey")).map((p) => tableKey(p.to)));
  if (!rekeyed.size) return;
  pairs.forEach((pair, i) => {
    const diff = diffs[i]!;
    for (const fk of pair.to.foreignKeys) {
      if (!rekeyed.has(referredKey(fk)) || diff.addForeignKeys.some((o) => o.op === "addForeignKey" && o.foreignKey.name === fk.name)) continue;
      const renamed = diff.addForeignKeys.findIndex((o) => o.op === "renameConstraint" && o.kind === "foreignKey" && o.to === fk.name);
      const rename = diff.addForeignKeys[renamed];
      const old = pair.from.foreignKeys.find((f) => f.name === (rename?.op === "renameConstraint" ? rename.from : fk.name));
      if (old === undefined) continue;
      if (rename) diff.addForeignKeys.splice(renamed, 1);
      diff.dropForeignKeys.push({ op: "dropForeignKey", table: refOf(pair.from), foreignKey: old });
      diff.addForeignKeys.push({ op: "addForeignKey", table: refOf(pair.to), foreignKey: fk });
    }
  });
}
