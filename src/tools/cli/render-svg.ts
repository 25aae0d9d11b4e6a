/**
 * SVG: the DOT diagram laid out by Graphviz compiled to WebAssembly (`@viz-js/viz`), so that no
 * Graphviz install and no network access is needed. `@viz-js/viz` is an optional peer dependency,
 * imported only here: Mermaid and DOT output do not need it.
 */
import { MissingPackageError } from "../../core/errors.js";
import { importOptionalPackage } from "../../core/optional-package.js";
import type { DiagramModel } from "./diagram-model.js";
import { CliError } from "./errors.js";
import { renderDot } from "./render-dot.js";

export async function renderSvg(model: DiagramModel): Promise<string> {
  const viz = await (await loadViz()).instance();
  const result = viz.render(renderDot(model), { format: "svg" });
  if (result.status !== "success") {
    // The DOT text is ours, made from the mapped models: Graphviz refusing it is athanor's bug.
    throw new Error(`internal: Graphviz could not lay out the diagram: ${result.errors.map((e) => e.message).join("; ")}`);
  }
  return result.output;
}

/** A missing `@viz-js/viz` is a usage problem: one line saying what to install, exit code 2. */
async function loadViz(): Promise<typeof import("@viz-js/viz")> {
  try {
    return await importOptionalPackage("@viz-js/viz", "SVG output (--format svg; mermaid and dot need nothing)", () => import("@viz-js/viz"));
  } catch (error) {
    if (!(error instanceof MissingPackageError)) throw error;
    throw Object.assign(new CliError(error.message), { cause: error });
  }
}
