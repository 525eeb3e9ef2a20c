import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ZERO_SOP } from "../../src/bcu/estimation/rack-sop.ts";
import type { Sop } from "../../src/bcu/estimation/types.ts";
import { createLimitsState, defaultLimitsConfig, stepLimits } from "../../src/bcu/limits.ts";

const config = defaultLimitsConfig(280, 768);
const sop: Sop = {
  ...ZERO_SOP,
  chargeCurrentContinuous_A: 280,
  dischargeCurrentContinuous_A: 280,
  chargeCurrent10s_A: 560,
  dischargeCurrent10s_A: 560,
  chargeCurrent60s_A: 280,
  dischargeCurrent60s_A: 280,
  chargePowerContinuous_W: 215_000,
  dischargePowerContinuous_W: 215_000,
  maxChargeVoltage_V: 864,
  minDischargeVoltage_V: 672,
};
const ok = { derateFactor: 1, forceZero: false, measurementsUsable: true };

describe("stepLimits", () => {
  it("ramps up from 0 after start, at the up rate", () => {
    const state = createLimitsState(0);
    const l = stepLimits(state, sop, ok, config, 1000);
    assert.equal(l.dischargeCurrentMax_A, 28);
    assert.equal(l.chargePowerMax_W, 0.1 * 280 * 768);
    assert.equal(l.maxChargeVoltage_V, 864);
    assert.equal(l.stopRequested, false);
  });

  it("never steps down on a derate: it ramps at the down rate", () => {
    const state = createLimitsState(0);
    stepLimits(state, sop, ok, config, 20_000);
    const l = stepLimits(state, sop, { ...ok, derateFactor: 0.5 }, config, 20_100);
    assert.equal(l.dischargeCurrentMax_A, 280 - 28);
    const later = stepLimits(state, sop, { ...ok, derateFactor: 0.5 }, config, 21_000);
    assert.equal(later.dischargeCurrentMax_A, 140);
  });

  it("goes to 0 at once on a fault, and ramps up again after it", () => {
    const state = createLimitsState(0);
    stepLimits(state, sop, ok, config, 20_000);
    const fault = stepLimits(state, sop, { ...ok, forceZero: true }, config, 20_100);
    assert.equal(fault.dischargeCurrentMax_A, 0);
    assert.equal(fault.chargeCurrent10s_A, 0);
    assert.equal(fault.stopRequested, true);
    const after = stepLimits(state, sop, ok, config, 21_100);
    assert.equal(after.dischargeCurrentMax_A, 28);
  });

  it("goes to 0 at once when the measurements are not usable: never a guess", () => {
    const state = createLimitsState(0);
    stepLimits(state, sop, ok, config, 20_000);
    const l = stepLimits(state, sop, { ...ok, measurementsUsable: false }, config, 20_100);
    assert.equal(l.chargeCurrentMax_A, 0);
    assert.equal(l.dischargePowerMax_W, 0);
    assert.equal(l.stopRequested, true);
  });

  it("treats a non-finite derate factor as 0", () => {
    const state = createLimitsState(0);
    stepLimits(state, sop, ok, config, 20_000);
    const l = stepLimits(state, sop, { ...ok, derateFactor: NaN }, config, 30_000);
    assert.equal(l.dischargeCurrentMax_A, 0);
  });
});
