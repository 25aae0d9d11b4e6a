/** The SQLite dialect: the embedded default. */
import type { ParamNode } from "../../core/ast/nodes.js";
import type { DialectCapabilities } from "../../core/compiler/sql-compiler.js";
import type { DriverConnection, EngineDialect, IsolationLevel, TableInfo } from "../../engine/driver.js";
import { SqliteCompiler, SqliteDdlCompiler } from "./compiler.js";
import { translateSqliteError } from "./errors.js";
import { sqliteBindProcessor, sqliteResultProcessor } from "./values.js";

const capabilities: DialectCapabilities = {
  insertReturning: true,
  updateReturning: true,
  deleteReturning: true,
  fullJoin: true,
  ilike: false,
  defaultInValues: false,
};

export function sqliteDialect(): EngineDialect {
  return {
    name: "sqlite",
    capabilities,
    createCompiler: (paramIndex: ReadonlyMap<ParamNode, number>) => new SqliteCompiler(capabilities, paramIndex),
    createDdlCompiler: () => new SqliteDdlCompiler(new SqliteCompiler(capabilities, new Map())),
    bindProcessor: sqliteBindProcessor,
    resultProcessor: sqliteResultProcessor,
    async createDriver(url, options) {
      const { createSqliteDriver } = await import("./driver.js");
      return createSqliteDriver(url, options);
    },
    translateError: translateSqliteError,
    beginStatements: (isolation: IsolationLevel | undefined) => [isolation === "serializable" ? "BEGIN IMMEDIATE" : "BEGIN"],
    alterForeignKeys: false,
    foreignKeyChecks: (enabled) => [`PRAGMA foreign_keys = ${enabled ? "ON" : "OFF"}`],
    async tableNames(conn: DriverConnection) {
      const { rows } = await conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        [],
      );
      return rows.map((r) => String(r.name));
    },
    async describeTable(conn: DriverConnection, name: string): Promise<TableInfo | undefined> {
      const { rows } = await conn.execute("SELECT name, type, \"notnull\" AS not_null FROM pragma_table_info(?)", [name]);
      if (!rows.length) return undefined;
      return { name, columns: rows.map((r) => ({ name: String(r.name), type: String(r.type), nullable: !r.not_null })) };
    },
  };
}
