/**
 * Naming strategies: how a declarative model's class name becomes its table's name and an
 * attribute name its column's name, so that a schema whose names are `snake_case` or `PascalCase`
 * maps onto camelCase attributes without `.named()` on every column. Only database names change:
 * attribute keys, result keys and model names stay what the class declares. An explicit table name
 * in `@model` and an explicit `.named()` on a column always win.
 */
import { NamingStrategyError } from "../errors.js";

/** The built-in styles. `invoiceLineId` becomes `invoice_line_id`, `invoiceLineId`, `InvoiceLineId`. */
export type NamingStyle = "snake_case" | "camelCase" | "PascalCase";

/** A built-in style, or a function from the declared name (class or attribute) to the database name. */
export type NameTransform = NamingStyle | ((declaredName: string) => string);

/**
 * The `naming` option of a Registry: one transform for both tables and columns, or one for each
 * (an omitted one leaves those names as declared).
 */
export type NamingOption = NameTransform | { readonly tables?: NameTransform; readonly columns?: NameTransform };

/** A resolved strategy: what `@model` calls for names it is not given. */
export interface NamingStrategy {
  /**
   * The table name for a model class that `@model` gives none.
   *
   * ```ts
   * new Registry({ naming: "snake_case" }).naming.tableName("BlogPost"); // "blog_post"
   * ```
   */
  tableName(className: string): string;
  /**
   * The column name for a model's attribute that `column()` gives none (no `.named(...)`).
   *
   * ```ts
   * new Registry({ naming: "snake_case" }).naming.columnName("createdAt", "BlogPost"); // "created_at"
   * ```
   */
  columnName(attribute: string, className: string): string;
}

/** Leaves every name as declared: the default. */
export const declaredNames: NamingStrategy = {
  tableName: (className) => className,
  columnName: (attribute) => attribute,
};

const STYLES: Readonly<Record<NamingStyle, (name: string) => string>> = {
  snake_case: (name) => words(name).map((w) => w.toLowerCase()).join("_"),
  camelCase: (name) => words(name).map((w, i) => (i === 0 ? w.toLowerCase() : capitalized(w))).join(""),
  PascalCase: (name) => words(name).map(capitalized).join(""),
};

/** The strategy a `naming` option describes; refuses an unknown style at once, naming the known ones. */
export function namingStrategy(option: NamingOption | undefined): NamingStrategy {
  if (option === undefined) return declaredNames;
  const both = typeof option === "string" || typeof option === "function";
  const tables = transform(both ? option : option.tables, "tables");
  const columns = transform(both ? option : option.columns, "columns");
  return {
    tableName: (className) => checked(tables(className), `the table of class ${className}`),
    columnName: (attribute, className) => checked(columns(attribute), `the column of ${className}.${attribute}`),
  };
}

/**
 * The words of an identifier: split at `_`, `-`, spaces and case changes (`invoiceLineId`,
 * `InvoiceLineID`, `invoice_line_id` all give invoice/line/id). A run of capitals is one word
 * (`HTTPServer`: HTTP, Server) and digits stay with the word before them (`address2`).
 */
export function words(name: string): string[] {
  return name.match(/\p{Lu}+(?!\p{Ll})\p{N}*|\p{Lu}?\p{Ll}+\p{N}*|\p{N}+/gu) ?? [];
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function transform(value: NameTransform | undefined, what: string): (name: string) => string {
  if (value === undefined) return (name) => name;
  if (typeof value === "function") return value;
  const style = STYLES[value];
  if (!style) {
    throw new NamingStrategyError(
      `Unknown naming style '${String(value)}' for ${what}. Use one of ${Object.keys(STYLES).map((s) => `"${s}"`).join(", ")}, or a function (name) => string.`,
    );
  }
  return style;
}

function checked(name: unknown, what: string): string {
  if (typeof name === "string" && name.length > 0) return name;
  throw new NamingStrategyError(
    `The naming strategy gave ${name === "" ? "an empty name" : String(name)} for ${what}. ` +
      `A naming function must return a non-empty string; or give that name explicitly (@model("name") or .named("name")).`,
  );
}
