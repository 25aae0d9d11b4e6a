/**
 * `diffSchemas(from, to)`: the operations that turn schema `from` (what the migration history or
 * the database has) into schema `to` (what the models say), in an order the foreign keys allow.
 * Renames come only from the model's declarations (`renamedFrom`, `previousNames`); a step that
 * destroys data is refused with `DataLossError` unless `allowDataLoss` says it is meant.
 */
import { dialectNameOf, type DialectRef } from "../dialect-ref.js";
import { tableKey, type SchemaModel, type TableModel } from "../../core/schema/schema-model.js";
import type { Operation } from "../operations/operation.js";
import { matchColumns, plainTable, type ColumnMatch } from "./columns.js";
import { DataLossError, type DataLoss } from "./data-loss.js";
import { matchNames } from "./match-names.js";
import { creationOrder, withoutForeignKeys } from "./order.js";
import { renameSuspects } from "./rename-suspects.js";
import { diffTable, refOf, type Renames, type TableDiff } from "./table-diff.js";
import { reAddKeysToRekeyedTables } from "./keys-to-rekeyed-tables.js";

/** Options of `diffSchemas`. */
export interface DiffOptions {
  /** The database both schemas are normalised for (a `Dialect` or its name). */
  readonly dialect: DialectRef;
  /** Generate drops and narrowing type changes instead of throwing `DataLossError`. Default false. */
  readonly allowDataLoss?: boolean;
}

interface TablePair {
  readonly from: TableModel;
  readonly to: TableModel;
  readonly match: ColumnMatch;
}

/**
 * The operations that turn `from` into `to`, in this order: foreign keys that go or change are
 * dropped, then other constraints and indexes that go, then tables (referencing ones first), then
 * renames (tables, columns), column additions, changes and drops, new constraints and indexes,
 * new tables (referenced ones first), and last the foreign keys added to existing tables or
 * closing a cycle among new ones. Empty when the schemas are equal.
 *
 * @throws DataLossError when a table or column would be dropped or a type narrowed, unless
 *   `allowDataLoss`; the error lists every such step and how to declare the renames.
 *
 * ```ts
 * const live = await engine.inspect().reflect();
 * const operations = diffSchemas(live, schemaModelOf(Base.metadata, engine.dialect), { dialect: engine.dialect });
 * if (operations.length) console.log(`the database is ${operations.length} step(s) behind the models`);
 * ```
 */
export function diffSchemas(from: SchemaModel, to: SchemaModel, options: DiffOptions): Operation[] {
  const dialect = dialectNameOf(options.dialect);
  const { pairs, created, dropped, renamedTables } = matchTables(from, to);
  const renames: Renames = {
    tables: new Map(renamedTables.map(([old, now]) => [tableKey(old), now.name] as const)),
    columns: new Map(pairs.map((p) => [tableKey(p.from), p.match.renamed] as const)),
  };
  const diffs: TableDiff[] = pairs.map((p) => diffTable(p.from, p.to, p.match, renames, dialect));
  if (dialect !== "sqlite") reAddKeysToRekeyedTables(pairs, diffs);
  const all = (bucket: Exclude<keyof TableDiff, "losses">): Operation[] => diffs.flatMap((d) => d[bucket]);

  // Dropped tables go referencing-first; a foreign key closing a cycle among them goes before any.
  const dropOrder = creationOrder(dropped);
  const droppedCycleKeys = [...dropOrder.deferred].flatMap(([key, fks]) =>
    fks.map((foreignKey): Operation => ({ op: "dropForeignKey", table: refOf(dropped.find((t) => tableKey(t) === key)!), foreignKey })),
  );
  // A drop that loses data is written only when accepted, and then marked so: `migrate up` refuses an unmarked one over rows.
  const dropTables = [...dropOrder.order].reverse().map((t): Operation => ({ op: "dropTable", table: withoutForeignKeys(t, dropOrder.deferred.get(tableKey(t))), allowDataLoss: true }));

  const createOrder = creationOrder(created.map(plainTable));
  const createTables = createOrder.order.map((t): Operation => ({ op: "createTable", table: withoutForeignKeys(t, createOrder.deferred.get(tableKey(t))) }));
  const cycleForeignKeys = createOrder.order.flatMap((t) =>
    (createOrder.deferred.get(tableKey(t)) ?? []).map((foreignKey): Operation => ({ op: "addForeignKey", table: refOf(t), foreignKey })),
  );

  const losses: DataLoss[] = [...dropped.map((t) => tableLoss(t)), ...diffs.flatMap((d) => d.losses)];
  if (losses.length && !options.allowDataLoss) throw new DataLossError(renameSuspects(losses, pairs, created, dropped, dialect));

  return [
    ...all("dropForeignKeys"),
    ...droppedCycleKeys,
    ...all("dropConstraints"),
    ...dropTables,
    ...renamedTables.map(([old, now]): Operation => ({ op: "renameTable", ...(now.schema ? { schema: now.schema } : {}), from: old.name, to: now.name })),
    ...all("renameColumns"),
    ...markLosses(all("columns"), losses),
    ...renamesFirst(all("addConstraints")),
    ...createTables,
    ...all("addForeignKeys"),
    ...cycleForeignKeys,
  ];
}

