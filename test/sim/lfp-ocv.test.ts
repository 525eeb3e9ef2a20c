import { test } from "node:test";
import assert from "node:assert/strict";
import { LFP_OCV_TABLE, lfpOcv_V, lfpEnergyToSoc_Wh_per_Ah } from "../../src/sim/lfp-ocv.ts";

test("both branches rise strictly with SOC", () => {
  for (const branch of [LFP_OCV_TABLE.discharge_V, LFP_OCV_TABLE.charge_V]) {
    for (let i = 1; i < branch.length; i++) assert.ok(branch[i] > branch[i - 1], `breakpoint ${i}`);
  }
  let previous = -Infinity;
  for (let soc = 0; soc <= 1.0001; soc += 0.001) {
    const v = lfpOcv_V(soc, 0, 25);
    assert.ok(v >= previous, `monotonic at ${soc}`);
    previous = v;
  }
});

test("the plateau is flat and the ends are steep", () => {
  const plateau = lfpOcv_V(0.6, -1, 25) - lfpOcv_V(0.3, -1, 25);
  assert.ok(plateau > 0 && plateau < 0.03, `30..60 % spans ${plateau * 1000} mV`);
  const lowKnee = lfpOcv_V(0.1, -1, 25) - lfpOcv_V(0, -1, 25);
  assert.ok(lowKnee > 0.5, `0..10 % spans ${lowKnee * 1000} mV`);
  assert.ok(Math.abs(lfpOcv_V(0.5, -1, 25) - 3.285) < 0.01);
  assert.equal(lfpOcv_V(0, -1, 25), 2.5);
});

test("charge branch lies above discharge branch by 5..25 mV on the plateau", () => {
  for (let soc = 0.2; soc <= 0.9; soc += 0.05) {
    const gap = lfpOcv_V(soc, 1, 25) - lfpOcv_V(soc, -1, 25);
    assert.ok(gap >= 0.005 && gap <= 0.025, `gap at ${soc}: ${gap * 1000} mV`);
    const mid = lfpOcv_V(soc, 0, 25);
    assert.ok(mid > lfpOcv_V(soc, -1, 25) && mid < lfpOcv_V(soc, 1, 25));
  }
});

test("outside 0..1 the voltage runs away", () => {
  assert.ok(lfpOcv_V(1.02, 1, 25) > lfpOcv_V(1, 1, 25) + 0.1);
  assert.ok(lfpOcv_V(-0.02, -1, 25) < 2.5 - 0.2);
});

test("temperature shifts the OCV by a fraction of a mV per kelvin", () => {
  const shift = lfpOcv_V(0.5, -1, 45) - lfpOcv_V(0.5, -1, 25);
  assert.ok(Math.abs(shift) > 0 && Math.abs(shift) < 0.02 * 0.3 * 20);
});

test("the energy integral of a full 1 Ah cell is near 3.2 Wh", () => {
  const full = lfpEnergyToSoc_Wh_per_Ah(1);
  assert.ok(full > 3.15 && full < 3.3, `${full} Wh/Ah`);
  assert.equal(lfpEnergyToSoc_Wh_per_Ah(0), 0);
});
