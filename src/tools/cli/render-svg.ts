/**
 * SVG: the DOT diagram laid out by Graphviz compiled to WebAssembly (`@viz-js/viz`), so that no
 * Graphviz install and no network access is needed.
 */
import { instance } from "@viz-js/viz";
import type { DiagramModel } from "./diagram-model.js";
import { renderDot } from "./render-dot.js";

export async function renderSvg(model: DiagramModel): Promise<string> {
  const viz = await instance();
  const result = viz.render(renderDot(model), { format: "svg" });
  if (result.status !== "success") {
    // The DOT text is ours, made from the mapped models: Graphviz refusing it is athanor's bug.
    throw new Error(`internal: Graphviz could not lay out the diagram: ${result.errors.map((e) => e.message).join("; ")}`);
  }
  return result.output;
}
