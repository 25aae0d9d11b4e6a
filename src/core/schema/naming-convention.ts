/**
 * Naming conventions for constraints and indexes, as SQLAlchemy's `naming_convention`:
 * `new MetaData({ namingConvention: { fk: "fk_{table_name}_{column_0_name}_{referred_table_name}" } })`.
 *
 * A constraint's name is a pure function of plain data (its table's name, its columns' names, the
 * table it refers to, the name it was given) and the convention, so it is the same on every run
 * and can be recomputed from a reflected schema: migrations compare names by it. The name
 * computed here is the full name; the DDL compiler shortens a generated one to the database's
 * identifier limit.
 *
 * Templates take `{token}` or SQLAlchemy's `%(token)s`:
 * - `table_name`; `constraint_name` (the name given to the constraint, see below);
 * - `column_0_name`, `column_1_name`, …; `column_0_label` (`<table>_<column>`); `column_0_key`
 *   (the column's key: the attribute name in a model); `column_0N_name` (every column's name,
 *   run together) and `column_0_N_name` (joined with `_`), likewise for `label` and `key`;
 * - foreign keys only: `referred_table_name`, `referred_column_0_name`, `referred_column_0N_name`,
 *   `referred_column_0_N_name`.
 *
 * A name given to a constraint wins, except where the template uses `{constraint_name}`: there the
 * given name fills that token (`ck_{table_name}_{constraint_name}` makes `ck_invoice_positive`
 * of a check named `positive`), and a constraint with no name is an error.
 */
import { NamingConventionError } from "../errors.js";

/** `pk` primary key, `fk` foreign key, `uq` unique constraint, `ck` check constraint, `ix` index. */
export type ConstraintKind = "pk" | "fk" | "uq" | "ck" | "ix";

/** What a constraint's name is computed from: names as in the database. */
export interface ConstraintNameParts {
  readonly kind: ConstraintKind;
  readonly tableName: string;
  /** The constrained (indexed) columns' names, in order; empty for a table-level check. */
  readonly columnNames: readonly string[];
  /** The columns' keys (attribute names), for `column_N_key`; the names when absent. */
  readonly columnKeys?: readonly string[];
  /** Foreign keys: the referred table's name (without its schema) and columns. */
  readonly referredTableName?: string;
  readonly referredColumnNames?: readonly string[];
  /** The name given to the constraint, if any. */
  readonly constraintName?: string;
  /** Foreign keys: the referred table's schema, when it names one. */
  readonly referredTableSchema?: string;
}

/**
 * A template (`"ix_{column_0_label}"` or `"ix_%(column_0_label)s"`), or a function of the parts;
 * a function is called only for constraints that were not given a name.
 */
export type ConventionTemplate = string | ((parts: ConstraintNameParts) => string);

/** `MetaData({ namingConvention })`: a name template per kind of constraint or index. */
export type NamingConvention = { readonly [K in ConstraintKind]?: ConventionTemplate };

/** A constraint's name: `given` when it is the name the user gave (checked, never shortened). */
export interface ConstraintNameResult {
  readonly name: string;
  readonly given: boolean;
}

/**
 * athanor's names where the convention says nothing: indexes, foreign keys and the checks of enum
 * columns are named; primary keys, unique constraints and table-level checks are left to the
 * database.
 */
const DEFAULTS: { readonly [K in ConstraintKind]?: (parts: ConstraintNameParts) => string | undefined } = {
  ix: (p) => `ix_${p.tableName}_${p.columnNames.join("_")}`,
  fk: (p) => `fk_${p.tableName}_${p.columnNames.join("_")}_${p.referredTableSchema ? `${p.referredTableSchema}_` : ""}${p.referredTableName}`,
  ck: (p) => (p.columnNames.length ? `ck_${p.tableName}_${p.columnNames.join("_")}` : undefined),
};

const KINDS: readonly ConstraintKind[] = ["pk", "fk", "uq", "ck", "ix"];
const TOKEN = /\{(\w+)\}|%\((\w+)\)s/g;
const COLUMN_TOKEN = /^(referred_)?column_(\d+|0N|0_N)_(name|label|key)$/;

/**
 * The name of a constraint under `convention`, or undefined when it gets none (the database then
 * names it). Pure: the same parts and convention always give the same name.
 *
 * ```ts
 * constraintName({ kind: "uq", tableName: "users", columnNames: ["email"] }, { uq: "uq_{table_name}_{column_0_name}" });
 * // { name: "uq_users_email", given: false }
 * ```
 */
export function constraintName(parts: ConstraintNameParts, convention: NamingConvention | undefined): ConstraintNameResult | undefined {
  const template = convention?.[parts.kind];
  if (template === undefined) {
    if (parts.constraintName !== undefined) return { name: parts.constraintName, given: true };
    const name = DEFAULTS[parts.kind]?.(parts);
    return name === undefined ? undefined : { name, given: false };
  }
  if (typeof template === "function") {
    if (parts.constraintName !== undefined) return { name: parts.constraintName, given: true };
    return { name: checkedResult(template(parts), parts), given: false };
  }
  if (parts.constraintName !== undefined && !tokensOf(template).includes("constraint_name")) {
    return { name: parts.constraintName, given: true };
  }
  return { name: render(template, parts), given: false };
}

