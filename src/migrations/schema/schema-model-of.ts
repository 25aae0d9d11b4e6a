/**
 * The model side of every migration comparison: a MetaData as the `SchemaModel` its `createAll`
 * would produce on a dialect, named, typed and defaulted as that database then reports it, so
 * that it deep-equals `Inspector.reflect()` of the created database.
 *
 * Normalisation, per dialect (each rule applied to both sides, by `DdlCompiler.tableModel` and
 * by the dialect's reflector):
 * - Types are the athanor kind the DDL type text maps back to: what the DDL cannot tell apart is
 *   the same (SQLite and MySQL have no zone in DATETIME, PostgreSQL and SQLite no BYTEA/BLOB
 *   length; an enum is a VARCHAR(n) with its CHECK on SQLite and PostgreSQL, a native ENUM on
 *   MySQL); defaults filled in (MySQL `string()` is length 255, `numeric()` is 38,10); text
 *   athanor does not emit is `{ kind: "raw", sql }` as the database spells it.
 * - Server defaults are SQL text without the casts PostgreSQL adds, booleans `TRUE`/`FALSE` on
 *   PostgreSQL and `1`/`0` on SQLite and MySQL, `CURRENT_TIMESTAMP` for MySQL's
 *   `current_timestamp()`, MySQL decimals and DATETIME(6) literals with their digits.
 * - Names the database makes up for unnamed constraints (PostgreSQL `t_pkey`, `t_a_key`,
 *   `t_a_check`; MySQL `PRIMARY`, first-column unique names, `CONSTRAINT_n`) are left out, as a
 *   model that names nothing has none; SQLite keeps none.
 * - Referential actions: the default (NO ACTION; on MySQL also RESTRICT, which it reports for an
 *   unspecified action) is left out. MySQL's unique indexes are unique constraints.
 * - Autoincrement: identity or SERIAL on PostgreSQL, AUTO_INCREMENT on MySQL, and on SQLite a
 *   lone INTEGER primary key (the rowid alias), however declared.
 * - CHECK conditions: PostgreSQL rewrites them, so they are equal only in `canonicalSchema` form.
 */
import type { Dialect } from "../../core/compiler/dialect.js";
import type { MetaData } from "../../core/schema/metadata.js";
import type { SchemaModel } from "../../core/schema/schema-model.js";
import { sortTableModels } from "../../core/compiler/table-model.js";

/**
 * The `SchemaModel` of `metadata` on `dialect`: tables sorted by schema then name, no enums (athanor's are CHECKs).
 *
 * ```ts
 * const models = schemaModelOf(Base.metadata, engine.dialect); // the models' schema, as this dialect's DDL makes it
 * const live = await engine.inspect().reflect();                // the database's
 * const drift = diffSchemas(live, models, { dialect: engine.dialect, allowDataLoss: true });
 * ```
 */
export function schemaModelOf(metadata: MetaData, dialect: Dialect): SchemaModel {
  const ddl = dialect.createDdlCompiler();
  const tables = [...metadata.tables.values()].map((t) => ddl.tableModel(t));
  return { tables: sortTableModels(tables), enums: [] };
}
