import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  createCurrentIntegrator,
  integrateCurrent,
  netRemoved_Ah,
} from "../../../src/bcu/estimation/coulomb-counter.ts";

describe("integrateCurrent", () => {
  it("integrates over the measurement timestamps, not over how often it is called", () => {
    const integ = createCurrentIntegrator();
    assert.equal(integrateCurrent(integ, 100, 0), false, "first sample opens the interval");
    // One sample 36 s later: 100 A × 0.01 h = 1 Ah, whatever the cycle period was.
    assert.equal(integrateCurrent(integ, 100, 36_000), true);
    assert.equal(integ.intervalDischarge_Ah, 1);
    assert.equal(integ.intervalCharge_Ah, 0);
    assert.equal(integ.intervalMs, 36_000);
  });

  it("skips a sample it has already seen or an older one", () => {
    const integ = createCurrentIntegrator();
    integrateCurrent(integ, 50, 1000);
    integrateCurrent(integ, 50, 2000);
    assert.equal(integrateCurrent(integ, 50, 2000), false);
    assert.equal(integrateCurrent(integ, 50, 1500), false);
    assert.equal(integ.lastTimeMs, 2000);
  });

  it("uses the trapezoid between samples", () => {
    const integ = createCurrentIntegrator();
    integrateCurrent(integ, 0, 0);
    integrateCurrent(integ, 200, 3_600_000);
    assert.equal(integ.intervalDischarge_Ah, 100);
  });

  it("applies coulombic efficiency to charge only, splitting an interval at the zero crossing", () => {
    const integ = createCurrentIntegrator();
    integrateCurrent(integ, -100, 0);
    integrateCurrent(integ, -100, 3_600_000);
    assert.equal(integ.intervalCharge_Ah, 100);
    assert.equal(netRemoved_Ah(integ, 0.99), -99);

    // From +100 A to −100 A in one hour: 25 Ah out, then 25 Ah in.
    integrateCurrent(integ, 100, 7_200_000);
    integrateCurrent(integ, -100, 10_800_000);
    assert.ok(Math.abs(integ.intervalDischarge_Ah - 25) < 1e-9);
    assert.ok(Math.abs(integ.intervalCharge_Ah - 25) < 1e-9);
    assert.ok(Math.abs(netRemoved_Ah(integ, 0.98) - (25 - 24.5)) < 1e-9);
  });
});
