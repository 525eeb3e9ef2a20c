import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  addTrustedPoint,
  createCapacityEstimator,
  shareCapacityEvidence,
} from "../../../src/bcu/estimation/capacity-estimator.ts";

const settings = { rated_Ah: 280, minSwing: 0.6, priorSigma_Ah: 14, driftPerSample_Ah: 0.56, offsetSigma_A: 0.05 };

function estimator() {
  return createCapacityEstimator(2, Float64Array.from([280, 280]), 14);
}

describe("capacity estimator", () => {
  it("does not move without two trusted points far enough apart", () => {
    const e = estimator();
    assert.equal(addTrustedPoint(e, 0, 1, 0.005, 0, 0, settings), "none");
    // 30 points later: too little swing for a sample.
    assert.equal(addTrustedPoint(e, 0, 0.7, 0.01, 77, 3_600_000, settings), "none");
    assert.equal(e.capacity_Ah[0], 280);
    assert.equal(e.samples[0], 0);
  });

  it("takes ΔAh / ΔSOC between two trusted points and converges on an aged cell", () => {
    const e = estimator();
    const trueCapacity = 257.6; // 92 % of 280 Ah
    let counter = 0;
    addTrustedPoint(e, 0, 1, 0.005, counter, 0, settings);
    for (let cycle = 1; cycle <= 5; cycle++) {
      counter += 0.98 * trueCapacity;
      addTrustedPoint(e, 0, 0.02, 0.005, counter, cycle * 10 * 3_600_000, settings);
      counter -= 0.98 * trueCapacity;
      addTrustedPoint(e, 0, 1, 0.005, counter, (cycle * 10 + 5) * 3_600_000, settings);
    }
    assert.ok(Math.abs(e.capacity_Ah[0] - trueCapacity) / trueCapacity < 0.005, `got ${e.capacity_Ah[0]}`);
    assert.equal(e.capacity_Ah[1], 280, "the other cell had no evidence");
    shareCapacityEvidence(e);
    assert.equal(e.capacity_Ah[1], e.capacity_Ah[0], "a cell without samples takes the sampled cells' mean");
  });

  it("rejects a sample far outside what the estimate allows", () => {
    const e = estimator();
    addTrustedPoint(e, 0, 1, 0.005, 0, 0, settings);
    // 140 Ah for a full swing: half the rated capacity, a bad point rather than aging.
    assert.equal(addTrustedPoint(e, 0, 0, 0.005, 140, 3_600_000, settings), "rejected");
    assert.equal(e.capacity_Ah[0], 280);
  });
});
