/**
 * The import graph of model files, and its cycles of value imports.
 *
 * In ES modules, two files that import each other by value form a cycle: whichever is evaluated
 * second sees the first's classes in their temporal dead zone ("Cannot access 'X' before
 * initialization"). Imports marked `import type` (or whose names are all `type X`) are erased
 * and break the cycle; a value import whose names are only used as types can always become one.
 *
 * The files are read with the TypeScript compiler's parser (the `typescript-5.9` package: TS 7 is
 * a native compiler without a JavaScript API yet). Only its syntax tree is needed, not a type
 * check, so this is fast and works on any file. esbuild (which tsx brings) strips types but does
 * not tell where a name is used, which is what the `import type` suggestion needs.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import ts from "typescript-5.9";

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
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const imports: ImportEdge[] = [];
  const usage = collectUsage(source);
  const line = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.importClause;
      const names: ImportedName[] = [];
      let opaque = !clause; // `import "./x.js"` runs the module
      const wholeTypeOnly = clause?.isTypeOnly ?? false;
      if (clause?.name) {
        names.push({ local: clause.name.text, typeOnly: wholeTypeOnly });
        opaque = true;
      }
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) {
        names.push({ local: bindings.name.text, typeOnly: wholeTypeOnly });
        opaque = true;
      } else if (bindings) {
        for (const el of bindings.elements) names.push({ local: el.name.text, typeOnly: wholeTypeOnly || el.isTypeOnly });
      }
      const typeOnly = wholeTypeOnly || (names.length > 0 && !opaque && names.every((n) => n.typeOnly));
      const valueNames = names.filter((n) => !n.typeOnly).map((n) => n.local);
      const usedOnlyAsTypes = typeOnly ? [] : valueNames.filter((n) => !usage.value.has(n));
      imports.push(edge(file, statement.moduleSpecifier.text, line(statement), typeOnly, names, usedOnlyAsTypes, opaque));
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const clause = statement.exportClause;
      const names: ImportedName[] = [];
      if (clause && ts.isNamedExports(clause)) {
        for (const el of clause.elements) names.push({ local: el.name.text, typeOnly: statement.isTypeOnly || el.isTypeOnly });
      }
      const opaque = !clause || !ts.isNamedExports(clause);
      const typeOnly = statement.isTypeOnly || (!opaque && names.length > 0 && names.every((n) => n.typeOnly));
      imports.push(edge(file, statement.moduleSpecifier.text, line(statement), typeOnly, names, [], opaque));
    }
  }
  return { file, imports, isScript: runsTopLevelCode(source) };
}

function edge(from: string, specifier: string, line: number, typeOnly: boolean, names: ImportedName[], usedOnlyAsTypes: string[], opaque: boolean): ImportEdge {
  return { from, to: resolveRelative(from, specifier), specifier, line, typeOnly, names, usedOnlyAsTypes, opaque };
}

function scriptKind(file: string): ts.ScriptKind {
  if (/\.[mc]?tsx$/.test(file)) return ts.ScriptKind.TSX;
  if (/\.[mc]?ts$/.test(file)) return ts.ScriptKind.TS;
  return ts.ScriptKind.JS;
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

/** The names read as values somewhere in the file (outside import declarations). */
function collectUsage(source: ts.SourceFile): { value: Set<string> } {
  const value = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node) && isReference(node) && !inTypePosition(node)) value.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { value };
}

/** Whether an identifier refers to a binding (not a property name, a declaration's name...). */
function isReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return false;
  if (ts.isQualifiedName(parent) && parent.right === node) return false;
  if (ts.isShorthandPropertyAssignment(parent)) return true;
  if (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessorDeclaration(parent) ||
      ts.isSetAccessorDeclaration(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isInterfaceDeclaration(parent) ||
      ts.isTypeAliasDeclaration(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isEnumMember(parent) ||
      ts.isBindingElement(parent) ||
      ts.isTypeParameterDeclaration(parent) ||
      ts.isModuleDeclaration(parent)) &&
    parent.name === node
  ) {
    return false;
  }
  if (ts.isExportSpecifier(parent)) return !(parent.isTypeOnly || parent.parent.parent.isTypeOnly) && (parent.propertyName ?? parent.name) === node;
  return true;
}

function inTypePosition(node: ts.Node): boolean {
  for (let current: ts.Node | undefined = node.parent, child: ts.Node = node; current; child = current, current = current.parent) {
    if (ts.isExpressionWithTypeArguments(current)) {
      // `class A extends B` reads B at run time; `implements B` and `interface A extends B` do not.
      const clause = current.parent;
      if (ts.isHeritageClause(clause) && clause.token === ts.SyntaxKind.ExtendsKeyword && ts.isClassLike(clause.parent)) {
        if (child === current.expression) return false;
      }
      return true;
    }
    if (ts.isTypeNode(current)) return true;
    if (ts.isInterfaceDeclaration(current) || ts.isTypeAliasDeclaration(current)) return true;
    if (ts.isStatement(current) || ts.isSourceFile(current)) return false;
  }
  return false;
}

/** Top-level code that makes a file a program rather than a module of definitions. */
function runsTopLevelCode(source: ts.SourceFile): boolean {
  let found = false;
  const visit = (node: ts.Node): void => {
    if (found || ts.isFunctionLike(node) || ts.isClassLike(node)) return;
    if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) found = true;
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression)) {
      const target = `${node.expression.expression.text}.${node.expression.name.text}`;
      if (/^console\.|^process\.exit$/.test(target)) found = true;
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of source.statements) visit(statement);
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
