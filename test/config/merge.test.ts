import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeDeep } from "../../src/config/merge.ts";

test("mappings merge key by key; lists and scalars replace", () => {
  const base = { a: { b: 1, c: [1, 2, 3] }, d: "x" };
  const merged = mergeDeep(base, { a: { c: [9] }, e: null });
  assert.deepEqual(merged, { a: { b: 1, c: [9] }, d: "x", e: null });
  assert.deepEqual(base, { a: { b: 1, c: [1, 2, 3] }, d: "x" }, "the base is not modified");
});

test("a key named __proto__ stays a key (and is then reported as unknown)", () => {
  const merged = mergeDeep({ a: 1 }, JSON.parse('{ "__proto__": { "polluted": true } }')) as Record<string, unknown>;
  assert.ok(Object.hasOwn(merged, "__proto__"));
  assert.equal((merged as { polluted?: boolean }).polluted, undefined);
});
