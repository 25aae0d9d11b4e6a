/**
 * The loader criteria of the query that loaded an object (`select(...).options(withLoaderCriteria(...))`),
 * kept with it: its lazy loads later, and the select-in loads of that query, obey them too, as
 * SQLAlchemy's do. A session's own criteria apply to every load anyway and are not kept here.
 */
import type { Hydrator } from "./hydrate.js";
import type { LoaderCriteria } from "./criteria.js";

const marks = new WeakMap<object, readonly LoaderCriteria[]>();
/** Whether any object was ever marked: until then, grouping parents costs nothing. */
let marking = false;

/** `hydrate`, each object it reads marked with `criteria`. */
export function markingHydrator(hydrate: Hydrator, criteria: readonly LoaderCriteria[]): Hydrator {
  marking = true;
  return (row) => {
    const obj = hydrate(row);
    if (obj !== null) marks.set(obj, criteria);
    return obj;
  };
}

/**
 * `objects` grouped by the criteria of the query that loaded each; undefined when none was loaded
 * by a query with criteria (one group, the common case).
 */
export function byQueryCriteria(objects: readonly object[]): Map<readonly LoaderCriteria[] | undefined, object[]> | undefined {
  if (!marking || !objects.some((obj) => marks.has(obj))) return undefined;
  const groups = new Map<readonly LoaderCriteria[] | undefined, object[]>();
  for (const obj of objects) {
    const mark = marks.get(obj);
    const group = groups.get(mark);
    if (group === undefined) groups.set(mark, [obj]);
    else group.push(obj);
  }
  return groups;
}
