import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createRestDetector, updateRest } from "../../../src/bcu/estimation/rest-detector.ts";

describe("updateRest", () => {
  it("counts rest from the first sample below the threshold, in measurement time", () => {
    const d = createRestDetector();
    assert.equal(updateRest(d, 50, 0, 3), 0);
    assert.equal(updateRest(d, 2, 1000, 3), 0);
    assert.equal(updateRest(d, -2.5, 61_000, 3), 60_000);
  });

  it("starts over when the current rises again, in either direction", () => {
    const d = createRestDetector();
    updateRest(d, 0, 0, 3);
    assert.equal(updateRest(d, 0, 10_000, 3), 10_000);
    assert.equal(updateRest(d, -3, 11_000, 3), 0);
    assert.equal(updateRest(d, 0.5, 12_000, 3), 0);
    assert.equal(updateRest(d, 0.5, 20_000, 3), 8_000);
  });
});
