/**
 * The identity map's part per mapper: integer keys in an array while it stays dense, every other
 * key in a Map, and every object found under its key whichever holds it.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ObjectsByKey } from "../../src/orm/identity/objects-by-key.js";

const objectsFor = (keys: readonly unknown[]) => new Map(keys.map((key) => [key, { key }]));
const everything = (objects: ObjectsByKey) => {
  const seen: object[] = [];
  objects.forEach((obj) => seen.push(obj));
  return seen;
};
/** The array's length: what must stay bounded by the number of objects. */
const slotsOf = (objects: ObjectsByKey) => (objects as unknown as { slots: unknown[] }).slots.length;

test("consecutive keys: each found under its key, none twice", () => {
  const objects = new ObjectsByKey();
  const made = objectsFor(Array.from({ length: 5000 }, (_, i) => i + 1));
  for (const [key, obj] of made) objects.set(key, obj);
  for (const [key, obj] of made) assert.equal(objects.get(key), obj);
  assert.equal(objects.get(0), undefined);
  assert.equal(objects.get(5001), undefined);
  assert.equal(everything(objects).length, 5000);
  assert.ok(slotsOf(objects) <= 5001);
});

test("a key stored before the array reached it is found, and moves when set again", () => {
  const objects = new ObjectsByKey();
  const high = { key: 3000 };
  objects.set(3000, high); // far past the end: kept aside
  for (let key = 0; key < 4000; key++) if (key !== 3000) objects.set(key, { key });
  assert.equal(objects.get(3000), high, "found although the array now covers it");
  assert.equal(objects.get(2999)?.constructor, Object);
  const replaced = { key: 3000 };
  objects.set(3000, replaced);
  assert.equal(objects.get(3000), replaced);
  assert.equal(everything(objects).length, 4000, "the key is held once");
});

test("sparse keys do not grow the array past twice its objects", () => {
  const objects = new ObjectsByKey();
  for (let i = 0; i < 2000; i++) objects.set(i * 1000, { key: i * 1000 });
  for (let i = 0; i < 2000; i++) assert.deepEqual(objects.get(i * 1000), { key: i * 1000 });
  assert.ok(slotsOf(objects) < 2 * 2000 + 1024, `array of ${slotsOf(objects)} slots`);
  assert.equal(everything(objects).length, 2000);
});

test("other keys: negative, fractional, large, strings; 1 and '1' differ", () => {
  const objects = new ObjectsByKey();
  const keys = [-1, 0.5, 2 ** 40, "1", "a\u0000b", -(2 ** 33)];
  const made = objectsFor(keys);
  for (const [key, obj] of made) objects.set(key, obj);
  objects.set(1, { key: 1 });
  for (const [key, obj] of made) assert.equal(objects.get(key), obj);
  assert.notEqual(objects.get(1), objects.get("1"));
  assert.equal(everything(objects).length, keys.length + 1);
});

test("delete and clear: gone from lookups and from forEach", () => {
  const objects = new ObjectsByKey();
  for (let key = 1; key <= 10; key++) objects.set(key, { key });
  objects.set("x", { key: "x" });
  objects.delete(5);
  objects.delete("x");
  objects.delete(99); // absent: no effect
  assert.equal(objects.get(5), undefined);
  assert.equal(objects.has(5), false);
  assert.equal(objects.get("x"), undefined);
  assert.equal(everything(objects).length, 9);
  objects.set(5, { key: 5 });
  assert.equal(everything(objects).length, 10);
  objects.clear();
  assert.equal(everything(objects).length, 0);
  assert.equal(objects.get(1), undefined);
});

test("a stream's churn (batches of keys in and out again): every object found until deleted, the Map rebuilt along the way", () => {
  const objects = new ObjectsByKey();
  const mapOf = () => (objects as unknown as { others: Map<unknown, object> }).others;
  const kept = { key: "held before" };
  objects.set("held before", kept); // keeps the Map from emptying
  const maps = new Set<Map<unknown, object>>();
  for (let batch = 0; batch < 20; batch++) {
    const keys = Array.from({ length: 1000 }, (_, i) => 10_000 + batch * 1000 + i);
    for (const key of keys) objects.set(key, { key });
    for (const key of keys) assert.deepEqual(objects.get(key), { key });
    keys.forEach((key, i) => {
      objects.delete(key);
      assert.equal(objects.get(key), undefined);
      if (i + 1 < keys.length) assert.deepEqual(objects.get(keys[i + 1]!), { key: keys[i + 1] }, "the next one is still there");
      maps.add(mapOf());
    });
    assert.equal(objects.get("held before"), kept);
    assert.deepEqual(everything(objects), [kept]);
  }
  assert.ok(maps.size > 20, `a fresh Map at least once per batch (${maps.size} Maps)`);
  objects.delete("held before");
  assert.equal(mapOf().size, 0);
  assert.deepEqual(everything(objects), []);
});
