/**
 * The rows an upsert may update, as filters: those holding, in the primary key or in any other
 * unique key the model declares, the values one of its rows proposes. A conflict on another key
 * than the primary key (`onConflictDoUpdate({ target: [c.email] })`, or any key on MariaDB)
 * updates a row the session may hold under a key the statement never names; looking for the
 * session's objects by the proposed primary keys only missed it.
 * A unique key whose values are not all given as plain values (an SQL expression, an INSERT ...
 * SELECT, a column left to its default) cannot be matched so: the rows of every object of the
 * model the session holds are candidates then. A primary key left out is generated, and names
 * no existing row. A unique index the model does not declare is not known (as in upsert-sync.ts).
 */
import type { InsertNode } from "../../core/ast/nodes.js";
import type { Expression } from "../../core/expression/expression.js";
import { or } from "../../core/expression/operators.js";
import { identityKey } from "../identity/identity-map.js";
import type { ObjectsByKey } from "../identity/objects-by-key.js";
import { chunks, keyFilter } from "../loading/keys.js";
import type { Mapper } from "../mapping/mapper.js";
import { stateOf } from "../state/instance-state.js";
import { uniqueKeys } from "../unit-of-work/unique-order.js";

type Dict = Record<string, unknown>;

/** A key's values in the rows proposed: the rows giving each as a plain value, and whether all did. */
interface Proposed {
  readonly dicts: Dict[];
  readonly complete: boolean;
}

/**
 * Filters (each one statement's) of the rows `node` may update, or undefined when only its
 * primary keys can conflict (the table declares no other unique key): the objects of the
 * proposed keys are then found in `held` directly (`heldOfProposedKeys`).
 */
export function rowsItMayUpdate(mapper: Mapper, node: InsertNode, held: ObjectsByKey): Expression<boolean>[] | undefined {
  if (otherUniqueKeys(mapper).length === 0) return undefined;
  return rowsOfProposedValues(mapper, node) ?? chunks(heldDicts(held)).map((some) => keyFilter(mapper.primaryKey, mapper.keyAttributes, some));
}

/**
 * Filters (each one statement's) of the rows holding a value `node` proposes for the primary key
 * or another unique key; undefined when a key's values are not all plain values.
 */
export function rowsOfProposedValues(mapper: Mapper, node: InsertNode): Expression<boolean>[] | undefined {
  const perKey: Expression<boolean>[][] = [];
  for (const attrs of [mapper.keyAttributes, ...otherUniqueKeys(mapper)]) {
    const { dicts, complete } = proposedValues(mapper, node, attrs);
    if (!complete) return undefined;
    const columns = attrs.map((attr) => mapper.columns.get(attr)!);
    perKey.push(chunks(dicts).map((some) => keyFilter(columns, attrs, some)));
  }
  const filters = perKey.flat();
  // One statement when each key's values fit in one; else a statement per slice.
  return filters.length > 1 && perKey.every((some) => some.length <= 1) ? [or(...filters)] : filters;
}

function otherUniqueKeys(mapper: Mapper): string[][] {
  return uniqueKeys(mapper).filter((attrs) => !sameKey(attrs, mapper.keyAttributes) && attrs.every((attr) => mapper.columns.get(attr)!.table === mapper.table)) as string[][];
}

/** The objects `held` has of the primary keys the rows propose (those given as plain values). */
export function heldOfProposedKeys(mapper: Mapper, node: InsertNode, held: ObjectsByKey): object[] {
  const attrs = mapper.keyAttributes;
  const found = new Set<object>();
  for (const dict of proposedValues(mapper, node, attrs).dicts) {
    const obj = held.get(identityKey(attrs.map((attr) => dict[attr])));
    if (obj !== undefined) found.add(obj);
  }
  return [...found];
}

/** Each row's values of `attrs` as a dict; a primary key left out is generated (no row, complete). */
function proposedValues(mapper: Mapper, node: InsertNode, attrs: readonly string[]): Proposed {
  const positions = attrs.map((attr) => node.columns.indexOf(mapper.columns.get(attr)!.name));
  if (node.select !== undefined) return { dicts: [], complete: false };
  if (positions.some((i) => i < 0)) return { dicts: [], complete: sameKey(attrs, mapper.keyAttributes) };
  const dicts: Dict[] = [];
  let complete = true;
  for (const row of node.rows) {
    const values = positions.map((i) => row[i]!);
    if (values.some((value) => value.kind !== "param")) complete = false;
    else dicts.push(Object.fromEntries(attrs.map((attr, i) => [attr, (values[i] as { value: unknown }).value])));
  }
  return { dicts, complete };
}

function heldDicts(held: ObjectsByKey): Dict[] {
  const dicts: Dict[] = [];
  held.forEach((obj) => dicts.push(stateOf(obj)!.dict));
  return dicts;
}

function sameKey(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((attr) => b.includes(attr));
}
