/**
 * For the `DataLossError` message: a dropped column (table) next to an added column (created
 * table) it could have become is called out as "looks like a rename", with the declaration that
 * would make it one. Only the message says so: the differ itself never guesses a rename.
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import { tableKey, type ColumnModel, type TableModel } from "../../core/schema/schema-model.js";
import type { ColumnMatch } from "./columns.js";
import { columnRenameHint, tableRenameHint, type DataLoss } from "./data-loss.js";
import { sameType, typeChangeLoss } from "./type-change.js";

interface Pair {
  readonly from: TableModel;
  readonly to: TableModel;
  readonly match: ColumnMatch;
}

/** `losses` with `looksRenamedTo` and `declare` filled in where a rename is plausible. */
export function renameSuspects(losses: readonly DataLoss[], pairs: readonly Pair[], created: readonly TableModel[], dropped: readonly TableModel[], dialect: DialectName): DataLoss[] {
  const usedColumns = new Set<ColumnModel>();
  const usedTables = new Set<TableModel>();
  return losses.map((loss): DataLoss => {
    if (loss.kind === "dropColumn") {
      const pair = pairs.find((p) => tableKey(p.to) === loss.table)!;
      const old = pair.from.columns.find((c) => c.name === loss.column)!;
      const fits = pair.match.added.filter((c) => !usedColumns.has(c) && typeChangeLoss(old.type, c.type, dialect) === undefined);
      const suspect = fits.find((c) => sameType(old.type, c.type, dialect)) ?? fits[0];
      if (!suspect) return { ...loss, declare: `\`.renamedFrom(${JSON.stringify(old.name)})\` on the new column's declaration in table ${loss.table}` };
      usedColumns.add(suspect);
      return { ...loss, looksRenamedTo: `${loss.table}.${suspect.name}`, declare: columnRenameHint(loss.table, suspect, old.name) };
    }
    if (loss.kind === "dropTable") {
      const old = dropped.find((t) => tableKey(t) === loss.table)!;
      const names = new Set(old.columns.map((c) => c.name));
      const overlap = (t: TableModel) => t.columns.filter((c) => names.has(c.name)).length;
      const suspect = created
        .filter((t) => !usedTables.has(t) && t.schema === old.schema && overlap(t) * 2 >= Math.max(names.size, 1))
        .sort((a, b) => overlap(b) - overlap(a))[0];
      if (!suspect) return { ...loss, declare: `\`previousNames: [${JSON.stringify(old.name)}]\` in the options of the table that replaces it` };
      usedTables.add(suspect);
      return { ...loss, looksRenamedTo: `table ${tableKey(suspect)}`, declare: tableRenameHint(suspect.name, old.name) };
    }
    return loss;
  });
}
