/**
 * The import graph of model files, and its cycles of value imports.
 *
 * In ES modules, two files that import each other by value form a cycle: whichever is evaluated
 * second sees the first's classes in their temporal dead zone ("Cannot access 'X' before
 * initialization"). Imports marked `import type` (or whose names are all `type X`) are erased
 * and break the cycle; a value import whose names are only used as types can always become one.
 *
 * The files are read with oxc-parser: a native TypeScript parser (no TypeScript compiler at run
 * time, which would be a 23 MB dependency). Only the syntax tree is needed, not a type check: it
 * tells `import type` from value imports, and where each imported name is used. It is an optional
 * peer dependency (5 MB with its binding), loaded by `loadParser()` only for the commands that
 * read model files.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { importOptionalPackage } from "../../core/optional-package.js";
import { MissingPackageError } from "../../core/errors.js";
import { CliError } from "./errors.js";
import { isTypeOnlyNode, walk, type AstNode } from "./syntax-walk.js";

let parseSync: typeof import("oxc-parser").parseSync | undefined;

/** Loads the parser, before `parseModule` or `buildImportGraph`; a missing one is one line saying what to install. */
export async function loadParser(): Promise<void> {
  if (parseSync !== undefined) return;
  try {
    ({ parseSync } = await importOptionalPackage("oxc-parser", "Reading model files (athanor check, athanor diagram of a folder)", () => import("oxc-parser")));
  } catch (error) {
    if (!(error instanceof MissingPackageError)) throw error;
    throw Object.assign(new CliError(error.message), { cause: error });
  }
}
export interface ImportedName {
  /** The local name (after `as`). */
  readonly local: string;
  /** Marked `type X` in the import, or the whole import is `import type`. */
  readonly typeOnly: boolean;
}

export interface ImportEdge {
  readonly from: string;
  /** The imported file, resolved; undefined when not a relative import of an existing file. */
  readonly to: string | undefined;
  readonly specifier: string;
  readonly line: number;
  /** Erased at run time: `import type`, `export type ... from`, or every name `type X`. */
  readonly typeOnly: boolean;
  readonly names: readonly ImportedName[];
  /** Names imported as values but used only in type positions: they could be `import type`. */
  readonly usedOnlyAsTypes: readonly string[];
  /** A namespace/default/side-effect import or `export *`: not convertible name by name. */
  readonly opaque: boolean;
}

export interface ModuleInfo {
  readonly file: string;
  readonly imports: readonly ImportEdge[];
  /** Runs code at top level (top-level await, console output, process.exit): a script, not a models module. */
  readonly isScript: boolean;
}

export function parseModule(file: string): ModuleInfo {
  const text = readFileSync(file, "utf8");
  if (parseSync === undefined) throw new Error("internal: parseModule() before loadParser()");
  const { program } = parseSync(file, text, { sourceType: "module", lang: language(file) });
  const statements = program.body as unknown as AstNode[];
  const lineStarts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  const line = (node: AstNode) => lineOf(lineStarts, node.start);
  const imports: ImportEdge[] = [];
  const usage = collectValueNames(statements);

  for (const statement of statements) {
    const source = statement["source"] as AstNode | null | undefined;
    if (!source || typeof source["value"] !== "string") continue;
    const specifier = source["value"];
    const names: ImportedName[] = [];
    if (statement.type === "ImportDeclaration") {
      const specifiers = statement["specifiers"] as AstNode[];
      const wholeTypeOnly = statement["importKind"] === "type";
      let opaque = specifiers.length === 0; // `import "./x.js"` runs the module
      for (const spec of specifiers) {
        const local = (spec["local"] as AstNode)["name"] as string;
        if (spec.type === "ImportSpecifier") names.push({ local, typeOnly: wholeTypeOnly || spec["importKind"] === "type" });
        else {
          names.push({ local, typeOnly: wholeTypeOnly }); // default or namespace import
          opaque = true;
        }
      }
      const typeOnly = wholeTypeOnly || (names.length > 0 && !opaque && names.every((n) => n.typeOnly));
      const valueNames = names.filter((n) => !n.typeOnly).map((n) => n.local);
      const usedOnlyAsTypes = typeOnly ? [] : valueNames.filter((n) => !usage.has(n));
      imports.push(edge(file, specifier, line(statement), typeOnly, names, usedOnlyAsTypes, opaque));
    } else if (statement.type === "ExportNamedDeclaration" || statement.type === "ExportAllDeclaration") {
      const wholeTypeOnly = statement["exportKind"] === "type";
      const opaque = statement.type === "ExportAllDeclaration";
      if (!opaque) {
        for (const spec of statement["specifiers"] as AstNode[]) {
          names.push({ local: exportedName(spec["local"] as AstNode), typeOnly: wholeTypeOnly || spec["exportKind"] === "type" });
        }
      }
      const typeOnly = wholeTypeOnly || (!opaque && names.length > 0 && names.every((n) => n.typeOnly));
      imports.push(edge(file, specifier, line(statement), typeOnly, names, [], opaque));
    }
  }
  return { file, imports, isScript: runsTopLevelCode(statements) };
}

