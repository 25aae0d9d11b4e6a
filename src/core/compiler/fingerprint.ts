/**
 * The shape of a statement: its tree with parameter values left out. Two statements with the same
 * shape compile to the same SQL, so the compiled text is cached under this key and only the
 * parameter values (collected in the same walk) change between executions.
 */
import { tableKey, text, typeKey } from "./fingerprint-keys.js";
import { CompileError } from "../errors.js";
import type { AliasNode, CompoundSelectNode, CteNode, ExprNode, FromNode, LabelNode, Node, OnConflictNode, ParamNode, SelectNode, SetPair, StatementNode, TableNode } from "../ast/nodes.js";

export interface Fingerprint {
  readonly key: string;
  /** Parameter nodes in walk order. */
  readonly params: readonly ParamNode[];
}

export function fingerprint(statement: StatementNode): Fingerprint {
  const walk: Walk = { key: "", params: [] };
  root(walk, statement);
  return { key: walk.key, params: walk.params };
}

/**
 * The walk's output. The walkers are module-level functions over this state rather than closures
 * made per call: statements are fingerprinted once per execution (every `session.get`, every flush
 * chunk), and creating six closures each time cost more than the walk of a small statement.
 * The key is built by string concatenation (cheap ropes in V8), not an array joined at the end.
 * Every name in it goes through `text()`; fixed tokens (node kinds, operators, type kinds) are
 * from closed sets in which no token is a prefix of another that could follow the same point.
 */
interface Walk {
  key: string;
  readonly params: ParamNode[];
  /** Aliases already written out, numbered in walk order; made only when a statement has one. */
  aliases?: Map<AliasNode, number>;
  /** The parameter nodes met; made only when a statement has one. */
  seen?: Set<ParamNode>;
}

/** The shape of one expression (parameter values left out): to compare expressions, e.g. DISTINCT ON against ORDER BY. */
export function expressionKey(node: ExprNode): string {
  const walk: Walk = { key: "", params: [] };
  expr(walk, node);
  return walk.key;
}

/** A parameter's place in the key: its type (a decimal's scale decides how the result is read, see literalDecimalType). */
function paramType(w: Walk, node: ParamNode): void {
  const type = node.type;
  w.key += type?.kind === "numeric" ? `?numeric${type.scale ?? ""}` : `?${type?.kind ?? ""}`;
}

/**
 * The values of an INSERT row made by `values()` from plain values (`freshValues`): parameters
 * that occur nowhere else, so their sharing is not tracked (a bulk INSERT has thousands).
 */
function freshParams(w: Walk, row: readonly ExprNode[]): void {
  for (let i = 0; i < row.length; i++) {
    const node = row[i]!;
    if (node.kind !== "param") {
      expr(w, node);
      continue;
    }
    w.params.push(node);
    paramType(w, node);
  }
}

