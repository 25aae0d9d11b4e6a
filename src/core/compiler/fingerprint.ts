/**
 * The shape of a statement: its tree with parameter values left out. Two statements with the same
 * shape compile to the same SQL, so the compiled text is cached under this key and only the
 * parameter values (collected in the same walk) change between executions.
 */
import type { ExprNode, FromNode, LabelNode, Node, ParamNode, SelectNode, StatementNode } from "../ast/nodes.js";

export interface Fingerprint {
  readonly key: string;
  /** Parameter nodes in walk order. */
  readonly params: readonly ParamNode[];
}

export function fingerprint(statement: StatementNode): Fingerprint {
  const parts: string[] = [];
  const params: ParamNode[] = [];
  const out = (s: string): void => void parts.push(s);

  const expr = (node: ExprNode | undefined): void => {
    if (!node) return out("_");
    switch (node.kind) {
      case "column":
        out(`c(${sourceKey(node.source)}.${node.name})`);
        return;
      case "param":
        params.push(node);
        out(`?${node.type?.kind ?? ""}`);
        return;
      case "binary":
        out(`b${node.op}(`), expr(node.left), expr(node.right), out(")");
        return;
      case "like":
        out(`l${node.negated ? "!" : ""}${node.caseInsensitive ? "i" : ""}(`), expr(node.expr), expr(node.pattern), out(")");
        return;
      case "and":
      case "or":
        out(`${node.kind}(`), node.items.forEach(expr), out(")");
        return;
      case "not":
        out("not("), expr(node.expr), out(")");
        return;
      case "isNull":
        out(`null${node.negated ? "!" : ""}(`), expr(node.expr), out(")");
        return;
      case "in":
        out(`in${node.negated ? "!" : ""}(`), expr(node.expr);
        if (Array.isArray(node.values)) (node.values as readonly ExprNode[]).forEach(expr);
        else select(node.values as SelectNode);
        out(")");
        return;
      case "between":
        out(`btw${node.negated ? "!" : ""}(`), expr(node.expr), expr(node.low), expr(node.high), out(")");
        return;
      case "function":
        out(`f${node.distinct ? "d" : ""}:${node.name}(`), node.args.forEach(expr), out(")");
        return;
      case "cast":
        out(`cast:${JSON.stringify(node.type)}(`), expr(node.expr), out(")");
        return;
      case "raw":
        out("raw(");
        node.parts.forEach((p) => (typeof p === "string" ? out(JSON.stringify(p)) : expr(p)));
        out(")");
        return;
      case "label":
        label(node);
        return;
      case "exists":
        out("exists("), select(node.query), out(")");
        return;
      case "scalarSubquery":
        out("sq("), select(node.query), out(")");
        return;
      case "case":
        out("case(");
        node.whens.forEach(([c, r]) => (expr(c), expr(r)));
        expr(node.otherwise);
        out(")");
        return;
      case "star":
        out("*");
        return;
    }
  };

  const label = (node: LabelNode) => {
    out(`as:${node.name}:${node.type?.kind ?? ""}(`), expr(node.expr), out(")");
  };

  const from = (node: FromNode): void => {
    if (node.kind === "join") {
      out(`j${node.type}(`), from(node.left), from(node.right), expr(node.on), out(")");
    } else if (node.kind === "alias") {
      out(`a:${node.name}(`);
      if (node.of.kind === "table") out(sourceKey(node.of));
      else select(node.of);
      out(")");
    } else out(sourceKey(node));
  };

  const select = (node: SelectNode): void => {
    out(`S${node.distinct ? "d" : ""}${node.forUpdate ? "u" : ""}(`);
    node.columns.forEach(label);
    out("|"), node.from.forEach(from);
    out("|"), expr(node.where);
    out("|"), node.groupBy.forEach(expr);
    out("|"), expr(node.having);
    out("|"), node.orderBy.forEach((o) => (out(`${o.direction}${o.nulls ?? ""}`), expr(o.expr)));
    out("|"), expr(node.limit), expr(node.offset), out(")");
  };

  const root = (node: Node): void => {
    switch (node.kind) {
      case "select":
        return select(node);
      case "insert":
        out(`I(${sourceKey(node.table)}:${node.columns.join(",")}|`);
        node.rows.forEach((row) => (out("("), row.forEach(expr), out(")")));
        if (node.select) select(node.select);
        out("|"), node.returning.forEach(label), out(")");
        return;
      case "update":
        out(`U(${sourceKey(node.table)}|`);
        node.set.forEach(([name, value]) => (out(name), expr(value)));
        out("|"), expr(node.where), out("|"), node.returning.forEach(label), out(")");
        return;
      case "delete":
        out(`D(${sourceKey(node.table)}|`), expr(node.where), out("|"), node.returning.forEach(label), out(")");
        return;
      default:
        return expr(node as ExprNode);
    }
  };

  root(statement);
  return { key: parts.join(""), params };
}

function sourceKey(source: { kind: "table" | "alias"; name: string; schema?: string | undefined }): string {
  return source.kind === "table" ? `${source.schema ?? ""}.${source.name}` : `@${source.name}`;
}
