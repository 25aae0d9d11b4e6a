/**
 * The examples of the API reference: every ```ts block in a doc comment under src/, found with
 * TypeScript's parser, and what each example declares or imports itself (so that the test can
 * import the rest of the public API for it, and nothing twice).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript-5.9";

/** One fenced example: where it is, and its text with the comment's `*` margin taken off. */
export interface DocExample {
  /** The source file, relative to the repository. */
  readonly file: string;
  /** The line (1-based) of the example's first line of code. */
  readonly line: number;
  readonly code: string;
}

const FENCE_OPEN = /^```ts\s*$/;
const FENCE_CLOSE = /^```\s*$/;

/** Every example in the doc comments of the .ts files under `dir`. */
export function docExamples(repoRoot: string, dir: string): DocExample[] {
  const found: DocExample[] = [];
  for (const path of tsFiles(join(repoRoot, dir))) {
    const text = readFileSync(path, "utf8");
    const lines = text.split("\n");
    const file = relative(repoRoot, path);
    for (const comment of docComments(text)) {
      const first = text.slice(0, comment.pos).split("\n").length - 1;
      const last = text.slice(0, comment.end).split("\n").length - 1;
      let open: number | undefined;
      for (let i = first; i <= last; i++) {
        const body = lines[i]!.replace(/^\s*\/?\*+\s?/, "");
        if (open === undefined && FENCE_OPEN.test(body)) open = i + 1;
        else if (open !== undefined && FENCE_CLOSE.test(body)) {
          const code = lines.slice(open, i).map((l) => l.replace(/^\s*\* ?/, "")).join("\n");
          found.push({ file, line: open + 1, code });
          open = undefined;
        }
      }
    }
  }
  return found;
}

/** The names an example declares or imports at its top level. */
export function namesDeclaredIn(code: string): Set<string> {
  const source = ts.createSourceFile("example.ts", code, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) for (const spec of bindings.elements) names.add(spec.name.text);
      else if (bindings) names.add(bindings.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (
      (ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement) || ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isEnumDeclaration(statement)) &&
      statement.name
    ) {
      names.add(statement.name.text);
    }
  }
  return names;
}

/**
 * The names a module exports: its `export { a, type B } from` lists (value names with the module
 * they come from) and its own exported declarations (`export const`, `export declare const`).
 */
export function exportedNames(path: string): { readonly values: string[]; readonly types: string[]; readonly from: [name: string, specifier: string][] } {
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const values: string[] = [];
  const types: string[] = [];
  const from: [string, string][] = [];
  for (const statement of source.statements) {
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exported && ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) if (ts.isIdentifier(declaration.name)) values.push(declaration.name.text);
    } else if (exported && (ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name) {
      values.push(statement.name.text);
    } else if (exported && (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement))) {
      types.push(statement.name.text);
    }
    if (!ts.isExportDeclaration(statement)) continue;
    const specifier = statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : undefined;
    if (!statement.exportClause && specifier) {
      // `export * from "./errors.js"`: what that module exports.
      const all = exportedNames(join(dirname(path), specifier.replace(/\.js$/, ".ts")));
      values.push(...all.values);
      types.push(...all.types);
      continue;
    }
    if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) continue;
    for (const spec of statement.exportClause.elements) {
      if (statement.isTypeOnly || spec.isTypeOnly) types.push(spec.name.text);
      else {
        values.push(spec.name.text);
        if (specifier) from.push([spec.name.text, specifier]);
      }
    }
  }
  return { values, types, from };
}

/**
 * The exported functions of `path` (`export function f` and `export const f = (...) =>`) and
 * whether each one's doc comment has an example.
 */
