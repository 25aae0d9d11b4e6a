/**
 * A reflected table as builder code: one builder chain per column (type, `.named`, key,
 * nullability, defaults, single-column unique/index/foreign key) and the table-level constraints
 * (composite keys, named uniques, checks, indexes). A constraint is given its name only when the
 * name differs from the one athanor would generate on the reflected database, so that a schema
 * made by athanor comes back without names in the code, and any other comes back with its own.
 */
import { fitGeneratedName, type IdentifierLimit } from "../../core/compiler/identifier-limit.js";
import type { ColumnModel, EnumModel, ForeignKeyModel, TableModel, TypeModel } from "../../core/schema/schema-model.js";
import { constraintName, type ConstraintNameParts } from "../../core/schema/naming-convention.js";
import { indexModelParts } from "../../core/schema/index-parts.js";
import { typeCode } from "./column-types.js";
import { enumColumns } from "./enum-checks.js";
import type { ImportSet } from "./imports.js";
import { quote } from "./names.js";

/** One column's code. */
export interface ColumnCode {
  readonly column: ColumnModel;
  readonly attribute: string;
  /** The builder chain: `integer().named("left_id").references("left_table.id").primaryKey()`. */
  readonly builder: string;
  /** The attribute's declared type: `number`, `string | null`, `Given<string>`. */
  readonly tsType: string;
  /** Comments to put above the column (approximated types). */
  readonly notes: readonly string[];
}

/** A table's code: its columns, the table-level constraints (`c.key` expressions) and what could not be expressed. */
export interface TableCode {
  readonly columns: readonly ColumnCode[];
  /** Items of the `constraints: (c) => [...]` list. */
  readonly constraints: readonly string[];
  /** Parts of the schema the builders cannot express, as comment lines. */
  readonly unmapped: readonly string[];
}

/** What table code depends on besides the table. */
export interface TableCodeContext {
  readonly imports: ImportSet;
  /** Column name → attribute (or column-map key). */
  readonly attributes: ReadonlyMap<string, string>;
  /** The database's identifier limit: generated names are cut to it, as the DDL compiler does. */
  readonly identifierLimit: IdentifierLimit | undefined;
  /** The name of the JSON value type, imported where used. */
  readonly jsonType: () => string;
  /** Whether a non-generated key is declared `Given<T>` (classes) or not (plain tables). */
  readonly givenKeys: boolean;
  /** The database's enum types (PostgreSQL), which a column of such a type is mapped to as `enumType`. */
  readonly enumTypes: readonly EnumModel[];
  /** The base's `pk` naming convention, when one names every primary key (see `primaryKeyTemplate`). */
  readonly primaryKeyTemplate: string | undefined;
}

