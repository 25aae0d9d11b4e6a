/**
 * Compile-time fixture of the naming options (Registry `naming`, MetaData `namingConvention`,
 * `@model` without a table name). Compiled by `npm test` with TypeScript 7 and 5.9, never
 * executed. Correct forms first; each wrong one under `// @ts-expect-error`, so tsc fails if the
 * types stop refusing it.
 */
import {
  DeclarativeBase,
  MetaData,
  Registry,
  column,
  constraintName,
  integer,
  model,
  type ConstraintNameParts,
  type ConstraintNameResult,
  type NamingConvention,
  type NamingOption,
} from "../../src/index.js";

const styles: NamingOption[] = [
  "snake_case",
  "camelCase",
  "PascalCase",
  (name) => name.toUpperCase(),
  { tables: "PascalCase" },
  { columns: (attribute) => `c_${attribute}` },
  { tables: (className) => `t_${className}`, columns: "snake_case" },
];

const metadata = new MetaData({
  namingConvention: {
    ix: "ix_%(column_0_label)s",
    uq: "uq_{table_name}_{column_0_name}",
    ck: "ck_{table_name}_{constraint_name}",
    fk: (parts: ConstraintNameParts) => `fk_${parts.tableName}_${parts.referredTableName ?? ""}`,
    pk: "pk_{table_name}",
  },
});

export class TypedNamingBase extends DeclarativeBase {
  static override registry = new Registry({ metadata, naming: styles[0] });
}

@model()
export class TnNamedByStrategy extends TypedNamingBase {
  @column(integer().primaryKey()) accessor id!: number;
}

@model({ schema: "main" })
export class TnNamedWithOptions extends TypedNamingBase {
  @column(integer().primaryKey()) accessor id!: number;
}

@model("tn_given")
export class TnGiven extends TypedNamingBase {
  @column(integer().primaryKey()) accessor id!: number;
}

export const result: ConstraintNameResult | undefined = constraintName({ kind: "pk", tableName: "t", columnNames: ["id"] }, metadata.namingConvention);

// @ts-expect-error: not a built-in style
export const unknownStyle: NamingOption = "kebab-case";

// @ts-expect-error: `naming` is the option's name
export const misnamed = new Registry({ namingStrategy: "snake_case" });

// @ts-expect-error: the kinds are pk, fk, uq, ck, ix
export const unknownKind: NamingConvention = { index: "ix_{table_name}" };

// @ts-expect-error: a template is a string or a function of the parts
export const notATemplate: NamingConvention = { ix: 42 };

// @ts-expect-error: a convention function returns the name
export const noName: NamingConvention = { ix: (parts: ConstraintNameParts) => parts.columnNames };
