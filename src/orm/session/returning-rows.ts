/**
 * The RETURNING rows of an INSERT, UPDATE or DELETE run through the session, as tuples: a value
 * item read from its column, an entity item made an object of the identity map (hydrate.ts), as a
 * query's rows are.
 */
import { ArgumentError } from "../../core/errors.js";
import type { SelectLayout } from "../../core/statements/selectable.js";
import { layoutReaders, type HydrationContext } from "../loading/hydrate.js";
import { mapperOfClass } from "../mapped.js";
import { stateOf, type InstanceState } from "../state/instance-state.js";

/** What `session.execute()` of an INSERT, UPDATE or DELETE returns: the row count, or with RETURNING its rows as tuples (entities as objects). */
export type DmlResult<Tuple> = [Tuple] extends [never] ? number : Tuple[];

/**
 * Reads `rows` (arrays, the RETURNING columns first) as tuples of `layout`'s items. `statement`
 * names the statement in errors, e.g. `update(Book)`. The states of the objects read are
 * returned too, for the caller to record.
 */
export function returningTuples(rows: readonly unknown[][], layout: SelectLayout, context: HydrationContext, statement: string): { tuples: unknown[][]; states: InstanceState[] } {
  const readers = layoutReaders(layout, (cls) => {
    const mapper = mapperOfClass(cls);
    if (!mapper) throw new ArgumentError(`${statement}.returning(${cls.name}): the class is not mapped.`);
    mapper.registry.configure();
    return mapper;
  }, context);
  const states: InstanceState[] = [];
  const tuples = rows.map((row) =>
    readers.map((read) => {
      const value = read(row);
      const state = typeof value === "object" && value !== null ? stateOf(value) : undefined;
      if (state) states.push(state);
      return value;
    }),
  );
  return { tuples, states };
}
