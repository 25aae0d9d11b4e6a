/**
 * The shared child traversal of the statement tree (core/ast/children.ts, map-children.ts), on
 * statements that hold every kind of node: it reaches every node the tree holds (found apart by
 * reading the nodes' fields), the fingerprint (the statement cache's key) collects the parameters
 * it reaches, and the expression mapper maps every operand. A field or kind the traversal missed
 * would leave a walker (FROM inference, the WITH clause, a moved loader criterion) blind to it.
 * In memory: what the walkers decide is run on the databases in cte.test.ts, select.test.ts, ...
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MetaData, integer, table, text } from "../../src/index.js";
import { forEachChild, type TreeNode } from "../../src/core/ast/children.js";
import { mapExprChildren } from "../../src/core/ast/map-children.js";
import type { AliasNode, CteNode, ExprNode, LabelNode, ParamNode, SelectNode, StatementNode, TableNode } from "../../src/core/ast/nodes.js";
import { fingerprint } from "../../src/core/compiler/fingerprint.js";

const t = table("walk_t", new MetaData(), { id: integer().primaryKey(), name: text() });
const tableNode: TableNode = t.fromNode;

/** Every kind of node; the check below fails to compile when a kind is added to the tree and not here. */
const ALL_KINDS = [
  "table", "alias", "cte", "join", "column", "param", "binary", "like", "and", "or", "not", "isNull", "in", "inValues",
  "between", "function", "over", "cast", "raw", "label", "exists", "scalarSubquery", "case", "star", "excluded",
  "select", "compound", "insert", "update", "delete", "onConflict",
] as const satisfies readonly TreeNode["kind"][];
const allKindsListed: [Exclude<TreeNode["kind"], (typeof ALL_KINDS)[number]>] extends [never] ? true : false = true;

let n = 0;
const param = (): ParamNode => ({ kind: "param", value: ++n, type: undefined });
const col = (source: TableNode | AliasNode = tableNode, name = "id"): ExprNode => ({ kind: "column", name, source });
const label = (expr: ExprNode, name = `c${++n}`): LabelNode => ({ kind: "label", expr, name });
const plainSelect = (over: Partial<SelectNode> = {}): SelectNode => ({
  kind: "select", columns: [label(col())], from: [tableNode], where: undefined, groupBy: [], having: undefined, orderBy: [],
  limit: undefined, offset: undefined, distinct: false, forUpdate: false, ...over,
});
const eq = (left: ExprNode, right: ExprNode): ExprNode => ({ kind: "binary", op: "=", left, right });

/** One expression of every expression kind, each with a parameter of its own somewhere below. */
function everyExpression(source: TableNode | AliasNode): ExprNode[] {
  const fn = { kind: "function", name: "count", args: [col(source)], distinct: false, filter: eq(col(source), param()) } as const;
  return [
    eq(col(source), param()),
    { kind: "like", expr: col(source, "name"), pattern: param(), negated: false, caseInsensitive: false },
    { kind: "or", items: [{ kind: "not", expr: eq(col(source), param()) }, { kind: "isNull", expr: col(source), negated: true }] },
    { kind: "in", expr: col(source), values: [param(), param()], negated: false },
    { kind: "in", expr: col(source), values: plainSelect({ where: eq(col(), param()) }), negated: true },
    { kind: "inValues", exprs: [col(source)], values: param(), types: [undefined] },
    { kind: "between", expr: col(source), low: param(), high: param(), negated: false },
    { kind: "over", fn, partitionBy: [col(source, "name")], orderBy: [{ expr: eq(col(source), param()), direction: "asc", nulls: undefined }] },
    { kind: "cast", expr: param(), type: { kind: "integer" } as never },
    { kind: "raw", parts: ["1 + ", param()] },
    { kind: "exists", query: plainSelect({ where: eq(col(), param()) }) },
    { kind: "scalarSubquery", query: plainSelect({ having: eq(col(), param()) }) },
    { kind: "case", whens: [[eq(col(source), param()), param()]], otherwise: param() },
    { kind: "function", name: "count", args: [{ kind: "star" }], distinct: false },
  ];
}

const cte: CteNode = {
  kind: "cte", name: "w", recursive: false,
  query: { kind: "compound", op: "union", all: true, selects: [plainSelect({ where: eq(col(), param()) }), plainSelect()], orderBy: [], limit: param(), offset: param() },
};
const cteAlias: AliasNode = { kind: "alias", name: "w", of: cte };
const subqueryAlias: AliasNode = { kind: "alias", name: "s", of: plainSelect({ where: eq(col(), param()) }), lateral: true };
const tableAlias: AliasNode = { kind: "alias", name: "a", of: tableNode };

