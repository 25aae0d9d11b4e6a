/**
 * `flagModified(obj, "attr")`: the attribute is written by the next flush whatever it holds, as
 * SQLAlchemy's `attributes.flag_modified`. For a change no comparison can see (a value changed
 * in place through a reference kept from before it was read, a custom type).
 */
import { InvalidRequestError } from "../../core/errors.js";
import { ExpiredAttributeError, UnmappedClassError } from "../errors.js";
import { mapperOfObject } from "../mapped.js";
import { stateOf } from "./instance-state.js";
import { assertChangeable } from "./writable.js";
import { FLAGGED, sameValue } from "./mutable-values.js";

/**
 * Marks an attribute changed when it was modified in place (a JSON object's field), which the session cannot see.
 *
 * ```ts
 * @model("flagged_invoices")
 * class Invoice extends Base {
 *   @column(integer().primaryKey()) accessor id!: number;
 *   @column(json<{ paid: boolean }>().notNull()) accessor meta!: { paid: boolean };
 * }
 *
 * const invoice = await session.get(Invoice, 1);
 * invoice!.meta.paid = true;      // a change inside a json() column's object
 * flagModified(invoice!, "meta"); // written by the next flush
 * await session.commit();
 * ```
 */
export function flagModified(obj: object, key: string): void {
  const mapper = mapperOfObject(obj);
  if (mapper === undefined) {
    throw new UnmappedClassError(`flagModified: ${String(obj?.constructor?.name ?? obj)} is not a mapped class.`);
  }
  if (!mapper.columns.has(key)) {
    const what = mapper.relationships.has(key) ? `a relationship: change its value or list instead` : `not a mapped attribute`;
    throw new InvalidRequestError(`flagModified: ${mapper.name}.${key} is ${what}; flagModified marks column attributes.`);
  }
  const state = stateOf(obj);
  if (state !== undefined) assertChangeable(state, key);
  // Without a row, the object's INSERT writes every attribute anyway.
  if (state === undefined || state.key === undefined) return;
  if (state.expired?.has(key)) {
    throw new ExpiredAttributeError(`flagModified: ${mapper.name}.${key} is expired, so there is no value to write; load it first (\`await session.refresh(obj)\`).`);
  }
  const committed = state.committed;
  if (committed === undefined || !(key in committed)) state.recordChange(key, FLAGGED);
  // Assigned since the last flush: written anyway, unless the value assigned equals the old one.
  else if (sameValue(committed[key], state.dict[key])) committed[key] = FLAGGED;
}
