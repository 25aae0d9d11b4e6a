/** `alias(users, "u")`: the same table under another name, for self-joins and repeated joins. */
import type { AliasNode } from "../ast/nodes.js";
import { Labeled } from "../expression/expression.js";
import type { ColumnMap, FromSource, RowOf, Table } from "./table.js";

export class AliasedTable<Row> implements FromSource<Row> {
  declare readonly __row?: Row;
  readonly fromNode: AliasNode;
  readonly c: FromSource<Row>["c"];
  readonly columnList: readonly Labeled<unknown, string>[];

  constructor(readonly table: Table, readonly name: string) {
    this.fromNode = { kind: "alias", name, of: table.fromNode };
    this.columnList = table.columnList.map(
      (col) => new Labeled<unknown, string>(col.key, { kind: "column", name: col.name, source: this.fromNode }, col.type),
    );
    this.c = Object.fromEntries(this.columnList.map((col) => [col.key, col])) as FromSource<Row>["c"];
  }

  /** The table this alias names, for foreign-key join inference. */
  get underlyingTable(): Table {
    return this.table;
  }
}

/**
 * The same table under another name, to select from it twice (`FROM users AS managers`).
 *
 * ```ts
 * const staff = table("staff", metadata, { id: integer().primaryKey(), name: text(), managerId: integer().named("manager_id") });
 * const managers = alias(staff, "managers");
 * const rows = await engine.execute(
 *   select(staff.c.name, managers.c.name.label("manager")).join(managers, staff.c.managerId.eq(managers.c.id)),
 * );
 * ```
 */
export function alias<C extends ColumnMap>(table: Table<string, C>, name: string): AliasedTable<RowOf<C>> {
  return new AliasedTable<RowOf<C>>(table as Table, name);
}