function exportedName(node: AstNode): string {
  return (node["name"] ?? node["value"]) as string; // `export { a }` or `export { "a b" }`
}

function language(file: string): "ts" | "tsx" | "js" | "jsx" {
  if (/\.[mc]?tsx$/.test(file)) return "tsx";
  if (/\.[mc]?ts$/.test(file)) return "ts";
  return /\.jsx$/.test(file) ? "jsx" : "js";
}

function lineOf(lineStarts: readonly number[], offset: number): number {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

function edge(from: string, specifier: string, line: number, typeOnly: boolean, names: ImportedName[], usedOnlyAsTypes: string[], opaque: boolean): ImportEdge {
  return { from, to: resolveRelative(from, specifier), specifier, line, typeOnly, names, usedOnlyAsTypes, opaque };
}

/** Resolves `./x.js` to the file on disk: x.ts (TypeScript's NodeNext mapping), x.js, x/index.ts... */
export function resolveRelative(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [
    base.replace(/\.js$/, ".ts"),
    base.replace(/\.js$/, ".tsx"),
    base.replace(/\.mjs$/, ".mts"),
    base.replace(/\.cjs$/, ".cts"),
    base,
    ...[".ts", ".tsx", ".mts", ".js", ".mjs"].map((ext) => base + ext),
    ...["index.ts", "index.js"].map((f) => resolve(base, f)),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/**
 * Identifier positions that are not reads of a binding: `(parent type, key)` pairs, where the key
 * holds a name being declared, a property name, a label...
 */
const NOT_A_READ = new Set([
  "VariableDeclarator.id",
  "FunctionDeclaration.id",
  "FunctionExpression.id",
  "ClassDeclaration.id",
  "ClassExpression.id",
  "FunctionDeclaration.params",
  "FunctionExpression.params",
  "ArrowFunctionExpression.params",
  "TSParameterProperty.parameter",
  "CatchClause.param",
  "AssignmentPattern.left",
  "RestElement.argument",
  "ArrayPattern.elements",
  "LabeledStatement.label",
  "BreakStatement.label",
  "ContinueStatement.label",
  "MetaProperty.meta",
  "MetaProperty.property",
  "ExportSpecifier.exported",
]);
/** Property-like keys: a name unless computed (`[key]: ...`). */
const KEYS = new Set(["Property.key", "PropertyDefinition.key", "MethodDefinition.key", "AccessorProperty.key", "MemberExpression.property"]);

/** The names read as values somewhere in the file (outside imports and type positions). */
function collectValueNames(statements: readonly AstNode[]): Set<string> {
  const value = new Set<string>();
  for (const statement of statements) {
    if (statement.type === "ImportDeclaration" || statement["exportKind"] === "type") continue;
    walk(statement, (node, parent, key) => {
      if (isTypeOnlyNode(node)) return false;
      if (node.type === "ExportSpecifier" && node["exportKind"] === "type") return false;
      if (node.type !== "Identifier" || !parent) return true;
      const at = `${parent.type}.${key}`;
      if (NOT_A_READ.has(at)) return true;
      if (KEYS.has(at) && !parent["computed"] && !(parent.type === "Property" && parent["shorthand"])) return true;
      // A name declared in a pattern (`const { a } = x`) counts as read: that only ever keeps a
      // value import as it is, never suggests a wrong `import type`.
      value.add(node["name"] as string);
      return true;
    });
  }
  return value;
}

/** Top-level code that makes a file a program rather than a module of definitions. */
function runsTopLevelCode(statements: readonly AstNode[]): boolean {
  let found = false;
  for (const statement of statements) {
    walk(statement, (node) => {
      if (found || /Function|^Class/.test(node.type)) return false;
      if (node.type === "AwaitExpression" || (node.type === "ForOfStatement" && node["await"])) found = true;
      else if (node.type === "CallExpression") {
        const callee = node["callee"] as AstNode;
        const object = callee["object"] as AstNode | undefined;
        const property = callee["property"] as AstNode | undefined;
        if (callee.type === "MemberExpression" && object?.type === "Identifier" && property?.type === "Identifier" && !callee["computed"]) {
          if (/^console\.|^process\.exit$/.test(`${object["name"]}.${property["name"]}`)) found = true;
        }
      }
      return !found;
    });
  }
  return found;
}

export interface ImportGraph {
  readonly modules: ReadonlyMap<string, ModuleInfo>;
}

/** Parses `files` and every file they import relatively, following imports from the given roots. */
export function buildImportGraph(files: readonly string[], within: (file: string) => boolean): ImportGraph {
  const modules = new Map<string, ModuleInfo>();
  const queue = [...files];
  while (queue.length) {
    const file = queue.shift()!;
    if (modules.has(file)) continue;
    const info = parseModule(file);
    modules.set(file, info);
    for (const imp of info.imports) if (imp.to && within(imp.to) && !modules.has(imp.to)) queue.push(imp.to);
  }
  return { modules };
}

export interface ValueCycle {
  /** The files in cycle order: each imports the next by value, the last imports the first. */
  readonly files: readonly string[];
  /** The value imports between the cycle's files. */
  readonly edges: readonly ImportEdge[];
}

/** Cycles of value imports: one per strongly connected component, with one cycle through it. */
export function findValueCycles(graph: ImportGraph): ValueCycle[] {
  const valueEdges = new Map<string, ImportEdge[]>();
  for (const [file, info] of graph.modules) {
    valueEdges.set(file, info.imports.filter((e) => !e.typeOnly && e.to !== undefined && graph.modules.has(e.to)));
  }
  // Tarjan's strongly connected components.
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strongConnect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const e of valueEdges.get(v)!) {
      const w = e.to!;
      if (!indices.has(w)) {
        strongConnect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      components.push(component);
    }
  };
  for (const file of [...graph.modules.keys()].sort()) if (!indices.has(file)) strongConnect(file);

  const cycles: ValueCycle[] = [];
  for (const component of components) {
    const members = new Set(component);
    const inner = component.flatMap((f) => valueEdges.get(f)!.filter((e) => members.has(e.to!)));
    if (component.length === 1 && inner.length === 0) continue;
    cycles.push({ files: cyclePath(component.sort(), inner), edges: inner });
  }
  return cycles.sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

/** One simple cycle through the component, starting at its first file (breadth-first back to it). */
function cyclePath(component: readonly string[], edges: readonly ImportEdge[]): string[] {
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const e of edges.filter((x) => x.from === v)) {
      if (e.to === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return path;
      }
      if (!previous.has(e.to!)) {
        previous.set(e.to!, v);
        queue.push(e.to!);
      }
    }
  }
  return [...component];
}