export function functionsWithExamples(path: string): Map<string, boolean> {
  const text = readFileSync(path, "utf8");
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const result = new Map<string, boolean>();
  const exported = (node: ts.Node) => ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const hasExample = (node: ts.Node) => ts.getJSDocCommentsAndTags(node).some((doc) => /```ts/.test(doc.getText()));
  for (const statement of source.statements) {
    if (!exported(statement)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      // Overloads: the example may be on any of the signatures.
      result.set(statement.name.text, (result.get(statement.name.text) ?? false) || hasExample(statement));
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const init = declaration.initializer;
        if (ts.isIdentifier(declaration.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) {
          result.set(declaration.name.text, hasExample(statement));
        }
      }
    }
  }
  return result;
}

function* tsFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* tsFiles(path);
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) yield path;
  }
}

/** The ranges of the `/** ... *\/` comments of a file: the leading comments of every node. */
function docComments(text: string): ts.CommentRange[] {
  const source = ts.createSourceFile("file.ts", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const ranges = new Map<number, ts.CommentRange>();
  const visit = (node: ts.Node) => {
    for (const range of ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []) {
      if (text.startsWith("/**", range.pos)) ranges.set(range.pos, range);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  visit(source.endOfFileToken);
  return [...ranges.values()];
}

/** A public member of the API that its doc comment leaves without what the rule asks of it. */
export interface UndocumentedMember {
  /** `Class.member`, as a reader would look it up. */
  readonly name: string;
  /** Where it is declared, relative to the repository. */
  readonly file: string;
  /** "example": a method without one; "comment": an accessor without any doc comment. */
  readonly lacks: "example" | "comment";
}

/**
 * The public members of the classes and interfaces that `entryPoints` export whose doc comment, as
 * TypeScript's quick info shows it (a member without a comment of its own shows the one of the
 * interface or base class it implements), lacks what the rule of test/tools/doc-examples.test.ts
 * asks: a ```ts example for a method, a doc comment for an accessor.
 */
export function membersWithoutExamples(repoRoot: string, entryPoints: readonly string[]): UndocumentedMember[] {
  const config = ts.getParsedCommandLineOfConfigFile(join(repoRoot, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  const files = entryPoints.map((entry) => join(repoRoot, entry));
  const program = ts.createProgram({ rootNames: files, options: { ...config!.options, noEmit: true } });
  const checker = program.getTypeChecker();
  const src = join(repoRoot, "src") + "/";
  const found: UndocumentedMember[] = [];
  // A member inherited by several exported classes (Expression's by Column, Labeled...) is listed once.
  const seen = new Set<ts.Declaration>();
  const hasExample = (member: ts.Symbol) =>
    [member.getDocumentationComment(checker), ...member.getJsDocTags(checker).map((tag) => tag.text ?? [])].some((parts) => /```ts/.test(ts.displayPartsToString(parts)));
  for (const file of files) {
    for (const exported of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      if (!(symbol.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface))) continue;
      for (const member of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
        const declarations = (member.declarations ?? []).filter((d) => d.getSourceFile().fileName.startsWith(src));
        const first = declarations[0];
        if (!first || seen.has(first)) continue;
        seen.add(first);
        const kind = ts.isMethodDeclaration(first) || ts.isMethodSignature(first) ? "method" : ts.isGetAccessorDeclaration(first) || ts.isSetAccessorDeclaration(first) ? "accessor" : undefined;
        if (!kind || !isPublic(first) || member.name === "toString" || member.name.startsWith("__@")) continue;
        const owner = (first.parent as ts.ClassLikeDeclaration | ts.InterfaceDeclaration).name?.text ?? symbol.name;
        const where = { name: `${owner}.${member.name}`, file: relative(repoRoot, first.getSourceFile().fileName) };
        if (kind === "method" && !hasExample(member)) found.push({ ...where, lacks: "example" });
        else if (kind === "accessor" && ts.displayPartsToString(member.getDocumentationComment(checker)).trim() === "") found.push({ ...where, lacks: "comment" });
      }
    }
  }
  return found;
}

/** Not private, protected, `#private` nor `@internal`. */
function isPublic(declaration: ts.Declaration): boolean {
  if (ts.getCombinedModifierFlags(declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return false;
  const name = ts.getNameOfDeclaration(declaration);
  if (name && ts.isPrivateIdentifier(name)) return false;
  return !ts.getJSDocTags(declaration).some((tag) => tag.tagName.text === "internal");
}
