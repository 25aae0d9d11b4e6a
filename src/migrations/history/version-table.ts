/**
 * The version table `athanor_migrations`: one row per applied (or partly applied) migration, with
 * the checksum of its operations. On MySQL/MariaDB, where every DDL statement commits on its own,
 * the row is written before the first step and counts the steps done (`steps_done` of
 * `steps_total`), so that a rerun after a failure skips them. The SQL is plain text with inlined
 * literals (ids are checked against `MIGRATION_ID`), so that `migrate sql` can print it offline.
 */
import type { DialectName } from "../../core/compiler/dialect.js";
import type { Connection } from "../../engine/connection.js";

/** The version table's name. */
export const VERSION_TABLE = "athanor_migrations";

/**
 * `applied`: every step done. `applying`: an `up` stopped after `steps_done` of its steps
 * (MySQL). `reverting`: a `down` stopped after `steps_done` of the down steps. `applying-step`,
 * `reverting-step`: the same, and the next step, a data step that commits on its own, started
 * and was never recorded finished: whether it ran is unknown (see in-doubt.ts).
 */
export type VersionState = "applied" | "applying" | "reverting" | "applying-step" | "reverting-step";

/** A row of the version table. */
export interface VersionRow {
  readonly id: string;
  readonly checksum: string;
  readonly state: VersionState;
  readonly stepsDone: number;
  readonly stepsTotal: number;
  /** When the row was last written, as the database reports it (ISO text). */
  readonly appliedAt: string;
}

const NOW: Record<DialectName, string> = { sqlite: "CURRENT_TIMESTAMP", postgresql: "now()", mysql: "UTC_TIMESTAMP(6)" };

/** A SQL string literal; the texts written here never hold a backslash (ids are checked), so doubling quotes is enough everywhere. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The statements that read and write the version table, for one dialect. */
export const versionSql = {
  /** CREATE TABLE IF NOT EXISTS: every command that writes creates it on first use. */
  create(dialect: DialectName): string {
    const at = { sqlite: "TIMESTAMP", postgresql: "TIMESTAMPTZ", mysql: "DATETIME(6)" }[dialect];
    // MySQL/MariaDB: 191 characters of utf8mb4 fit any index length limit.
    const idType = dialect === "mysql" ? "VARCHAR(191)" : "VARCHAR(255)";
    return (
      `CREATE TABLE IF NOT EXISTS ${VERSION_TABLE} (id ${idType} NOT NULL PRIMARY KEY, checksum VARCHAR(64) NOT NULL, ` +
      `state VARCHAR(16) NOT NULL, steps_done INTEGER NOT NULL, steps_total INTEGER NOT NULL, applied_at ${at} NOT NULL)` +
      (dialect === "mysql" ? " ENGINE=InnoDB" : "")
    );
  },
  insert(dialect: DialectName, row: Omit<VersionRow, "appliedAt">): string {
    return (
      `INSERT INTO ${VERSION_TABLE} (id, checksum, state, steps_done, steps_total, applied_at) VALUES ` +
      `(${literal(row.id)}, ${literal(row.checksum)}, ${literal(row.state)}, ${row.stepsDone}, ${row.stepsTotal}, ${NOW[dialect]})`
    );
  },
  /** With `was`: only while the row is still as it was read (a concurrent run changed it: no row matches). */
  update(dialect: DialectName, id: string, fields: Partial<Omit<VersionRow, "id" | "appliedAt">>, was?: Pick<VersionRow, "state" | "stepsDone">): string {
    const sets: string[] = [];
    if (fields.checksum !== undefined) sets.push(`checksum = ${literal(fields.checksum)}`);
    if (fields.state !== undefined) sets.push(`state = ${literal(fields.state)}`);
    if (fields.stepsDone !== undefined) sets.push(`steps_done = ${fields.stepsDone}`);
    if (fields.stepsTotal !== undefined) sets.push(`steps_total = ${fields.stepsTotal}`);
    sets.push(`applied_at = ${NOW[dialect]}`);
    const still = was ? ` AND state = ${literal(was.state)} AND steps_done = ${was.stepsDone}` : "";
    return `UPDATE ${VERSION_TABLE} SET ${sets.join(", ")} WHERE id = ${literal(id)}${still}`;
  },
  remove(id: string): string {
    return `DELETE FROM ${VERSION_TABLE} WHERE id = ${literal(id)}`;
  },
  exists(dialect: DialectName): string {
    switch (dialect) {
      case "sqlite":
        return `SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = '${VERSION_TABLE}'`;
      case "postgresql":
        return `SELECT 1 AS found WHERE to_regclass('${VERSION_TABLE}') IS NOT NULL`;
      case "mysql":
        return `SELECT 1 AS found FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '${VERSION_TABLE}'`;
    }
  },
};

/** The version table of the database behind a connection. */
export class VersionTable {
  constructor(private readonly connection: Connection) {}

  private get dialect(): DialectName {
    return this.connection.dialect.name;
  }

  /** Whether the table exists (read-only commands do not create it). */
  async exists(): Promise<boolean> {
    const { rows } = await this.connection.run(versionSql.exists(this.dialect));
    return rows.length > 0;
  }

  /** Creates the table when it is missing. */
  async ensure(): Promise<void> {
    await this.connection.run(versionSql.create(this.dialect));
  }

  /** Every row, by id; none when the table does not exist. */
  async rows(): Promise<VersionRow[]> {
    if (!(await this.exists())) return [];
    const { rows } = await this.connection.run(
      `SELECT id, checksum, state, steps_done, steps_total, applied_at FROM ${VERSION_TABLE} ORDER BY id`,
    );
    return (rows as Record<string, unknown>[]).map((r) => ({
      id: String(r["id"]),
      checksum: String(r["checksum"]),
      state: String(r["state"]) as VersionState,
      stepsDone: Number(r["steps_done"]),
      stepsTotal: Number(r["steps_total"]),
      appliedAt: r["applied_at"] instanceof Date ? r["applied_at"].toISOString() : String(r["applied_at"]),
    }));
  }

  /** Runs one of `versionSql`'s statements on the connection. */
  async write(sql: string): Promise<void> {
    await this.connection.run(sql);
  }
}
