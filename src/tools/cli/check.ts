/**
 * `athanor check <entry>`: every configuration problem of the models (target, foreign keys,
 * back-references...) and every cycle of value imports between the model files, each with where
 * it is and how to fix it; or, on a sound project, a one-screen summary.
 */
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, relative } from "node:path";
import type { ConfigurationProblem } from "../../orm/errors.js";
import type { Registry } from "../../orm/mapping/registry.js";
import { EXIT_PROBLEMS } from "./errors.js";
import { buildImportGraph, findValueCycles, loadParser, type ImportEdge, type ValueCycle } from "./import-graph.js";
import { display, loadModels, ModelImportError, modelFiles } from "./load-models.js";

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** A problem as printed: a title, what is wrong, the fix, and where. */
interface Finding {
  readonly title: string;
  readonly message: string;
  readonly fix: string;
  readonly at: string | undefined;
}

export async function runCheck(entry: string, io: Output, url?: URL): Promise<number> {
  const { isFolder, files } = await modelFiles(entry);
  const root = isFolder ? entry : dirname(entry);
  // The graph of the model files: those under the entry folder, or reached from the entry file.
  await loadParser();
  const graph = buildImportGraph(files, (f) => !f.includes("/node_modules/") && (!isFolder || !relative(root, f).startsWith("..")));
  const cycles = findValueCycles(graph);

  const findings: Finding[] = [];
  let registries: readonly Registry[] = [];
  let skipped: readonly string[] = [];
  try {
    const loaded = await loadModels(entry);
    registries = loaded.registries;
    skipped = loaded.skipped;
  } catch (error) {
    if (!(error instanceof ModelImportError)) throw error;
    findings.push({
      title: `cannot import ${display(error.file)}`,
      message: error.message.replace(/^cannot import [^:]+: /, ""),
      fix: cycles.length ? "Break the import cycle reported below." : "Fix the error in the module (run it with tsx to see the stack).",
      at: display(error.file),
    });
  }
  for (const registry of registries) for (const p of registry.check()) findings.push(fromProblem(p));
  for (const cycle of cycles) findings.push(fromCycle(cycle));
  // Against the database only when the models themselves are sound.
  let database: string | undefined;
  if (url && findings.length === 0 && registries.length) {
    const { checkDatabase } = await import("./database-check.js");
    const report = await checkDatabase(registries, url);
    for (const f of report.findings) findings.push({ ...f, at: undefined });
    database = `  ${"database".padEnd(15)}${String(report.tables).padStart(3)}  tables compared: every mapped table and column exists`;
  }

  if (findings.length) {
    const head = findings.length === 1 ? "1 problem" : `${findings.length} problems`;
    const lines = [`athanor check ${display(entry)}: ${head}`, ""];
    findings.forEach((f, i) => {
      lines.push(`  ${i + 1}. ${f.title}`, `     ${f.message}`, `     fix: ${f.fix}`);
      if (f.at) lines.push(`     at ${f.at}`);
      lines.push("");
    });
    io.out(lines.join("\n"));
    return EXIT_PROBLEMS;
  }
  io.out(summary(entry, registries, graph.modules.size, skipped) + (database ? `\n${database}` : ""));
  return 0;
}

function fromProblem(p: ConfigurationProblem): Finding {
  const at = p.file ? locate(p.file, p.model, p.attribute) : undefined;
  return { title: p.attribute ? `${p.model}.${p.attribute}` : p.model, message: p.message, fix: p.fix, at };
}

/**
 * `file:line` of the attribute (or the class) in the model's file. The mapper's `definedAt` is
 * where the class was defined at run time, which transpiled decorators may put on another line.
 */
