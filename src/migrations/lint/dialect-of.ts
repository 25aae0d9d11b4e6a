/** The dialect argument of the lint's functions: a name, or anything with one (a `Dialect`, an `Engine`'s dialect). */
import type { DialectName } from "../../core/compiler/dialect.js";

/** A dialect name (`"postgresql"`), or an object carrying it (`engine.dialect`). */
export type LintDialect = DialectName | { readonly name: DialectName };

/** The dialect's name. */
export function dialectNameOf(dialect: LintDialect): DialectName {
  return typeof dialect === "string" ? dialect : dialect.name;
}