/** Pairs the tables of `from` and `to`: by a new table's declared `previousNames` (same schema) and by `schema.name`. */
function matchTables(from: SchemaModel, to: SchemaModel) {
  const { pairOf, renamed: renamedTables } = matchNames<TableModel>(from.tables, to.tables, {
    key: tableKey,
    previous: (t) => (t.previousNames ?? []).map((name) => tableKey({ schema: t.schema, name })),
    describe: (t) => `table ${tableKey(t)}`,
  });
  const kept = new Set([...pairOf.values()]);
  const pairs: TablePair[] = to.tables.filter((t) => pairOf.has(t)).map((t) => ({ from: pairOf.get(t)!, to: t, match: matchColumns(pairOf.get(t)!, t) }));
  return {
    pairs,
    created: to.tables.filter((t) => !pairOf.has(t)),
    dropped: from.tables.filter((t) => !kept.has(t)),
    renamedTables,
  };
}

/**
 * The index and constraint renames of every table first, each after the rename that frees its new
 * name: PostgreSQL and SQLite name indexes once per schema, so a chain of table renames (b to c,
 * then a to b) renames ix_a_x onto ix_b_x, which table b's index holds until its own rename.
 */
function renamesFirst(ops: readonly Operation[]): Operation[] {
  const pending = ops.filter((o) => o.op === "renameIndex" || o.op === "renameConstraint");
  const ordered: Operation[] = [];
  const nameOf = (o: Operation, end: "from" | "to") => (o.op === "renameIndex" || o.op === "renameConstraint" ? `${o.table.schema ?? ""}.${o[end]}` : "");
  while (pending.length) {
    const next = pending.findIndex((o) => !pending.some((p) => p !== o && nameOf(p, "from") === nameOf(o, "to")));
    // A cycle (names exchanged across tables) has no such rename: the database refuses it, naming the index.
    ordered.push(...pending.splice(Math.max(next, 0), 1));
  }
  return [...ordered, ...ops.filter((o) => o.op !== "renameIndex" && o.op !== "renameConstraint")];
}

/** The column drops among `ops` that lose data (listed in `losses`), marked `allowDataLoss` (see `dropTables`). */
function markLosses(ops: readonly Operation[], losses: readonly DataLoss[]): Operation[] {
  const lost = new Set(losses.filter((l) => l.kind === "dropColumn").map((l) => `${l.table}\0${l.column}`));
  return ops.map((o) => (o.op === "dropColumn" && lost.has(`${tableKey(o.table)}\0${o.column.name}`) ? { ...o, allowDataLoss: true } : o));
}

function tableLoss(table: TableModel): DataLoss {
  return { kind: "dropTable", table: tableKey(table), detail: `its rows would be deleted (columns ${table.columns.map((c) => c.name).join(", ")})` };
}
