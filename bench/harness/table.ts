/**
 * The markdown table of one database: per workload (and width) and mode, the raw driver's median
 * milliseconds (min–max) and each other side's median per-round ratio to it (min–max), with
 * athanor's target from issue 18.
 */
import { TARGETS, WORKLOAD_LABELS, type DatabaseName, type Mode, type SideName, type Width, type WorkloadName } from "./config.js";
import { fmtMs, ratios, spread } from "./measure.js";

export interface CellRow {
  readonly workload: WorkloadName;
  readonly width: Width | 0;
  readonly mode: Mode;
  readonly times: Partial<Record<SideName, number[]>>;
}

const TITLES: Record<DatabaseName, string> = { sqlite: "SQLite (file database)", pg: "PostgreSQL (localhost)", mysql: "MariaDB (localhost)" };
const COMPARED: readonly SideName[] = ["athanor", "kysely", "drizzle"];

export function tableOf(db: DatabaseName, versions: Partial<Record<SideName, string>>, rows: readonly CellRow[], runs: number): string {
  const sides = COMPARED.filter((side) => versions[side] !== undefined);
  const used = Object.values(versions).filter((v) => v !== "this checkout");
  const lines = [
    `**${TITLES[db]}** (${used.join(", ")}): median of ${runs} runs; raw in ms, the others as the median of the per-run ratios to raw; min–max in brackets`,
    "",
    `| workload | mode | raw ms | ${sides.join(" | ")} | athanor target |`,
    `|---|---|---:|${sides.map(() => "---:|").join("")}---|`,
  ];
  for (const row of rows) {
    const raw = row.times.raw!;
    const r = spread(raw);
    const cells = sides.map((side) => {
      const s = ratios(row.times[side]!, raw);
      return `${s.median.toFixed(2)}× (${s.min.toFixed(2)}–${s.max.toFixed(2)})`;
    });
    const athanor = ratios(row.times.athanor!, raw).median;
    const target = TARGETS[row.workload];
    const label = `${WORKLOAD_LABELS[row.workload]}${row.width ? `, ${row.width} columns` : ""}`;
    lines.push(
      `| ${label} | ${row.mode} | ${fmtMs(r.median)} (${fmtMs(r.min)}–${fmtMs(r.max)}) | ${cells.join(" | ")} | ≤ ${target}× ${athanor <= target ? "met" : "missed"} |`,
    );
  }
  return lines.join("\n");
}
