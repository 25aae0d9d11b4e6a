/** The dialect argument of the migrations API: a name, or anything with one (a `Dialect`, `engine.dialect`). */
import type { DialectName } from "../core/compiler/dialect.js";

/** A dialect name (`"postgresql"`), or an object carrying it (`engine.dialect`). */
export type DialectRef = DialectName | { readonly name: DialectName };

/** The dialect's name. */
export function dialectNameOf(dialect: DialectRef): DialectName {
  return typeof dialect === "string" ? dialect : dialect.name;
}
