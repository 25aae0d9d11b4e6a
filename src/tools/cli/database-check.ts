/**
 * `athanor check --url ...`: compares the mapped tables with the database's, so that a team learns
 * before run time that a table or column the models use is missing. An unreachable database is a
 * usage error: one line, exit 2.
 */
import type { Registry } from "../../orm/mapping/registry.js";
import { createEngine } from "../../dialects/create-engine.js";
import { CliError } from "./errors.js";

export interface DatabaseFinding {
  readonly title: string;
  readonly message: string;
  readonly fix: string;
}

export interface DatabaseReport {
  readonly findings: readonly DatabaseFinding[];
  /** How many mapped tables were compared. */
  readonly tables: number;
}

export async function checkDatabase(registries: readonly Registry[], url: URL): Promise<DatabaseReport> {
  const shown = redact(url);
  const engine = createEngine(url.toString(), { pool: { max: 1 } });
  try {
    let existing: string[];
    try {
      existing = await engine.inspect().tableNames();
    } catch (error) {
      throw new CliError(`cannot connect to ${shown}: ${(error as Error).message.split("\n")[0]}`, 2);
    }
    const findings: DatabaseFinding[] = [];
    let tables = 0;
    for (const registry of registries) {
      for (const table of registry.metadata.tables.values()) {
        tables++;
        const owner = registry.mapperForTable(table)?.name ?? "a plain table";
        if (!existing.includes(table.name)) {
          findings.push({
            title: `table ${table.name}`,
            message: `the table of ${owner} does not exist in ${shown}.`,
            fix: `Create it: await metadata.createAll(engine) (or the migration that adds it).`,
          });
          continue;
        }
        const info = await engine.inspect().describeTable(table.name);
        const columns = new Set(info?.columns.map((c) => c.name.toLowerCase()));
        for (const column of table.columnList) {
          if (columns.has(column.name.toLowerCase())) continue;
          findings.push({
            title: `column ${table.name}.${column.name}`,
            message: `${owner} maps the column '${column.name}', which table '${table.name}' in ${shown} does not have.`,
            fix: `Add the column to the table (ALTER TABLE ... ADD COLUMN), or correct the model's column name (.named(...)).`,
          });
        }
      }
    }
    return { findings, tables };
  } finally {
    await engine.dispose();
  }
}

function redact(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = "***";
  return copy.toString();
}