function expr(w: Walk, node: ExprNode | undefined): void {
  if (!node) {
    w.key += "_";
    return;
  }
  switch (node.kind) {
    case "column":
      if (node.source.kind === "table") w.key += `c(${tableKey(node.source)}${text(node.name)})`;
      else {
        w.key += "c(";
        source(w, node.source);
        w.key += `${text(node.name)})`;
      }
      return;
    case "param": {
      // One node at several places (a reused expression, a hybrid attribute) is bound once by
      // the compiled SQL, so the key says where it was first: a statement with a value of its own
      // at each place must not be bound by that SQL.
      // One Set.add per value (a reused one is rare: its first place is looked up then).
      const seen = (w.seen ??= new Set());
      const before = seen.size;
      if (seen.add(node).size === before) {
        w.key += `?=${w.params.indexOf(node)}`;
        w.params.push(node);
        return;
      }
      w.params.push(node);
      paramType(w, node);
      return;
    }
    case "binary":
      w.key += `b${node.op}(`;
      expr(w, node.left);
      expr(w, node.right);
      w.key += ")";
      return;
    case "like":
      w.key += `l${node.negated ? "!" : ""}${node.caseInsensitive ? "i" : ""}${node.escape === undefined ? "" : `e${text(node.escape)}`}(`;
      expr(w, node.expr);
      expr(w, node.pattern);
      w.key += ")";
      return;
    case "and":
    case "or":
      w.key += `${node.kind}(`;
      exprs(w, node.items);
      w.key += ")";
      return;
    case "not":
      w.key += "not(";
      expr(w, node.expr);
      w.key += ")";
      return;
    case "isNull":
      w.key += `null${node.negated ? "!" : ""}(`;
      expr(w, node.expr);
      w.key += ")";
      return;
    case "in":
      w.key += `in${node.negated ? "!" : ""}(`;
      expr(w, node.expr);
      if (Array.isArray(node.values)) exprs(w, node.values as readonly ExprNode[]);
      else select(w, node.values as SelectNode);
      w.key += ")";
      return;
    case "inValues":
      w.key += "inV(";
      exprs(w, node.exprs);
      for (const type of node.types) w.key += typeKey(type);
      w.params.push(node.values);
      w.key += ")";
      return;
    case "between":
      w.key += `btw${node.negated ? "!" : ""}(`;
      expr(w, node.expr);
      expr(w, node.low);
      expr(w, node.high);
      w.key += ")";
      return;
    case "function":
      w.key += `f${node.distinct ? "d" : ""}${text(node.name)}(`;
      exprs(w, node.args);
      w.key += ")";
      if (node.filter) {
        w.key += "filter(";
        expr(w, node.filter);
        w.key += ")";
      }
      return;
    case "over":
      w.key += "over(";
      expr(w, node.fn);
      w.key += "|";
      exprs(w, node.partitionBy);
      w.key += "|";
      orderBy(w, node.orderBy);
      w.key += ")";
      return;
    case "cast":
      w.key += `cast:${JSON.stringify(node.type)}(`;
      expr(w, node.expr);
      w.key += ")";
      return;
    case "raw":
      w.key += "raw(";
      for (const p of node.parts) {
        if (typeof p === "string") w.key += text(p); // an expression never starts with a digit
        else expr(w, p);
      }
      w.key += ")";
      return;
    case "label":
      label(w, node);
      return;
    case "exists":
      w.key += "exists(";
      select(w, node.query);
      w.key += ")";
      return;
    case "scalarSubquery":
      w.key += "sq(";
      select(w, node.query);
      w.key += ")";
      return;
    case "case":
      w.key += "case(";
      for (const [c, r] of node.whens) {
        expr(w, c);
        expr(w, r);
      }
      expr(w, node.otherwise);
      w.key += ")";
      return;
    case "star":
      w.key += "*";
      return;
    case "excluded":
      w.key += `x${text(node.name)}`;
      return;
    default: {
      // A kind added to ExprNode and not listed above fails to compile here: left out of the
      // key, two statements differing in it would share one cached SQL text.
      const unlisted: never = node;
      throw new CompileError(`Internal error: fingerprint() does not know node kind ${(unlisted as { kind: string }).kind}.`);
    }
  }
}

function exprs(w: Walk, nodes: readonly ExprNode[]): void {
  for (let i = 0; i < nodes.length; i++) expr(w, nodes[i]);
}

function label(w: Walk, node: LabelNode): void {
  w.key += `as${text(node.name)}${node.type?.kind ?? ""}(`;
  expr(w, node.expr);
  w.key += ")";
}

function labels(w: Walk, nodes: readonly LabelNode[]): void {
  for (let i = 0; i < nodes.length; i++) label(w, nodes[i]!);
}

function from(w: Walk, node: FromNode): void {
  if (node.kind === "join") {
    w.key += `j${node.type}${node.optional === true ? "?" : ""}(`;
    from(w, node.left);
    from(w, node.right);
    expr(w, node.on);
    w.key += ")";
  } else source(w, node);
}

/**
 * A table, or an alias with what it aliases: a column of alias "s" renders `FROM (<its query>)
 * AS s` when FROM is inferred, so the query is part of the shape (and its parameters are
 * collected), not just the name. Written out once; later references give its number.
 */
function source(w: Walk, node: TableNode | AliasNode): void {
  if (node.kind === "table") {
    w.key += tableKey(node);
    return;
  }
  const aliases = (w.aliases ??= new Map());
  const seen = aliases.get(node);
  if (seen !== undefined) {
    w.key += `@${seen};`;
    return;
  }
  aliases.set(node, aliases.size);
  w.key += `a${node.lateral ? "L" : ""}${text(node.name)}(`;
  if (node.of.kind === "table") w.key += tableKey(node.of);
  else if (node.of.kind === "select") select(w, node.of);
  else cte(w, node.of);
  w.key += ")";
}