/** The database enum a raw column type names, if any (`mood`, `public.mood`, `"Mood"`). */
function enumTypeOf(type: TypeModel, enums: readonly EnumModel[]): EnumModel | undefined {
  if (type.kind !== "raw") return undefined;
  const name = type.sql.replace(/"/g, "");
  return enums.find((e) => name === e.name || name === `${e.schema}.${e.name}`);
}

/** The name athanor would give on this database, or undefined where it leaves naming to the database. */
function defaultName(parts: ConstraintNameParts, limit: IdentifierLimit | undefined): string | undefined {
  const result = constraintName(parts, undefined);
  return result === undefined ? undefined : fitGeneratedName(result.name, limit);
}

/** `{ name: "..." }` entries when `name` is not what athanor would generate. */
function nameOption(name: string | undefined, parts: ConstraintNameParts, limit: IdentifierLimit | undefined): string[] {
  return name === undefined || name === defaultName(parts, limit) ? [] : [`name: ${quote(name)}`];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** `"table.column"`, with the schema when the key names one. */
function targetOf(fk: ForeignKeyModel, column: string): string {
  return [fk.referredSchema, fk.referredTable, column].filter((p) => p !== undefined).join(".");
}

/** The builder code of every column and the table's constraints. */
export function tableCode(table: TableModel, context: TableCodeContext): TableCode {
  const { imports, attributes, identifierLimit: limit } = context;
  const ref = (column: string) => `c.${attributes.get(column)!}`;
  const pk = table.primaryKey?.columns ?? [];
  const constraints: string[] = [];
  const unmapped: string[] = [];
  const singleFk = new Map<string, ForeignKeyModel[]>();
  const fkOptions = (fk: ForeignKeyModel) => [
    ...(fk.onDelete ? [`onDelete: ${quote(fk.onDelete)}`] : []),
    ...(fk.onUpdate ? [`onUpdate: ${quote(fk.onUpdate)}`] : []),
    ...nameOption(fk.name, { kind: "fk", tableName: table.name, columnNames: fk.columns, referredTableName: fk.referredTable, referredColumnNames: fk.referredColumns, ...(fk.referredSchema ? { referredTableSchema: fk.referredSchema } : {}) }, limit),
  ];
  for (const fk of table.foreignKeys) {
    if (fk.columns.length === 1) singleFk.set(fk.columns[0]!, [...(singleFk.get(fk.columns[0]!) ?? []), fk]);
    else {
      const options = fkOptions(fk);
      const table = [fk.referredSchema, fk.referredTable].filter((p) => p !== undefined).join(".");
      constraints.push(`${imports.value("foreignKey")}([${fk.columns.map(ref).join(", ")}], ${quote(table)}, [${fk.referredColumns.map(quote).join(", ")}]${options.length ? `, { ${options.join(", ")} }` : ""})`);
    }
  }
  // Single-column uniques and indexes go on the column when unnamed (or named as athanor would).
  const inlineUnique = new Set<string>();
  for (const u of table.uniques) {
    const parts = { kind: "uq" as const, tableName: table.name, columnNames: u.columns };
    const options = nameOption(u.name, parts, limit);
    if (u.columns.length === 1 && options.length === 0 && !inlineUnique.has(u.columns[0]!)) inlineUnique.add(u.columns[0]!);
    else constraints.push(`${imports.value("unique")}([${u.columns.map(ref).join(", ")}]${options.length ? `, { ${options.join(", ")} }` : ""})`);
  }
  const inlineIndex = new Set<string>();
  for (const ix of table.indexes) {
    const parts = indexModelParts(ix);
    if (parts.some((p) => p.nulls !== undefined)) {
      unmapped.push(`${ix.unique ? "unique " : ""}index ${ix.name} on (${ix.expressions!.join(", ")}): an index part's NULLS FIRST/LAST has no builder; create it in a migration (op.execute)`);
      continue;
    }
    // An index with an expression part is always named: no naming convention names an expression.
    const expression = parts.some((p) => p.column === undefined);
    const options = [
      ...(expression ? [`name: ${quote(ix.name)}`] : nameOption(ix.name, { kind: "ix", tableName: table.name, columnNames: ix.columns }, limit)),
      ...(ix.unique ? ["unique: true"] : []),
      ...(ix.where === undefined ? [] : [`where: ${imports.value("sql")}.raw<boolean>(${quote(ix.where)})`]),
    ];
    const plain = ix.where === undefined && !ix.expressions?.length;
    if (plain && ix.columns.length === 1 && options.length === 0 && !inlineIndex.has(ix.columns[0]!)) {
      inlineIndex.add(ix.columns[0]!);
      continue;
    }
    const keys = parts.map((p) => `${p.column === undefined ? `${imports.value("sql")}.raw(${quote(p.sql)})` : ref(p.column)}${p.descending ? ".desc()" : ""}`);
    constraints.push(`${imports.value("index")}([${keys.join(", ")}]${options.length ? `, { ${options.join(", ")} }` : ""})`);
  }
  const enums = enumColumns(table, limit);
  const enumChecks = new Set([...enums.values()].map((e) => e.check));
  for (const check of table.checks) {
    if (enumChecks.has(check)) continue;
    const options = check.name === undefined ? [] : [`name: ${quote(check.name)}`];
    constraints.push(`${imports.value("check")}(${imports.value("sql")}.raw<boolean>(${quote(check.sql)})${options.length ? `, { ${options.join(", ")} }` : ""})`);
  }
  if (table.primaryKey?.name !== undefined && context.primaryKeyTemplate === undefined) {
    unmapped.push(`primary key name ${table.primaryKey.name}: a model's primary key takes its name from the MetaData's naming convention (pk)`);
  }
  const declared = table.columns.map((c) => c.name).filter((c) => pk.includes(c));
  if (!sameList(declared, pk)) unmapped.push(`primary key column order (${pk.join(", ")}): a model's key follows the order of its columns`);

  const codes = table.columns.map((c) => {
    const dbEnum = enumTypeOf(c.type, context.enumTypes);
    // athanor's own enum is a VARCHAR with a CHECK: close to the database's type, not the same.
    const note = dbEnum && `the database type is the enum type ${c.type.kind === "raw" ? c.type.sql : ""}: mapped as enumType, which athanor creates as a VARCHAR with a CHECK`;
    const column = enums.has(c.name) ? { ...c, type: enums.get(c.name)!.type } : dbEnum ? { ...c, type: { kind: "enum" as const, values: dbEnum.values } } : c;
    const code = columnCode(table, column, singleFk.get(c.name) ?? [], inlineUnique.has(c.name), inlineIndex.has(c.name), fkOptions, context);
    return note ? { ...code, notes: [note, ...code.notes] } : code;
  });
  return { columns: codes, constraints, unmapped };
}

function columnCode(
  table: TableModel,
  column: ColumnModel,
  fks: readonly ForeignKeyModel[],
  unique: boolean,
  index: boolean,
  fkOptions: (fk: ForeignKeyModel) => string[],
  context: TableCodeContext,
): ColumnCode {
  const { imports, attributes } = context;
  const attribute = attributes.get(column.name)!;
  const type = typeCode(column.type, imports, context.jsonType);
  const pk = table.primaryKey?.columns ?? [];
  const isKey = pk.includes(column.name);
  let chain = type.builder;
  if (attribute !== column.name) chain += `.named(${quote(column.name)})`;
  for (const fk of fks) {
    const options = fkOptions(fk);
    chain += `.references(${quote(targetOf(fk, fk.referredColumns[0]!))}${options.length ? `, { ${options.join(", ")} }` : ""})`;
  }
  if (isKey) chain += ".primaryKey()";
  else if (!column.nullable) chain += ".notNull()";
  // athanor's own rule (Column.autoincrement): a lone integer key with no foreign key and no server default is generated.
  const auto = isKey && pk.length === 1 && type.integerLike && fks.length === 0 && column.serverDefault === undefined;
  if (column.autoincrement && !auto) chain += ".autoincrement()";
  const noAuto = isKey && type.integerLike && fks.length === 0 && column.serverDefault === undefined && !column.autoincrement;
  if (noAuto) chain += ".autoincrement(false)";
  if (column.serverDefault !== undefined) chain += `.serverDefault(${defaultCode(column.serverDefault, column, imports)})`;
  if (column.generated) {
    chain += `.generatedAs(${imports.value("sql")}.raw(${quote(column.generated.sql)})${column.generated.stored ? "" : ", { stored: false }"})`;
  }
  if (unique) chain += ".unique()";
  if (index) chain += ".index()";
  // Given<T>: a key the database does not generate, that no relationship fills and no default covers (GivenKey).
  const generated = column.autoincrement || (type.integerLike && !noAuto && fks.length === 0 && column.serverDefault === undefined);
  const given = context.givenKeys && isKey && fks.length === 0 && !generated;
  const tsType = given ? `${imports.type("Given")}<${type.tsType}>` : column.nullable && !isKey ? `${type.tsType} | null` : type.tsType;
  return { column, attribute, builder: chain, tsType, notes: type.note ? [type.note] : [] };
}

/** The argument of `.serverDefault(...)`: a string or number literal as such, anything else as `sql.raw("...")`. */
function defaultCode(text: string, column: ColumnModel, imports: ImportSet): string {
  const literal = /^'((?:[^']|'')*)'$/.exec(text);
  if (literal) return quote(literal[1]!.replace(/''/g, "'"));
  if (column.type.kind === "boolean" && /^(true|false|1|0)$/i.test(text)) return String(/^(true|1)$/i.test(text));
  if (/^-?\d+(\.\d+)?$/.test(text) && String(Number(text)) === text) return text;
  return `${imports.value("sql")}.raw(${quote(text)})`;
}
