/** `athanor diagram <entry> [--format mermaid|svg|dot] [--out file]`: an ER diagram of the models. */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Output } from "./check.js";
import { buildDiagramModel } from "./diagram-model.js";
import { CliError } from "./errors.js";
import { display, loadModels } from "./load-models.js";
import { renderDot } from "./render-dot.js";
import { renderMermaid } from "./render-mermaid.js";
import { renderSvg } from "./render-svg.js";

export const FORMATS = ["mermaid", "dot", "svg"] as const;
export type DiagramFormat = (typeof FORMATS)[number];

export function parseFormat(value: string | true | undefined): DiagramFormat {
  if (value === undefined) return "mermaid";
  if (typeof value === "string" && (FORMATS as readonly string[]).includes(value)) return value as DiagramFormat;
  throw new CliError(`unknown format '${String(value)}' (formats: ${FORMATS.join(", ")})`);
}

export async function runDiagram(entry: string, options: { format: DiagramFormat; out: string | undefined; cwd: string }, io: Output): Promise<number> {
  const { registries } = await loadModels(entry);
  const model = buildDiagramModel(registries);
  const text = options.format === "svg" ? await renderSvg(model) : options.format === "dot" ? renderDot(model) : renderMermaid(model);
  if (options.out === undefined) {
    io.out(text.replace(/\n$/, ""));
    return 0;
  }
  const path = resolve(options.cwd, options.out);
  try {
    writeFileSync(path, text);
  } catch (error) {
    throw new CliError(`cannot write ${display(path)}: ${(error as Error).message}`);
  }
  io.err(`wrote ${display(path)} (${options.format}: ${model.tables.length} tables, ${model.links.length} links)`);
  return 0;
}
