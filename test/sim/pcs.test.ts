import { test } from "node:test";
import assert from "node:assert/strict";
import { Pcs, type PcsSpec } from "../../src/sim/pcs.ts";
import { createPowerProfile } from "../../src/sim/power-profile.ts";

const SPEC: PcsSpec = {
  cellsInSeries: 240,
  rampRate_A_per_s: 50,
  chargeStopCellVoltage_V: 3.55,
  dischargeStopCellVoltage_V: 2.9,
};
const LINK_V = 790;

function settle(pcs: Pcs, link_V = LINK_V, nowMs = 0): number {
  let current = 0;
  for (let i = 0; i < 100; i++) current = pcs.update(0.1, nowMs, true, link_V);
  return current;
}

test("follows the power setpoint at the link voltage after ramping at its rate", () => {
  const pcs = new Pcs(SPEC, () => 0);
  pcs.setManualPower_W(79_000);
  assert.ok(Math.abs(pcs.update(0.1, 0, true, LINK_V) - 5) < 1e-9, "ramps 50 A/s");
  assert.ok(Math.abs(settle(pcs) - 100) < 1e-9);
});

test("never exceeds the BCU limits: current, power and stop, at once", () => {
  const pcs = new Pcs(SPEC, () => 0);
  pcs.setManualPower_W(150_000);
  settle(pcs);
  pcs.setLimits({
    chargeCurrentMax_A: 140,
    dischargeCurrentMax_A: 60,
    chargePowerMax_W: 1e6,
    dischargePowerMax_W: 1e6,
    stop: false,
  });
  assert.equal(pcs.update(0.1, 0, true, LINK_V), 60, "drops to the limit in one step");
  pcs.setLimits({
    chargeCurrentMax_A: 140,
    dischargeCurrentMax_A: 500,
    chargePowerMax_W: 1e6,
    dischargePowerMax_W: 30_000,
    stop: false,
  });
  assert.ok(Math.abs(settle(pcs) - 30_000 / LINK_V) < 1e-9);
  pcs.setManualPower_W(-200_000);
  assert.equal(settle(pcs), -140);
  pcs.setLimits({
    chargeCurrentMax_A: 140,
    dischargeCurrentMax_A: 500,
    chargePowerMax_W: 1e6,
    dischargePowerMax_W: 1e6,
    stop: true,
  });
  assert.equal(pcs.update(0.1, 0, true, LINK_V), 0);
});

test("without limits it keeps its own DC window and latches until the setpoint changes direction", () => {
  const pcs = new Pcs(SPEC, () => 0);
  pcs.setManualPower_W(-100_000);
  assert.ok(settle(pcs, 3.5 * 240) < 0);
  assert.equal(settle(pcs, 3.56 * 240), 0, "stops charging above 3.55 V per cell");
  assert.equal(settle(pcs, 3.4 * 240), 0, "stays stopped when the voltage relaxes");
  pcs.setManualPower_W(100_000);
  assert.ok(settle(pcs, 3.4 * 240) > 0, "discharging is allowed");
  assert.equal(settle(pcs, 2.89 * 240), 0, "stops discharging below 2.9 V per cell");
  pcs.setManualPower_W(-100_000);
  assert.ok(settle(pcs, 3.0 * 240) < 0, "charging resumes");
});

test("no current without contactors or with a dead link", () => {
  const pcs = new Pcs(SPEC, () => 100_000);
  assert.equal(pcs.update(0.1, 0, false, LINK_V), 0);
  assert.equal(pcs.update(0.1, 0, true, 0), 0);
});

test("the C&I day charges at night, discharges at the peaks and rests in between", () => {
  const profile = createPowerProfile("ci-day", 1, 215_040);
  const at = (hour: number) => profile(Date.UTC(2024, 0, 1) + hour * 3_600_000);
  assert.equal(at(1), -0.5 * 215_040);
  assert.equal(at(6.5), 0);
  assert.equal(at(8), 0.2 * 215_040);
  assert.equal(at(12), 0);
  assert.equal(at(18), 0.2 * 215_040);
  assert.equal(at(22), 0);
});
