/**
 * The slice of a table's schema that the statement tree and the compilers need. Declared here, as
 * an interface, so that `ast/` does not depend on the `schema/` classes that implement it.
 */
import type { SqlType } from "../types/sql-type.js";

export interface ColumnSchema {
  readonly key: string;
  readonly name: string;
  readonly type: SqlType;
}

export interface ForeignKeySchema {
  /** Columns of the referencing table. */
  readonly columns: readonly ColumnSchema[];
  /** The referenced table, resolved lazily from the `"table.column"` target. */
  readonly referredTable: TableSchema;
  readonly referredColumns: readonly ColumnSchema[];
}

export interface TableSchema {
  readonly name: string;
  readonly schema: string | undefined;
  readonly columnList: readonly ColumnSchema[];
  readonly foreignKeys: readonly ForeignKeySchema[];
}
