/** The PostgreSQL dialect (also the target for PostgreSQL-compatible distributed SQL). */
import type { ParamNode } from "../../core/ast/nodes.js";
import { constraintNamesOf } from "../shared/constraint-names.js";
import type { DialectCapabilities } from "../../core/compiler/sql-compiler.js";
import { importOptionalPackage } from "../../core/optional-package.js";
import { sql } from "../../core/expression/sql-tag.js";
import type { DriverConnection, EngineDialect, IsolationLevel, TableInfo } from "../../engine/driver.js";
import { POSTGRES_IDENTIFIER_LIMIT, PostgresCompiler } from "./compiler.js";
import { PostgresDdlCompiler } from "./ddl-compiler.js";
import { translatePostgresError } from "./errors.js";
import { reflectPostgres } from "./reflect.js";
import { postgresBindProcessor, postgresResultProcessor } from "./values.js";

const capabilities: DialectCapabilities = {
  displayName: "PostgreSQL",
  aggregateFilter: true,
  distinctOn: true,
  lateral: true,
  intersectExcept: true,
  intersectExceptAll: true,
  parenthesizedSetMembers: true,
  withBeforeWrites: true,
  dataModifyingCtes: true,
  insertReturning: true,
  generatedKeyOrder: "sequence",
  updateReturning: true,
  deleteReturning: true,
  fullJoin: true,
  ilike: true,
  generatedKeyInValues: "default",
  maxParameters: 65_535,
  inValuesInWrites: true,
  transactionalDdl: true,
  caseInsensitiveText: false,
  forUpdateOf: true,
  forUpdateNowait: true,
  forUpdateNullable: false,
  integerBooleans: false,
  lastInsertIdOf: "last",
  indexExpressions: true,
  partialIndexes: true,
};


const dialect: EngineDialect = {
  name: "postgresql",
  capabilities,
  createCompiler: (paramIndex: ReadonlyMap<ParamNode, number>) => new PostgresCompiler(capabilities, paramIndex),
  identifierLimit: POSTGRES_IDENTIFIER_LIMIT,
  createDdlCompiler: () => new PostgresDdlCompiler(new PostgresCompiler(capabilities, new Map()), POSTGRES_IDENTIFIER_LIMIT),
  bindProcessor: postgresBindProcessor,
  resultProcessor: postgresResultProcessor,
  async createDriver(url, options) {
    const { createPostgresDriver } = await importOptionalPackage("pg", "A postgresql: engine", () => import("./driver.js"));
    return createPostgresDriver(url, options);
  },
  translateError: translatePostgresError,
  beginStatements: (isolation: IsolationLevel | undefined) => [isolation ? `BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}` : "BEGIN"],
  alterForeignKeys: true,
  foreignKeyChecks: () => [],
  async tableNames(conn: DriverConnection, schema: string | undefined) {
    const { rows } = await conn.execute(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = COALESCE($1, current_schema()) AND table_type = 'BASE TABLE' ORDER BY table_name",
      [schema ?? null],
    );
    return rows.map((r) => String(r.name));
  },
  async describeTable(conn: DriverConnection, name: string, schema: string | undefined): Promise<TableInfo | undefined> {
    const { rows } = await conn.execute(
      "SELECT column_name AS name, data_type AS type, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = COALESCE($2, current_schema()) AND table_name = $1 ORDER BY ordinal_position",
      [name, schema ?? null],
    );
    if (!rows.length) return undefined;
    return { name, columns: rows.map((r) => ({ name: String(r.name), type: String(r.type), nullable: r.nullable === "YES" })) };
  },
  async constraintNames(conn: DriverConnection, name: string, schema: string | undefined) {
    const { rows: constraints } = await conn.execute(
      "SELECT c.conname AS name, c.contype AS kind FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid " +
        "JOIN pg_namespace n ON n.oid = t.relnamespace WHERE t.relname = $1 AND n.nspname = COALESCE($2, current_schema())",
      [name, schema ?? null],
    );
    const { rows: indexes } = await conn.execute(
      "SELECT indexname AS name FROM pg_indexes WHERE tablename = $1 AND schemaname = COALESCE($2, current_schema())",
      [name, schema ?? null],
    );
    return constraintNamesOf(constraints, indexes, { primaryKey: "p", foreignKey: "f", unique: "u", check: "c" });
  },
  reflect: reflectPostgres,
  // pg_get_serial_sequence finds the sequence an IDENTITY or SERIAL column owns; its first
  // argument is SQL text (quoted here), its second a plain name.
  sequenceIncrementQuery: (schema, table, column) =>
    sql<{ increment: string | null; cycles: boolean | null }>`SELECT s.seqincrement AS increment, s.seqcycle AS cycles FROM pg_catalog.pg_sequence s WHERE s.seqrelid = pg_get_serial_sequence(${schema === undefined ? sql`quote_ident(${table}::text)` : sql`quote_ident(${schema}::text) || '.' || quote_ident(${table}::text)`}, ${column}::text)::regclass`,
};
// Shared by every engine: nobody may change it.
Object.freeze(dialect);

/**
 * The dialect. It holds no state of its own, so every engine shares one: what is compiled for it
 * (the statement cache, the flush's INSERT shapes) is then compiled once per process, not once
 * per engine.
 */
export function postgresDialect(): EngineDialect {
  return dialect;
}
