/**
 * The differences between two versions of one table (same name, or renamed by a hint): column
 * renames, additions, changes and drops, and the constraints and indexes that go or come. The
 * old side is first seen through the renames (the database carries constraints over a rename),
 * so that only real changes become operations.
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import { tableKey, type CheckModel, type ColumnModel, type ForeignKeyModel, type IndexModel, type TableModel, type UniqueModel } from "../../core/schema/schema-model.js";
import type { ColumnChange, Operation, TableRef } from "../operations/operation.js";
import { canonicalCheckSql, canonicalGeneratedSql, canonicalIndex } from "../schema/canonical.js";
import { renameColumnsInTableSql } from "../schema/renamed-sql.js";
import { sameData } from "./canonical.js";
import { plainColumn, type ColumnMatch } from "./columns.js";
import type { DataLoss } from "./data-loss.js";
import { referredKey } from "./order.js";
import { sameType, typeChangeLoss, typeText } from "./type-change.js";

/** The renames of the whole diff, keyed by the old table's key: what the database carries over. */
export interface Renames {
  /** Old table key → new table name. */
  readonly tables: ReadonlyMap<string, string>;
  /** Old table key → (old column name → new column name). */
  readonly columns: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/** One table's operations, in the buckets the differ orders them by. */
export interface TableDiff {
  readonly dropForeignKeys: Operation[];
  readonly dropConstraints: Operation[];
  readonly renameColumns: Operation[];
  readonly columns: Operation[];
  readonly addConstraints: Operation[];
  readonly addForeignKeys: Operation[];
  readonly losses: DataLoss[];
}

/** `{ schema?, name }` of a table, as operations name it. */
export function refOf(table: { readonly schema?: string | undefined; readonly name: string }): TableRef {
  return table.schema ? { schema: table.schema, name: table.name } : { name: table.name };
}

/** Diffs `from` and `to`, two versions of one table whose columns `match` pairs. */
export function diffTable(from: TableModel, to: TableModel, match: ColumnMatch, renames: Renames, dialect: DialectName): TableDiff {
  const diff: TableDiff = { dropForeignKeys: [], dropConstraints: [], renameColumns: [], columns: [], addConstraints: [], addForeignKeys: [], losses: [] };
  const old = refOf(from);
  const table = refOf(to);
  const key = tableKey(to);
  const col = (name: string) => match.renamed.get(name) ?? name;
  const cols = (names: readonly string[]) => names.map(col);
  // The databases carry the renames into SQL texts too (expressions, conditions, defaults): the old
  // side's texts are seen through them, item by item (the originals stay for the drops before the renames).
  const seen = renameColumnsInTableSql(from, match.renamed);
  const through = <T>(olds: readonly T[], news: readonly T[]) => new Map(olds.map((item, i) => [item, news[i]!] as const));
  const seenColumn = through(from.columns, seen.columns);
  const seenIndex = through(from.indexes, seen.indexes);
  const seenCheck = through(from.checks, seen.checks);

  for (const [was, now] of match.renamed) diff.renameColumns.push({ op: "renameColumn", table, from: was, to: now });
  for (const column of match.added) diff.columns.push({ op: "addColumn", table, column: plainColumn(column) });
  for (const [original, b] of match.pairs) {
    const a = seenColumn.get(original) ?? original;
    // No ALTER changes how a column is generated: dropped and added again. A generated column's
    // values are derived from the row, so only a plain column's drop loses data.
    if (!sameGenerated(a, b, dialect)) {
      diff.columns.push({ op: "dropColumn", table, column: { ...a, name: b.name } }, { op: "addColumn", table, column: plainColumn(b) });
      if (!a.generated) diff.losses.push({ kind: "dropColumn", table: key, column: b.name, detail: `its data (${typeText(a.type)}) would be replaced by the generated values` });
      continue;
    }
    const change = columnChange(a, b, dialect);
    if (!change) continue;
    diff.columns.push({ op: "alterColumn", table, column: b.name, from: { type: a.type, nullable: a.nullable, serverDefault: a.serverDefault ?? null }, to: change });
    const loss = change.type && typeChangeLoss(a.type, change.type, dialect);
    if (loss) diff.losses.push({ kind: "narrowType", table: key, column: b.name, detail: loss });
  }
  for (const dropped of match.dropped) {
    // Dropped after the renames: its expression (which the down adds back) names the new columns.
    const column = seenColumn.get(dropped) ?? dropped;
    diff.columns.push({ op: "dropColumn", table, column });
    // A generated column's values are the row's other columns, computed: nothing of its own is lost.
    if (!column.generated) diff.losses.push({ kind: "dropColumn", table: key, column: column.name, detail: `its data (${typeText(column.type)}) would be deleted` });
  }

  // Indexes, uniques and the primary key share one namespace (PostgreSQL: relations; MariaDB: the
  // table's keys), constraints another: a name any old one holds cannot be renamed onto in place.
  const held = new Set([...from.indexes, ...from.uniques, ...from.foreignKeys, ...from.checks, ...(from.primaryKey ? [from.primaryKey] : [])].map((item) => item.name));
  // Foreign keys and checks are renamed in place on PostgreSQL only: MariaDB cannot rename them
  // (renameConstraint drops and adds them, at the end, after a column's MODIFY that the key would
  // refuse), and SQLite rebuilds the table anyway. Indexes and uniques are renamed everywhere.
  const renamesConstraints = dialect === "postgresql";
  const seenForeignKey = (fk: ForeignKeyModel) => mapForeignKey(fk, col, renames);
  const fks = keyed(from.foreignKeys, to.foreignKeys, (fk) => fk.name, seenForeignKey);
  if (renamesConstraints) {
    for (const [was, now] of renamedInPlace(fks, held, seenForeignKey, sameData)) diff.addForeignKeys.push({ op: "renameConstraint", table, kind: "foreignKey", from: was, to: now });
  }
  for (const fk of fks.removed) diff.dropForeignKeys.push({ op: "dropForeignKey", table: old, foreignKey: fk });
  for (const fk of fks.added) diff.addForeignKeys.push({ op: "addForeignKey", table, foreignKey: fk });

  const pkOld = from.primaryKey && { ...from.primaryKey, columns: cols(from.primaryKey.columns) };
  if (!sameData(pkOld, to.primaryKey)) {
    if (from.primaryKey) diff.dropConstraints.push({ op: "dropPrimaryKey", table: old, primaryKey: from.primaryKey });
    if (to.primaryKey) diff.addConstraints.push({ op: "addPrimaryKey", table, primaryKey: to.primaryKey });
  }
  const seenUniqueAfter = (u: UniqueModel): UniqueModel => ({ ...u, columns: cols(u.columns) });
  const uniques = keyed(from.uniques, to.uniques, (u) => u.name ?? `(${u.columns.join(",")})`, seenUniqueAfter);
  // Databases rewrite check conditions: an unnamed check is known by its condition in canonical form.
  const seenCheckAfter = (c: CheckModel) => seenCheck.get(c) ?? c;
  const checks = keyed(from.checks, to.checks, (c) => c.name ?? `sql:${canonicalCheckSql(c.sql, dialect)}`, seenCheckAfter, (a, b) => sameCondition(a.sql, b.sql, dialect));
  const seenIndexAfter = (i: IndexModel): IndexModel => ({ ...(seenIndex.get(i) ?? i), columns: cols(i.columns) });
  const sameIndex = (a: IndexModel, b: IndexModel) => sameData(canonicalIndex(a, dialect), canonicalIndex(b, dialect));
  const indexes = keyed(from.indexes, to.indexes, (i) => i.name, seenIndexAfter, sameIndex);
  for (const [was, now] of renamedInPlace(indexes, held, seenIndexAfter, sameIndex)) diff.addConstraints.push({ op: "renameIndex", table, from: was, to: now });
  for (const [was, now] of renamedInPlace(uniques, held, seenUniqueAfter, sameData)) diff.addConstraints.push({ op: "renameConstraint", table, kind: "unique", from: was, to: now });
  if (renamesConstraints) {
    const sameText = (a: CheckModel, b: CheckModel) => canonicalCheckSql(a.sql, dialect) === canonicalCheckSql(b.sql, dialect);
    for (const [was, now] of renamedInPlace(checks, held, seenCheckAfter, sameText)) diff.addConstraints.push({ op: "renameConstraint", table, kind: "check", from: was, to: now });
  }
  for (const index of indexes.removed) diff.dropConstraints.push({ op: "dropIndex", table: old, index });
  for (const unique of uniques.removed) diff.dropConstraints.push({ op: "dropUnique", table: old, unique });
  for (const check of checks.removed) diff.dropConstraints.push({ op: "dropCheck", table: old, check });
  for (const unique of uniques.added) diff.addConstraints.push({ op: "addUnique", table, unique });
  for (const check of checks.added) diff.addConstraints.push({ op: "addCheck", table, check });
  for (const index of indexes.added) diff.addConstraints.push({ op: "createIndex", table, index });
  return diff;
}

/** What `alterColumn` must change to turn column `a` into `b`; undefined when nothing does. */
function columnChange(a: ColumnModel, b: ColumnModel, dialect: DialectName): ColumnChange | undefined {
  const change: { type?: ColumnModel["type"]; nullable?: boolean; serverDefault?: string | null } = {};
  if (!sameType(a.type, b.type, dialect)) change.type = b.type;
  if (a.nullable !== b.nullable) change.nullable = b.nullable;
  if ((a.serverDefault ?? null) !== (b.serverDefault ?? null)) change.serverDefault = b.serverDefault ?? null;
  return Object.keys(change).length ? change : undefined;
}

/** Whether two columns are generated the same way (neither is, or the same expression and kind). */
function sameGenerated(a: ColumnModel, b: ColumnModel, dialect: DialectName): boolean {
  if (!a.generated || !b.generated) return !a.generated && !b.generated;
  return a.generated.stored === b.generated.stored && canonicalGeneratedSql(a.generated.sql, dialect) === canonicalGeneratedSql(b.generated.sql, dialect);
}

/** A column's list of allowed values in canonical form (`mood in 'a', 'b'`): an enum's check. */
const VALUE_LIST = /^[\w$.]+ in '(?:[^']|'')*'(?:, '(?:[^']|'')*')*$/;

/**
 * Whether two checks of one name have the same condition. Databases rewrite conditions beyond
 * what the canonical form undoes, so only a list of allowed values (an enum's check, whose values
 * changed in the model) is compared; any other condition under the same name counts as unchanged.
 */
function sameCondition(a: string, b: string, dialect: DialectName): boolean {
  const x = canonicalCheckSql(a, dialect);
  const y = canonicalCheckSql(b, dialect);
  return x === y || !VALUE_LIST.test(x) || !VALUE_LIST.test(y);
}

/** An old foreign key as the database shows it after the renames (its own and its target's). */
function mapForeignKey(fk: ForeignKeyModel, col: (name: string) => string, renames: Renames): ForeignKeyModel {
  const target = referredKey(fk);
  const targetColumns = renames.columns.get(target);
  return {
    ...fk,
    columns: fk.columns.map(col),
    referredTable: renames.tables.get(target) ?? fk.referredTable,
    referredColumns: fk.referredColumns.map((c) => targetColumns?.get(c) ?? c),
  };
}

/**
 * The items of `found` whose name alone changed (a naming convention over a renamed table or
 * column), as [old name, new name], taken out of its removed and added lists: renamed in place,
 * where a drop and a create would rebuild the index, for as long as a big table takes. A new name
 * that an old item of the table still holds (`taken`: of any kind, an index's name on a unique
 * included) is left to the drop and the create, which run before it is needed.
 */
function renamedInPlace<T extends { readonly name?: string | undefined }>(found: { removed: T[]; added: T[] }, taken: ReadonlySet<string | undefined>, seen: (item: T) => T, same: (a: T, b: T) => boolean): [string, string][] {
  const renamed: [string, string][] = [];
  for (const item of [...found.removed]) {
    if (item.name === undefined) continue;
    const after = seen(item);
    const twin = found.added.find((n) => n.name !== undefined && !taken.has(n.name) && same({ ...after, name: n.name }, n));
    if (twin === undefined) continue;
    found.removed.splice(found.removed.indexOf(item), 1);
    found.added.splice(found.added.indexOf(twin), 1);
    renamed.push([item.name, twin.name!]);
  }
  return renamed;
}

/**
 * Old and new items matched by key (the old one seen through `map`): an old item without an equal
 * new one is removed (the original is returned, as its drop needs it), a new one without an equal
 * old one is added. `same` decides equality of a key's two items (default: structural).
 */
function keyed<T>(olds: readonly T[], news: readonly T[], key: (item: T) => string, map: (item: T) => T, same: (a: T, b: T) => boolean = sameData): { removed: T[]; added: T[] } {
  const byKey = new Map(news.map((n) => [key(n), n] as const));
  const kept = new Set<T>();
  const removed: T[] = [];
  for (const item of olds) {
    const mapped = map(item);
    const match = byKey.get(key(mapped));
    if (match !== undefined && !kept.has(match) && same(mapped, match)) kept.add(match);
    else removed.push(item);
  }
  return { removed, added: news.filter((n) => !kept.has(n)) };
}
