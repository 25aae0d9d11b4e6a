/**
 * Infers the `ON` clause of a join from foreign keys, as SQLAlchemy does: exactly one foreign key
 * between the joined table and the tables already in the FROM clause, in either direction.
 */
import type { AliasNode, ExprNode, FromNode, TableNode } from "../ast/nodes.js";
import type { ForeignKeySchema, TableSchema } from "../ast/table-schema.js";
import { AmbiguousForeignKeysError, NoForeignKeysError } from "../errors.js";

type Source = TableNode | AliasNode;

interface Candidate {
  readonly fk: ForeignKeySchema;
  /** The source whose table holds the foreign key's columns. */
  readonly referencing: Source;
  readonly referenced: Source;
}

export function inferJoinCondition(left: FromNode, right: Source): ExprNode {
  const maybeTable = tableOf(right);
  if (!maybeTable) {
    throw new NoForeignKeysError(`Can't infer a join condition to subquery '${describe(right)}'; pass the 'on' clause.`);
  }
  const rightTable: TableSchema = maybeTable;
  const candidates: Candidate[] = [];
  for (const source of sourcesOf(left)) {
    const table = tableOf(source);
    if (!table) continue;
    for (const fk of rightTable.foreignKeys as readonly ForeignKeySchema[]) {
      if (fk.referredTable === table) candidates.push({ fk, referencing: right, referenced: source });
    }
    if (table === rightTable) continue; // a self-join's keys were found above, once
    for (const fk of table.foreignKeys as readonly ForeignKeySchema[]) {
      if (fk.referredTable === rightTable) candidates.push({ fk, referencing: source, referenced: right });
    }
  }
  const leftNames = sourcesOf(left).map(describe).join(", ");
  if (candidates.length === 0) {
    throw new NoForeignKeysError(
      `Can't find any foreign key relationships between '${leftNames}' and '${describe(right)}'. ` +
        `Declare a foreign key with .references("table.column"), or pass the 'on' clause to join().`,
    );
  }
  if (candidates.length > 1) {
    const list = candidates.map((c) => `  ${fkText(c.fk)}`).join("\n");
    throw new AmbiguousForeignKeysError(
      `Can't determine the join between '${leftNames}' and '${describe(right)}': ` +
        `there are ${candidates.length} foreign keys that could link them:\n${list}\n` +
        `Pass the 'on' clause explicitly, e.g. .join(${describe(right)}, <condition>).`,
    );
  }
  return conditionFor(candidates[0]!);
}

/** The equality condition(s) for one foreign key, qualified by the given sources. */
export function conditionFor({ fk, referencing, referenced }: Candidate): ExprNode {
  const pairs: ExprNode[] = fk.columns.map((col, i) => ({
    kind: "binary",
    op: "=",
    left: { kind: "column", name: fk.referredColumns[i]!.name, source: referenced },
    right: { kind: "column", name: col.name, source: referencing },
  }));
  return pairs.length === 1 ? pairs[0]! : { kind: "and", items: pairs };
}

/** The tables and aliases that make up a FROM item, joins flattened. */
export function sourcesOf(from: FromNode): Source[] {
  return from.kind === "join" ? [...sourcesOf(from.left), from.right] : [from];
}

function tableOf(source: Source): TableSchema | undefined {
  if (source.kind === "table") return source.table;
  return source.of.kind === "table" ? source.of.table : undefined;
}

function describe(source: Source): string {
  return source.kind === "table" ? source.name : source.name;
}

function fkText(fk: ForeignKeySchema): string {
  const from = fk.columns.map((c) => c.name).join(", ");
  const to = fk.referredColumns.map((c) => c.name).join(", ");
  const table = fk.columns.length ? tableNameOfFk(fk) : "?";
  return `${table}(${from}) -> ${fk.referredTable.name}(${to})`;
}

function tableNameOfFk(fk: ForeignKeySchema): string {
  return (fk as { table?: { name: string } }).table?.name ?? "?";
}