/** Statements that hold every kind of node between them. */
const statements: StatementNode[] = [
  plainSelect({
    columns: everyExpression(tableAlias).map((e) => label(e)),
    from: [tableNode, { kind: "join", type: "left", left: cteAlias, right: subqueryAlias, on: eq(col(cteAlias), col(subqueryAlias)) }, tableAlias],
    where: { kind: "and", items: everyExpression(tableNode) },
    groupBy: [col(subqueryAlias)],
    having: eq(col(), param()),
    orderBy: [{ expr: eq(col(), param()), direction: "desc", nulls: "last" }],
    distinctOn: [eq(col(), param())],
    limit: param(),
    offset: param(),
    forUpdate: true,
    forUpdateOf: [tableAlias],
  }),
  {
    kind: "insert", table: tableNode, columns: ["id", "name"], rows: [[param(), param()]], select: plainSelect({ where: eq(col(), param()) }),
    onConflict: { kind: "onConflict", action: "doUpdate", target: ["id"], set: [["name", { kind: "excluded", name: "name" }]], where: eq(col(), param()) },
    returning: [label(eq(col(), param()))],
  },
  { kind: "update", table: tableNode, set: [["name", param()]], where: eq(col(), param()), returning: [label(eq(col(), param()))] },
  { kind: "delete", table: tableNode, where: eq(col(), param()), returning: [label(eq(col(), param()))] },
  { kind: "raw", parts: ["SELECT ", param()] },
];

/** The nodes under `root`, found by reading every field of every node (not through forEachChild). */
function fieldsReach(root: TreeNode): Set<object> {
  const found = new Set<object>();
  const read = (value: unknown, key: string, parent: { kind?: string } | undefined): void => {
    if (value === null || typeof value !== "object") return;
    // Not parts of the tree: SQL types, a parameter's value, the schema object a table node names.
    if (key === "type" || key === "types" || (parent?.kind === "param" && key === "value") || (parent?.kind === "table" && key === "table")) return;
    if (Array.isArray(value)) return value.forEach((item) => read(item, key, parent));
    const node = value as { kind?: string };
    if (typeof node.kind === "string") {
      if (found.has(node)) return;
      found.add(node);
    }
    for (const [k, v] of Object.entries(node)) read(v, k, typeof node.kind === "string" ? node : parent);
  };
  read(root, "", undefined);
  return found;
}

function childrenReach(root: TreeNode): Set<TreeNode> {
  const found = new Set<TreeNode>();
  const visit = (node: TreeNode, into: Set<TreeNode>): void => {
    if (into.has(node)) return;
    into.add(node);
    forEachChild(node, visit, into);
  };
  visit(root, found);
  return found;
}

test("the statements hold every kind of node", () => {
  assert.equal(allKindsListed, true);
  const kinds = new Set(statements.flatMap((s) => [...fieldsReach(s)].map((node) => (node as TreeNode).kind)));
  assert.deepEqual([...ALL_KINDS].filter((kind) => !kinds.has(kind)), []);
});

test("forEachChild reaches every node a statement holds, each field of each kind", () => {
  for (const statement of statements) {
    const byFields = fieldsReach(statement);
    const byChildren = childrenReach(statement);
    const missed = [...byFields].filter((node) => !byChildren.has(node as TreeNode));
    assert.deepEqual(missed.map((node) => JSON.stringify(node).slice(0, 200)), [], `missed under a ${statement.kind}`);
    assert.equal(byChildren.size, byFields.size);
  }
});

test("the fingerprint collects every parameter forEachChild reaches: it leaves no part of the tree out of the key", () => {
  for (const statement of statements) {
    const reached = [...childrenReach(statement)].filter((node) => node.kind === "param");
    const keyed = new Set(fingerprint(statement).params);
    assert.deepEqual(reached.filter((p) => !keyed.has(p as ParamNode)).map((p) => (p as ParamNode).value), [], `under a ${statement.kind}`);
    assert.equal(keyed.size, reached.length);
  }
});

test("mapExprChildren maps every operand of every expression kind, and keeps subqueries and sources", () => {
  const mapped = new Set<ExprNode>();
  const map = (node: ExprNode): ExprNode => {
    const copy = node.kind === "param" ? { ...node } : mapExprChildren(node, map);
    mapped.add(copy);
    return copy;
  };
  for (const expr of everyExpression(tableAlias)) {
    const result = map(expr);
    // Every expression below the result was made by `map`; what is not an operand is the original.
    const walk = (node: TreeNode): void => {
      if (node.kind === "select" || node.kind === "alias" || node.kind === "table") return;
      if (node.kind === "inValues") assert.ok(!mapped.has(node.values), "an inValues list's parameter is kept");
      else assert.ok(mapped.has(node as ExprNode), `${node.kind} was mapped`);
      if (node.kind === "inValues") node.exprs.forEach(walk);
      // A window's function stays a function: rebuilt with its operands mapped, not mapped itself.
      else if (node.kind === "over") forEachChild(node, (child) => (child === node.fn ? forEachChild(child, walk, undefined) : walk(child)), undefined);
      else forEachChild(node, walk, undefined);
    };
    walk(result);
    if (expr.kind === "in" && !Array.isArray(expr.values)) assert.equal((result as typeof expr).values, expr.values, "a subquery is kept");
    if (expr.kind === "exists") assert.equal(result, expr);
  }
});
