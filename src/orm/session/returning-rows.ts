/**
 * The RETURNING rows of an INSERT, UPDATE or DELETE run through the session, as tuples: a value
 * item read from its column, an entity item made an object of the identity map (hydrate.ts), as a
 * query's rows are.
 */
import { ArgumentError } from "../../core/errors.js";
import type { EntityClass, SelectLayout } from "../../core/statements/selectable.js";
import { identityKey } from "../identity/identity-map.js";
import { layoutReaders, type HydrationContext } from "../loading/hydrate.js";
import type { Mapper } from "../mapping/mapper.js";
import { mapperOfClass } from "../mapped.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";

/** What `session.execute()` of an INSERT, UPDATE or DELETE returns: the row count, or with RETURNING its rows as tuples (entities as objects). */
export type DmlResult<Tuple> = [Tuple] extends [never] ? number : Tuple[];

/**
 * Reads `rows` (arrays, the RETURNING columns first) as tuples of `layout`'s items. `statement`
 * names the statement in errors, e.g. `update(Book)`. The states of the objects read are
 * returned too, for the caller to record: all of them (`states`), and those made from the rows
 * (`made`), not held by the session before (an upsert returns the session's object of a row it
 * updated: that object was not inserted, and a rollback must not take it out of the session).
 */
export function returningTuples(
  rows: readonly unknown[][],
  layout: SelectLayout,
  context: HydrationContext,
  statement: string,
): { tuples: unknown[][]; states: InstanceState[]; made: InstanceState[] } {
  const mapperOf = (cls: EntityClass): Mapper => {
    const mapper = mapperOfClass(cls);
    if (!mapper) throw new ArgumentError(`${statement}.returning(${cls.name}): the class is not mapped.`);
    mapper.registry.configure();
    return mapper;
  };
  const readers = layoutReaders(layout, mapperOf, context);
  const keys = layout.flatMap((item) => (item.kind === "entity" ? [keyPositions(mapperOf(item.entity), item.start)] : []));
  const states: InstanceState[] = [];
  const made: InstanceState[] = [];
  const held = new Set<object>();
  const tuples = rows.map((row) => {
    held.clear();
    for (const { mapper, positions } of keys) {
      const obj = context.identity.get(mapper, identityKey(positions.map((i) => row[i])));
      if (obj !== undefined) held.add(obj);
    }
    return readers.map((read) => {
      const value = read(row);
      const state = typeof value === "object" && value !== null ? stateOf(value) : undefined;
      if (state) {
        states.push(state);
        if (!held.has(value as object)) made.push(state);
      }
      return value;
    });
  });
  return { tuples, states, made };
}

/** Where an entity's key columns are in a row whose columns for it start at `start` (as its hydrator reads them). */
function keyPositions(mapper: Mapper, start: number): { mapper: Mapper; positions: number[] } {
  const keys = mapper.defaultLoad.keys;
  return { mapper, positions: mapper.primaryKey.map((column) => start + keys.indexOf(mapper.attributeFor(column)!)) };
}
