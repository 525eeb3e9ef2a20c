import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createResistanceEstimator,
  resistanceTemperatureFactor,
  updateResistance,
} from "../../../src/bcu/estimation/resistance-estimator.ts";

const settings = { step_A: 28, window_ms: 2000, filterGain: 0.5, rated_mOhm: 0.35, socMin: 0.2, socMax: 0.9 };
const ones = Float64Array.from([1, 1]);
const mid = Float64Array.from([0.5, 0.5]);

describe("resistance estimator", () => {
  it("takes −ΔV/ΔI at a current step, per cell", () => {
    const e = createResistanceEstimator(2, Float64Array.from([0.35, 0.35]));
    updateResistance(e, Float64Array.from([3300, 3300]), 0, 0, ones, mid, settings);
    // +100 A discharge: cell 0 drops 50 mV (0.5 mΩ), cell 1 drops 35 mV (0.35 mΩ).
    assert.equal(updateResistance(e, Float64Array.from([3250, 3265]), 100, 1000, ones, mid, settings), 2);
    assert.ok(Math.abs(e.resistance25_mOhm[0] - 0.425) < 1e-9);
    assert.ok(Math.abs(e.resistance25_mOhm[1] - 0.35) < 1e-9);
  });

  it("does not move without a step, nor on a step spread over more than the window", () => {
    const e = createResistanceEstimator(1, Float64Array.from([0.35]));
    updateResistance(e, Float64Array.from([3300]), 0, 0, ones, mid, settings);
    assert.equal(updateResistance(e, Float64Array.from([3299]), 10, 1000, ones, mid, settings), 0);
    assert.equal(updateResistance(e, Float64Array.from([3280]), 40, 3100, ones, mid, settings), 0);
    assert.equal(e.resistance25_mOhm[0], 0.35);
  });

  it("normalises to 25 °C: a cold cell's higher resistance is not aging", () => {
    const cold = resistanceTemperatureFactor(5, 3500);
    assert.ok(cold > 2 && cold < 2.5);
    const e = createResistanceEstimator(1, Float64Array.from([0.35]));
    const f = Float64Array.from([cold]);
    updateResistance(e, Float64Array.from([3300]), 0, 0, f, mid, settings);
    updateResistance(e, Float64Array.from([3300 - 100 * 0.35 * cold]), 100, 500, f, mid, settings);
    assert.ok(Math.abs(e.resistance25_mOhm[0] - 0.35) < 1e-9);
  });

  it("samples a cell only while its SOC is in the window: the ends' higher resistance is not aging", () => {
    const e = createResistanceEstimator(2, Float64Array.from([0.35, 0.35]));
    const soc = Float64Array.from([0.5, 0.05]);
    updateResistance(e, Float64Array.from([3300, 3100]), 0, 0, ones, soc, settings);
    // Both cells drop 70 mV at +100 A (0.7 mΩ): only the mid-SOC one takes the sample.
    assert.equal(updateResistance(e, Float64Array.from([3230, 3030]), 100, 1000, ones, soc, settings), 1);
    assert.ok(Math.abs(e.resistance25_mOhm[0] - 0.525) < 1e-9);
    assert.equal(e.resistance25_mOhm[1], 0.35);
    assert.equal(e.samples[1], 0);
  });
});
