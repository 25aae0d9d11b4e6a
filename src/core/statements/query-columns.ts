/** The columns of a FROM item that reads a query: a subquery (`select(...).subquery()`) or a CTE. */
import type { AliasNode, LabelNode } from "../ast/nodes.js";
import { Labeled } from "../expression/expression.js";
import type { FromSource } from "../schema/table.js";

/** One column per output column of a query (`output`), keyed and named by its label, typed as it is, read through `source`. */
export function queryColumns<Row>(output: readonly LabelNode[], source: AliasNode): Pick<FromSource<Row>, "c" | "columnList"> {
  const columnList = output.map((label) => new Labeled<unknown, string>(label.name, { kind: "column", name: label.name, source }, label.type));
  const c = Object.fromEntries(columnList.map((col) => [col.key, col])) as FromSource<Row>["c"];
  return { columnList, c };
}