/** A CTE: its name, whether recursive, and its query, which its references render in the statement's WITH. */
function cte(w: Walk, node: CteNode): void {
  w.key += `W${node.recursive ? "R" : ""}${text(node.name)}(`;
  root(w, node.query); // a query, or a data-modifying CTE's INSERT, UPDATE or DELETE
  w.key += ")";
}

function select(w: Walk, node: SelectNode): void {
  w.key += `S${node.distinct ? "d" : ""}${node.forUpdate ? `u${node.forUpdateWait === "nowait" ? "n" : node.forUpdateWait === "skipLocked" ? "s" : ""}` : ""}(`;
  if (node.forUpdateOf) w.key += `of(${node.forUpdateOf.map((s) => text(s.name)).join("")})`;
  if (node.distinctOn?.length) {
    w.key += "on(";
    exprs(w, node.distinctOn);
    w.key += ")";
  }
  labels(w, node.columns);
  w.key += "|";
  for (const f of node.from) from(w, f);
  w.key += "|";
  expr(w, node.where);
  w.key += "|";
  exprs(w, node.groupBy);
  w.key += "|";
  expr(w, node.having);
  w.key += "|";
  orderBy(w, node.orderBy);
  w.key += "|";
  expr(w, node.limit);
  expr(w, node.offset);
  w.key += ")";
}

function orderBy(w: Walk, items: SelectNode["orderBy"]): void {
  for (const o of items) {
    w.key += `${o.direction}${o.nulls ?? ""}`;
    expr(w, o.expr);
  }
}

/** A set operation: operator, members, and the ORDER BY (output names) and LIMIT of the whole. */
function compound(w: Walk, node: CompoundSelectNode): void {
  w.key += `C${node.op}${node.all ? "A" : ""}(`;
  for (const member of node.selects) {
    if (member.kind === "select") select(w, member);
    else compound(w, member);
  }
  w.key += "|";
  for (const o of node.orderBy) w.key += `${o.direction}${o.nulls ?? ""}${text(o.name)}`;
  w.key += "|";
  expr(w, node.limit);
  expr(w, node.offset);
  w.key += ")";
}

function root(w: Walk, node: Node): void {
  switch (node.kind) {
    case "select":
      return select(w, node);
    case "compound":
      return compound(w, node);
    case "insert":
      w.key += `I${node.unwritable === undefined ? "" : "!"}(${tableKey(node.table)}`;
      for (const column of node.columns) w.key += text(column);
      w.key += "|";
      for (const row of node.rows) {
        w.key += "(";
        if (node.freshValues === true) freshParams(w, row);
        else exprs(w, row);
        w.key += ")";
      }
      if (node.select) select(w, node.select);
      w.key += "|";
      if (node.onConflict) onConflict(w, node.onConflict);
      w.key += "|";
      labels(w, node.returning);
      w.key += ")";
      return;
    case "update":
      w.key += `U${node.unwritable === undefined ? "" : "!"}(${tableKey(node.table)}|`;
      setPairs(w, node.set);
      w.key += "|";
      expr(w, node.where);
      w.key += "|";
      labels(w, node.returning);
      w.key += ")";
      return;
    case "delete":
      w.key += `D${node.unwritable === undefined ? "" : "!"}(${tableKey(node.table)}|`;
      expr(w, node.where);
      w.key += "|";
      labels(w, node.returning);
      w.key += ")";
      return;
    default:
      return expr(w, node as ExprNode);
  }
}

/** The upsert clause: its action, target column names, SET pairs and WHERE. */
function onConflict(w: Walk, node: OnConflictNode): void {
  w.key += `${node.action}(`;
  for (const column of node.target) w.key += text(column);
  w.key += "|";
  setPairs(w, node.set);
  w.key += "|";
  expr(w, node.where);
  w.key += ")";
}

/** The `SET name = value` pairs of an UPDATE or an upsert. */
function setPairs(w: Walk, set: readonly SetPair[]): void {
  for (const [name, value] of set) {
    w.key += text(name);
    expr(w, value);
  }
}
