/**
 * Asserts that a list holds exactly these objects, in this order, by identity. `deepEqual` would
 * take any two model objects of a class for equal: their attributes are accessors, not own
 * properties.
 */
import assert from "node:assert/strict";

export function assertSameObjects(actual: readonly object[], expected: readonly object[], message?: string): void {
  assert.equal(actual.length, expected.length, message ?? `${actual.length} objects, expected ${expected.length}`);
  actual.forEach((obj, i) => assert.equal(obj, expected[i], message ?? `not the same object at ${i}`));
}