function locate(definedAt: string, model: string, attribute: string | undefined): string {
  const match = /^(.*?)(?::(\d+))?$/.exec(definedAt)!;
  const file = match[1]!;
  let line = match[2] ? Number(match[2]) : undefined;
  if (existsSync(file)) {
    const lines = readFileSync(file, "utf8").split("\n");
    const classLine = lines.findIndex((l) => new RegExp(`\\bclass\\s+${escapeRegExp(model)}\\b`).test(l));
    if (classLine !== -1) {
      line = classLine + 1;
      if (attribute !== undefined) {
        const pattern = new RegExp(`\\b${escapeRegExp(attribute)}\\s*[!?]?\\s*[:;=(]`);
        const attrLine = lines.findIndex((l, i) => i > classLine && pattern.test(l));
        if (attrLine !== -1) line = attrLine + 1;
      }
    }
  }
  return `${display(file)}${line === undefined ? "" : `:${line}`}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function fromCycle(cycle: ValueCycle): Finding {
  const names = cycle.files.map((f) => basename(f));
  const fixes = cycle.edges.map((e) => suggestion(e)).filter((s) => s !== undefined);
  const first = cycle.edges.find((e) => e.from === cycle.files[0]) ?? cycle.edges[0]!;
  return {
    title: `import cycle of value imports: ${[...names, names[0]].join(" -> ")}`,
    message:
      `${cycle.files.map(display).join(" and ")} import each other at run time; in ES modules the file evaluated second ` +
      `sees the other's classes before they exist ("Cannot access '...' before initialization").`,
    fix: fixes.length
      ? fixes.join("; ")
      : "Refer to the other models by name in relationships (\"Model\") and import them with `import type`, so that no value import closes the cycle.",
    at: `${display(first.from)}:${first.line}`,
  };
}

/** How to turn one value import of a cycle into a type-only import. */
function suggestion(e: ImportEdge): string | undefined {
  const where = `${basename(e.from)}:${e.line}`;
  if (e.opaque) return `${where}: import "${e.specifier}" runs that module; import only the types it needs with \`import type { ... } from "${e.specifier}"\``;
  const values = e.names.filter((n) => !n.typeOnly).map((n) => n.local);
  const typeOnly = e.usedOnlyAsTypes;
  const asValue = values.filter((n) => !typeOnly.includes(n));
  if (asValue.length === 0) return `${where}: use \`import type { ${values.join(", ")} } from "${e.specifier}"\` (${values.join(", ")} ${values.length === 1 ? "is" : "are"} only used as ${values.length === 1 ? "a type" : "types"})`;
  const parts = [];
  if (typeOnly.length) parts.push(`mark ${typeOnly.map((n) => `\`type ${n}\``).join(", ")} (only used as types)`);
  parts.push(`${asValue.join(", ")} ${asValue.length === 1 ? "is" : "are"} used as ${asValue.length === 1 ? "a value" : "values"}: refer to the model by name (e.g. @manyToOne("${asValue[0]}")) and import it with \`import type\``);
  return `${where}: ${parts.join("; ")}`;
}

function summary(entry: string, registries: readonly Registry[], fileCount: number, skipped: readonly string[]): string {
  const mappers = registries.flatMap((r) => r.mappers);
  const tables = registries.flatMap((r) => [...r.metadata.tables.keys()]);
  const relationships = mappers.flatMap((m) => [...m.relationships.values()].filter((rel) => rel.parent === m)); // a subclass's inherited ones once
  const byKind = (kind: string) => relationships.filter((r) => r.kind === kind);
  const throughObject = byKind("manyToMany").filter((r) => r.resolved.association !== undefined).length;
  const list = (names: readonly string[]) => (names.length ? `  (${[...names].sort().join(", ")})` : "");
  const row = (label: string, count: number, extra = "") => `  ${label.padEnd(15)}${String(count).padStart(3)}${extra}`;
  const lines = [
    `athanor check ${display(entry)}: OK, no problems`,
    "",
    row("models", mappers.length, list(mappers.map((m) => m.name))),
    row("tables", tables.length, list(tables)),
    row("relationships", relationships.length),
    row("  manyToOne", byKind("manyToOne").length),
    row("  oneToMany", byKind("oneToMany").length),
    row("  oneToOne", byKind("oneToOne").length),
    row("  manyToMany", byKind("manyToMany").length, throughObject ? `  (${throughObject} through an association object)` : ""),
    row("model files", fileCount, "  (no cycle of value imports)"),
  ];
  if (registries.length > 1) lines.push(row("registries", registries.length));
  if (skipped.length) lines.push(`  ${"skipped".padEnd(15)}     ${skipped.map((f) => display(f)).join(", ")} (runs code at top level: a script, not a models module)`);
  return lines.join("\n");
}
