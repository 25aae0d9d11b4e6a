/**
 * What `core` needs to know of a database dialect: how to compile statements and DDL, what its SQL
 * supports, and how values cross the driver boundary. Drivers (connections) are the engine's
 * concern; dialect folders implement both.
 */
import type { ParamNode } from "../ast/nodes.js";
import type { SqlType } from "../types/sql-type.js";
import type { ValueProcessor } from "./compiled-query.js";
import type { DdlCompiler } from "./ddl-compiler.js";
import type { IdentifierLimit } from "./identifier-limit.js";
import type { DialectCapabilities, SqlCompiler } from "./sql-compiler.js";

export type DialectName = "sqlite" | "postgresql" | "mysql";

export interface Dialect {
  readonly name: DialectName;
  readonly capabilities: DialectCapabilities;
  /** How long a table, column, constraint or index name may be; undefined for no practical limit. */
  readonly identifierLimit: IdentifierLimit | undefined;
  createCompiler(paramIndex: ReadonlyMap<ParamNode, number>): SqlCompiler;
  createDdlCompiler(): DdlCompiler;
  /** Converts a JavaScript value for the driver; `type` is undefined for raw SQL parameters. */
  bindProcessor(type: SqlType | undefined): ValueProcessor | undefined;
  /** Converts a driver value to the column type's JavaScript value. */
  resultProcessor(type: SqlType): ValueProcessor | undefined;
}
