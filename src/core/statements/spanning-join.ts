/**
 * `join(source)` of a source whose columns span several tables (`FromSource.joinedFrom`: the ORM's
 * class of joined-table inheritance, its first table joined to the others on its key). Its tables
 * are joined as one unit: first the table that the condition names (or, inferred, the one table a
 * foreign key links to the FROM item), then the first table (the key's) on the key, then the
 * others as the source joins them. For an outer join every table's join is outer, so that the
 * rows without a match keep their row. The source's criterion goes to the first table's ON.
 */
import type { AliasNode, ExprNode, FromNode, JoinType, TableNode } from "../ast/nodes.js";
import { AmbiguousForeignKeysError, ArgumentError, NoForeignKeysError } from "../errors.js";
import type { FromSource } from "../schema/table.js";
import { inferJoinCondition, sourcesOf } from "./join-inference.js";
import { collectSources, sameSource } from "./sources.js";

type Source = TableNode | AliasNode;

interface Link {
  readonly type: JoinType;
  readonly right: Source;
  readonly on: ExprNode;
  readonly optional: boolean;
}

/**
 * Joins `source` (its `joinedFrom`) to one of `from`'s items, of `type`, on `on` or a condition
 * inferred from foreign keys; returns the FROM list with that item replaced by the join.
 */
export function joinSpanning(from: readonly FromNode[], type: JoinType, source: FromSource, on: ExprNode | undefined, name: string): FromNode[] {
  if (type === "right" || type === "full") {
    throw new ArgumentError(`${type}Join(${name}): its columns span several tables (joined-table inheritance), which a ${type} outer join does not support yet. Use join() or leftJoin(), from the other side.`);
  }
  const { root, links } = chainOf(source.joinedFrom!);
  if (from.some((item) => sourcesOf(item).some((s) => sameSource(s, root)))) {
    // One occurrence of the base's table is one row of it: the query's own, which the class's
    // criterion would narrow rather than join another row to.
    throw new ArgumentError(
      `join(${name}): its base table '${root.name}' is read by the query already, and one occurrence of a table is one row of it. ` +
        `To join another row of it (an engineer and their manager), join an alias of the class: aliased(${name}, "...").`,
    );
  }
  const own = [root, ...links.filter((link) => link.type === "inner").map((link) => link.right)];
  const { anchor, index, condition } = on === undefined ? inferred(from, own, name) : given(from, [root, ...links.map((l) => l.right)], on, name);
  const criterion = source.criterion;
  const withCriterion = (condition: ExprNode): ExprNode => (criterion === undefined ? condition : { kind: "and", items: [condition, criterion] });
  let joined: FromNode = { kind: "join", type, left: from[index]!, right: anchor, on: anchor === root ? withCriterion(condition) : condition };
  if (anchor !== root) {
    // The anchor's own link is `anchor.key = root.key`: the root's condition, now that the anchor comes first.
    joined = { kind: "join", type, left: joined, right: root, on: withCriterion(links.find((link) => link.right === anchor)!.on) };
  }
  for (const link of links) {
    if (link.right === anchor) continue;
    joined = link.optional ? { kind: "join", type: "left", left: joined, right: link.right, on: link.on, optional: true } : { kind: "join", type: link.type === "inner" ? type : "left", left: joined, right: link.right, on: link.on };
  }
  const result = [...from];
  result[index] = joined;
  return result;
}

/** A left-deep chain of joins as its first table and the links after it. */
function chainOf(node: FromNode): { root: Source; links: Link[] } {
  const links: Link[] = [];
  let at = node;
  while (at.kind === "join") {
    links.unshift({ type: at.type, right: at.right, on: at.on, optional: at.optional === true });
    at = at.left;
  }
  return { root: at, links };
}

/** The condition given: the one table of the unit it names first; the FROM item it names is joined to. */
function given(from: readonly FromNode[], unit: readonly Source[], on: ExprNode, name: string): { anchor: Source; index: number; condition: ExprNode } {
  const named = collectSources([on]);
  const tables = unit.filter((table) => named.some((s) => sameSource(s, table)));
  if (tables.length > 1) {
    throw new ArgumentError(
      `join(${name}, on): the condition names columns of ${tables.map((t) => `'${t.name}'`).join(" and ")}, several of ${name}'s tables, which are joined one after the other. ` +
        `Name the columns of one of them in the join's condition (its tables share the key), and put the other conditions in where().`,
    );
  }
  let index = from.length - 1;
  for (let i = from.length - 1; i >= 0; i--) {
    if (sourcesOf(from[i]!).some((item) => named.some((s) => sameSource(s, item)))) {
      index = i;
      break;
    }
  }
  return { anchor: tables[0] ?? unit[0]!, index, condition: on };
}

/** No condition given: the one foreign key between a FROM item and one of the tables holding the source's rows. */
function inferred(from: readonly FromNode[], own: readonly Source[], name: string): { anchor: Source; index: number; condition: ExprNode } {
  for (let i = from.length - 1; i >= 0; i--) {
    const found = own.flatMap((table) => {
      const condition = conditionTo(from[i]!, table);
      return condition === undefined ? [] : [{ anchor: table, index: i, condition }];
    });
    if (found.length > 1) {
      throw new AmbiguousForeignKeysError(
        `Can't determine the join to ${name}: foreign keys link ${found.map((f) => `'${f.anchor.name}'`).join(" and ")}, tables of it, to '${sourcesOf(from[i]!).map((s) => s.name).join(", ")}'. ` +
          `Pass the 'on' clause explicitly, e.g. .join(${name}, <condition>).`,
      );
    }
    if (found.length === 1) return found[0]!;
  }
  throw new NoForeignKeysError(
    `Can't find any foreign key relationships between '${from.flatMap(sourcesOf).map((s) => s.name).join(", ")}' and the tables of ${name} (${own.map((t) => `'${t.name}'`).join(", ")}). ` +
      `Declare a foreign key with .references("table.column"), or pass the 'on' clause to join().`,
  );
}

/** The condition a foreign key gives between `left` and `table`; undefined when there is none (an ambiguous one throws). */
function conditionTo(left: FromNode, table: Source): ExprNode | undefined {
  try {
    return inferJoinCondition(left, table);
  } catch (error) {
    if (error instanceof NoForeignKeysError) return undefined;
    throw error;
  }
}
