/**
 * The MySQL / MariaDB dialect. What the SQL may use depends on the server: MariaDB 10.5+ has
 * INSERT/DELETE ... RETURNING, MySQL has none. `mariadb://` says which; for `mysql://` the server
 * version is read when the engine first connects, before anything is compiled.
 */
import type { ParamNode } from "../../core/ast/nodes.js";
import type { IdentifierLimit } from "../../core/compiler/identifier-limit.js";
import { constraintNamesOf } from "../shared/constraint-names.js";
import type { DialectCapabilities } from "../../core/compiler/sql-compiler.js";
import { importOptionalPackage } from "../../core/optional-package.js";
import type { DriverConnection, EngineDialect, IsolationLevel, TableInfo } from "../../engine/driver.js";
import { MySqlCompiler } from "./compiler.js";
import { MySqlDdlCompiler } from "./ddl-compiler.js";
import { translateMySqlError, type MySqlServerSettings } from "./errors.js";
import { reflectMySql } from "./reflect.js";
import { mysqlBindProcessor, mysqlResultProcessor } from "./values.js";

function capabilitiesFor(serverVersion: string): DialectCapabilities {
  const mariadb = /mariadb/i.test(serverVersion);
  const [major = 0, minor = 0] = serverVersion.split(/[.-]/).map(Number);
  const returning = mariadb && (major > 10 || (major === 10 && minor >= 5));
  const [, , patch = 0] = serverVersion.split(/[.-]/).map(Number);
  const mysql8 = (minorAtLeast: number, patchAtLeast: number) => !mariadb && (major > 8 || (major === 8 && (minor > minorAtLeast || (minor === minorAtLeast && patch >= patchAtLeast))));
  const setOps = mariadb ? major > 10 || (major === 10 && minor >= 3) : mysql8(0, 31);
  const setOpsAll = mariadb ? returning : mysql8(0, 31);
  return {
    displayName: serverVersion ? `${mariadb ? "MariaDB" : "MySQL"} ${major}.${minor}` : "MySQL/MariaDB",
    aggregateFilter: false,
    distinctOn: false,
    lateral: mysql8(0, 14),
    // An unknown server (compiling before connecting) is taken to be a recent one.
    intersectExcept: setOps || !serverVersion,
    intersectExceptAll: setOpsAll || !serverVersion,
    parenthesizedSetMembers: true,
    // MariaDB refuses WITH before UPDATE and DELETE; its subqueries take one, as MySQL's do.
    withBeforeWrites: false,
    dataModifyingCtes: false,
    insertReturning: returning, updateReturning: false, deleteReturning: returning, fullJoin: false, ilike: false, generatedKeyInValues: "null", generatedKeyOrder: "ascending", maxParameters: 65_535,
    // A single-table DELETE does not turn IN (SELECT ... FROM JSON_TABLE(...)) into a semi-join (MariaDB 10.11: a full scan).
    inValuesInWrites: false,
    transactionalDdl: false,
    caseInsensitiveText: true,
    forUpdateOf: mysql8(0, 1),
    // NOWAIT since MariaDB 10.3, SKIP LOCKED since 10.6: one flag for both. An unknown server is taken to be a recent one.
    forUpdateNowait: mariadb ? major > 10 || (major === 10 && minor >= 6) : mysql8(0, 1) || !serverVersion,
    forUpdateNullable: true,
    integerBooleans: true,
    lastInsertIdOf: "first",
    // Functional key parts since MySQL 8.0.13; an unknown server is taken to be a recent one.
    indexExpressions: mysql8(0, 13) || (!mariadb && !serverVersion),
    partialIndexes: false };
}

/** Longer names are refused by the server. */
const identifierLimit: IdentifierLimit = { database: "MySQL/MariaDB", max: 64, unit: "characters" };

/**
 * `assumedServerVersion` decides the SQL until the engine connects and reads the real one: it lets
 * statements be compiled for MariaDB without a server (the compile-only tests do).
 */
export function mysqlDialect(assumedServerVersion = ""): EngineDialect & { readonly serverVersion: string | undefined } {
  let capabilities = capabilitiesFor(assumedServerVersion);
  let serverVersion: string | undefined;
  let settings: MySqlServerSettings = { rollbackOnTimeout: false };
  return {
    name: "mysql",
    get capabilities() {
      return capabilities;
    },
    get serverVersion() {
      return serverVersion;
    },
    createCompiler: (paramIndex: ReadonlyMap<ParamNode, number>) => new MySqlCompiler(capabilities, paramIndex),
    identifierLimit,
    createDdlCompiler: () => new MySqlDdlCompiler(new MySqlCompiler(capabilities, new Map()), identifierLimit),
    bindProcessor: mysqlBindProcessor,
    resultProcessor: mysqlResultProcessor,
    async createDriver(url, options) {
      const { createMySqlDriver } = await importOptionalPackage("mysql2", "A mysql: or mariadb: engine", () => import("./driver.js"));
      const driver = await createMySqlDriver(url, options);
      serverVersion = driver.serverVersion;
      capabilities = capabilitiesFor(serverVersion);
      settings = { rollbackOnTimeout: driver.rollbackOnTimeout };
      return driver;
    },
    translateError: (error, sql, params) => translateMySqlError(error, sql, params, settings),
    beginStatements: (isolation: IsolationLevel | undefined) =>
      isolation ? [`SET TRANSACTION ISOLATION LEVEL ${isolation.toUpperCase()}`, "START TRANSACTION"] : ["START TRANSACTION"],
    alterForeignKeys: true,
    foreignKeyChecks: (enabled) => [`SET FOREIGN_KEY_CHECKS = ${enabled ? 1 : 0}`],
    async tableNames(conn: DriverConnection, schema: string | undefined) {
      const { rows } = await conn.execute(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = COALESCE(?, DATABASE()) AND table_type = 'BASE TABLE' ORDER BY table_name",
        [schema ?? null],
      );
      return rows.map((r) => String(r.name));
    },
    async describeTable(conn: DriverConnection, name: string, schema: string | undefined): Promise<TableInfo | undefined> {
      const { rows } = await conn.execute(
        "SELECT column_name AS name, column_type AS type, is_nullable AS nullable FROM information_schema.columns WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ? ORDER BY ordinal_position",
        [schema ?? null, name],
      );
      if (!rows.length) return undefined;
      return { name, columns: rows.map((r) => ({ name: String(r.name), type: String(r.type), nullable: r.nullable === "YES" })) };
    },
    async constraintNames(conn: DriverConnection, name: string, schema: string | undefined) {
      const { rows: constraints } = await conn.execute(
        "SELECT constraint_name AS name, constraint_type AS kind FROM information_schema.table_constraints " +
          "WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?",
        [schema ?? null, name],
      );
      const { rows: indexes } = await conn.execute(
        "SELECT DISTINCT index_name AS name FROM information_schema.statistics WHERE table_schema = COALESCE(?, DATABASE()) AND table_name = ?",
        [schema ?? null, name],
      );
      return constraintNamesOf(constraints, indexes, { primaryKey: "PRIMARY KEY", foreignKey: "FOREIGN KEY", unique: "UNIQUE", check: "CHECK" }, ["PRIMARY"]);
    },
    reflect: reflectMySql,
  };
}
