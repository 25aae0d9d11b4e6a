/**
 * A walk over an ESTree syntax tree (as oxc-parser returns it, TypeScript nodes included),
 * without a visitor-keys table: every property holding a node or an array of nodes is a child.
 */

/** A syntax tree node: its `type`, its source offsets, and its other fields by name. */
export interface AstNode {
  readonly type: string;
  readonly start: number;
  readonly end: number;
  readonly [field: string]: unknown;
}

function isNode(value: unknown): value is AstNode {
  return typeof value === "object" && value !== null && typeof (value as { type?: unknown }).type === "string";
}

/**
 * Calls `visit` on `node` and its descendants, depth first; `visit` returns false to skip a
 * node's children. `parent` and `key` say where a node sits (`MemberExpression`, `property`).
 */
export function walk(node: AstNode, visit: (node: AstNode, parent: AstNode | undefined, key: string | undefined) => boolean, parent?: AstNode, key?: string): void {
  if (!visit(node, parent, key)) return;
  for (const field in node) {
    if (field === "type" || field === "start" || field === "end") continue;
    const value = node[field];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) walk(item, visit, node, field);
    } else if (isNode(value)) walk(value, visit, node, field);
  }
}

/**
 * TypeScript nodes that are erased at run time: the types themselves, and declarations made only
 * of types. Type nodes that wrap an expression (`x as T`, `x!`, `x satisfies T`, `enum`,
 * parameter properties) are not listed: their expression is still walked, and their type part
 * is one of the nodes below.
 */
const VALUE_CARRYING_TS = new Set([
  "TSAsExpression",
  "TSSatisfiesExpression",
  "TSNonNullExpression",
  "TSTypeAssertion",
  "TSInstantiationExpression",
  "TSEnumDeclaration",
  "TSEnumBody",
  "TSEnumMember",
  "TSParameterProperty",
  "TSExportAssignment",
  "TSImportEqualsDeclaration",
  "TSExternalModuleReference",
  "TSModuleDeclaration",
  "TSModuleBlock",
]);

export function isTypeOnlyNode(node: AstNode): boolean {
  if (node["declare"] === true) return true; // `declare const x: T`, `declare foo: T` in a class
  return node.type.startsWith("TS") && !VALUE_CARRYING_TS.has(node.type);
}
