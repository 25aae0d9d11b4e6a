/**
 * Which key a duplicate the database refused is of, by the tables' metadata rather than by the
 * constraint's name alone. PostgreSQL names the violated constraint, and the dialect can only
 * guess from that name (`<table>_pkey` is what it names an unnamed primary key): a primary key
 * named by the naming convention (`pk_<table>`) read as a unique constraint, and a unique
 * constraint named `..._pkey` as the primary key. MariaDB ('PRIMARY') and SQLite (its result
 * code) are exact; the lookup finds nothing to change there.
 */
import type { IdentifierLimit } from "../compiler/identifier-limit.js";
import { fitGeneratedName } from "../compiler/identifier-limit.js";
import type { DBAPIError } from "../errors.js";
import type { Column } from "./column.js";
import type { MetaData } from "./metadata.js";
import { constraintName, namePartsOf, type ConstraintKind } from "./naming-convention.js";
import type { Table } from "./table.js";

/**
 * Sets `error.duplicate` to what the constraint it names is in `metadata`: the primary key of a
 * table, or a unique constraint or index of one. A name none of them has keeps the dialect's reading.
 * @internal
 */
export function classifyDuplicate(error: DBAPIError, metadata: Iterable<MetaData>, limit: IdentifierLimit | undefined): void {
  const name = error.constraint;
  if (error.duplicate === undefined || name === undefined) return;
  for (const meta of metadata) {
    for (const table of meta.tables.values()) {
      const kind = keyNamed(table, name, limit);
      if (kind !== undefined) {
        (error as { duplicate: DBAPIError["duplicate"] }).duplicate = kind;
        return;
      }
    }
  }
}

function keyNamed(table: Table, name: string, limit: IdentifierLimit | undefined): DBAPIError["duplicate"] {
  const named = (kind: Exclude<ConstraintKind, "fk">, columns: readonly Column[], given: string | undefined) => {
    const result = constraintName(namePartsOf(kind, table, columns, given), table.metadata.namingConvention);
    return result !== undefined && (result.given ? result.name : fitGeneratedName(result.name, limit)) === name;
  };
  if (table.primaryKey.length !== 0 && named("pk", table.primaryKey, undefined)) return "primaryKey";
  for (const column of table.columnList) if (column.unique && named("uq", [column], undefined)) return "unique";
  for (const u of table.uniques) if (named("uq", u.columns, u.name)) return "unique";
  for (const index of table.indexes) if (index.unique && named("ix", index.columns, index.name)) return "unique";
  return undefined;
}