/** Refuses, when the MetaData is made, a convention with an unknown kind or token. */
export function checkNamingConvention(convention: NamingConvention): void {
  for (const [kind, template] of Object.entries(convention) as [string, unknown][]) {
    if (!KINDS.includes(kind as ConstraintKind)) {
      throw new NamingConventionError(`Unknown naming convention key '${kind}'. The keys are pk (primary key), fk (foreign key), uq (unique), ck (check) and ix (index).`);
    }
    if (typeof template === "function" || template === undefined) continue;
    if (typeof template !== "string" || template === "") {
      throw new NamingConventionError(`The '${kind}' naming convention must be a non-empty template string or a function; got ${String(template)}.`);
    }
    for (const token of tokensOf(template)) {
      const problem = tokenProblem(token, kind as ConstraintKind);
      if (problem) throw new NamingConventionError(`The '${kind}' naming convention '${template}': ${problem}`);
    }
  }
}

function tokensOf(template: string): string[] {
  return [...template.matchAll(TOKEN)].map((m) => (m[1] ?? m[2])!);
}

function tokenProblem(token: string, kind: ConstraintKind): string | undefined {
  const known =
    "table_name, constraint_name, column_<n>_name, column_<n>_label, column_<n>_key (n a number, 0N or 0_N), " +
    "and for fk referred_table_name, referred_column_<n>_name";
  if (token === "table_name" || token === "constraint_name") return undefined;
  if (token === "referred_table_name") return kind === "fk" ? undefined : `'${token}' applies to foreign keys only.`;
  const column = COLUMN_TOKEN.exec(token);
  if (!column) return `unknown token '${token}'. The tokens are ${known}.`;
  if (column[1] && kind !== "fk") return `'${token}' applies to foreign keys only.`;
  if (column[1] && column[3] !== "name") return `'${token}': a referred column has a name only (referred_column_<n>_name).`;
  return undefined;
}

function render(template: string, parts: ConstraintNameParts): string {
  return template.replace(TOKEN, (_match, braced: string | undefined, percent: string | undefined) => tokenValue((braced ?? percent)!, template, parts));
}

function tokenValue(token: string, template: string, parts: ConstraintNameParts): string {
  const fail = (problem: string, fix: string) =>
    new NamingConventionError(`The '${parts.kind}' naming convention '${template}' cannot name ${describe(parts)}: ${problem} ${fix}`);
  switch (token) {
    case "table_name":
      return parts.tableName;
    case "constraint_name":
      if (parts.constraintName === undefined) {
        const how = parts.kind === "ck" && parts.columnNames.length === 1 ? "enumType(values, { name: ... })" : "{ name: ... }";
        throw fail("it has no name for {constraint_name}.", `Give the constraint a name (${how}), or use a template without {constraint_name}.`);
      }
      return parts.constraintName;
    case "referred_table_name":
      return parts.referredTableName ?? "";
  }
  const [, referred, index, field] = COLUMN_TOKEN.exec(token)!;
  const values = referred
    ? (parts.referredColumnNames ?? [])
    : field === "label"
      ? parts.columnNames.map((c) => `${parts.tableName}_${c}`)
      : field === "key"
        ? (parts.columnKeys ?? parts.columnNames)
        : parts.columnNames;
  if (index === "0N") return values.join("");
  if (index === "0_N") return values.join("_");
  const value = values[Number(index)];
  if (value === undefined) {
    throw fail(
      `it has ${values.length} ${referred ? "referred " : ""}column${values.length === 1 ? "" : "s"}, so no {${token}}.`,
      parts.kind === "ck" && !values.length
        ? "A table-level check has no columns: name it and use {constraint_name}, or give it a name explicitly."
        : "Use a token for the columns it has, or give the constraint a name.",
    );
  }
  return value;
}

function checkedResult(name: unknown, parts: ConstraintNameParts): string {
  if (typeof name === "string" && name.length > 0) return name;
  throw new NamingConventionError(`The '${parts.kind}' naming convention function returned ${JSON.stringify(name)} for ${describe(parts)}; it must return a non-empty string.`);
}

function describe(parts: ConstraintNameParts): string {
  const what = { pk: "the primary key", fk: "the foreign key", uq: "the unique constraint", ck: "the check constraint", ix: "the index" }[parts.kind];
  const columns = parts.columnNames.length ? `(${parts.columnNames.join(", ")})` : "";
  return `${what} on '${parts.tableName}'${columns}`;
}

/** The parts of a primary key, unique constraint, check or index of `table` over `columns`. */
export function namePartsOf(
  kind: Exclude<ConstraintKind, "fk">,
  table: { readonly name: string },
  columns: readonly { readonly name: string; readonly key: string }[],
  constraintName: string | undefined,
): ConstraintNameParts {
  return {
    kind,
    tableName: table.name,
    columnNames: columns.map((c) => c.name),
    columnKeys: columns.map((c) => c.key),
    ...(constraintName === undefined ? {} : { constraintName }),
  };
}
