/**
 * The accessor of a column property (`@columnProperty`): read as a column (expired or not loaded,
 * it raises), never assigned. Its value is computed by the database when the object is loaded.
 */
import { ExpiredAttributeError, ReadOnlyAttributeError } from "../errors.js";
import type { Mapper } from "../mapping/mapper.js";
import { columnImpl, type AttributeImpl } from "./attributes.js";
import { stateOf } from "./instance-state.js";
import { isUnloaded } from "./unloaded.js";

/** @internal A column property's implementation: `columnImpl`'s reads, assignments refused. */
export function columnPropertyImpl(mapper: Mapper, key: string): AttributeImpl {
  const read = columnImpl(mapper, key).get;
  return {
    get(obj) {
      const state = stateOf(obj);
      // Expired by a write of its row too: the message says so (a deferred one says it is not loaded).
      if (state?.expired?.has(key) && !isUnloaded(state, key)) {
        throw new ExpiredAttributeError(
          `${mapper.name}.${key} was expired (a column property expires when its row is written or inserted, and by commit, rollback or expire()) and must be reloaded: ` +
            `\`await session.refresh(obj)\` or \`await session.load(obj, "${key}")\`, or a query that selects the object.`,
        );
      }
      return read(obj);
    },
    set(obj, value) {
      // The accessor's initializer (undefined), or a value read back and assigned again: nothing changes.
      if (value === undefined || (stateOf(obj)?.dict[key] === value && value !== null)) return;
      throw new ReadOnlyAttributeError(
        `${mapper.name}.${key} is a column property (@columnProperty): the database computes it from SQL when the object is loaded, so it cannot be assigned. ` +
          `Change the columns it is computed from; the flush expires it, and the next query (or session.refresh(obj)) reads the new value. Nothing was changed.`,
        mapper.name,
        key,
      );
    },
  };
}
