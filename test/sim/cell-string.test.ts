import { test } from "node:test";
import assert from "node:assert/strict";
import { CellString, type CellStringSpec } from "../../src/sim/cell-string.ts";
import { Prng } from "../../src/util/prng.ts";

const SPEC: CellStringSpec = {
  moduleCount: 3,
  cellsPerModule: 16,
  nominalCapacity_Ah: 280,
  capacityFactor: 1,
  initialSoc: 0.5,
  spread: { capacity: 0.01, resistance: 0.05, initialSoc: 0.01, selfDischarge: 0.5 },
};
const TEMPERATURES = new Float64Array([25, 25, 25]);
const HALF_C_A = 140;

function minMax(values: Float64Array): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { min, max };
}

/** Runs at `current_A` until the stop condition; returns the Ah that flowed (sign of the current). */
function runUntil(cells: CellString, current_A: number, stop: () => boolean): number {
  const dt_s = 1;
  let ah = 0;
  for (let s = 0; s < 4 * 3600 && !stop(); s++) {
    cells.step(dt_s, current_A, TEMPERATURES);
    ah += (current_A * dt_s) / 3600;
  }
  return ah;
}

test("discharge at 0.5 C hits 2.5 V after the Ah the weakest cell held, within 3 % of capacity", () => {
  const cells = new CellString(SPEC, new Prng(7));
  cells.settle(TEMPERATURES);
  let expected = Infinity;
  for (let i = 0; i < cells.count; i++) expected = Math.min(expected, cells.soc[i] * cells.capacity_Ah[i]);
  const ah = runUntil(cells, HALF_C_A, () => minMax(cells.terminal_V).min <= 2.5);
  assert.ok(Math.abs(ah - expected) < 0.03 * 280, `delivered ${ah} Ah, weakest held ${expected} Ah`);
  assert.ok(ah < expected, "the cut-off comes before the first cell is truly empty");
});

test("charge at 0.5 C hits 3.65 V after the Ah the fullest cell could take, within 3 % of capacity", () => {
  const cells = new CellString(SPEC, new Prng(8));
  cells.settle(TEMPERATURES);
  let expected = Infinity;
  for (let i = 0; i < cells.count; i++) expected = Math.min(expected, (1 - cells.soc[i]) * cells.capacity_Ah[i]);
  const ah = -runUntil(cells, -HALF_C_A, () => minMax(cells.terminal_V).max >= 3.65);
  assert.ok(Math.abs(ah - expected) < 0.03 * 280, `took ${ah} Ah, fullest could take ${expected} Ah`);
});

test("charge is conserved: Ah through the string equals SOC change × capacity of every cell", () => {
  const cells = new CellString({ ...SPEC, spread: { ...SPEC.spread, selfDischarge: 0 } }, new Prng(9));
  cells.selfDischarge_A.fill(0);
  cells.settle(TEMPERATURES);
  const before = Float64Array.from(cells.soc);
  let ah = 0;
  const profile = [100, -50, 0, 140, -140, 20];
  for (let s = 0; s < 3600; s++) {
    const current = profile[Math.floor(s / 600)];
    cells.step(1, current, TEMPERATURES);
    ah += current / 3600;
  }
  for (let i = 0; i < cells.count; i++) {
    const counted = (before[i] - cells.soc[i]) * cells.capacity_Ah[i];
    assert.ok(Math.abs(counted - ah) < 1e-9, `cell ${i}: ${counted} vs ${ah}`);
  }
});

test("a bleeding cell loses about V/33 Ω more than its neighbours", () => {
  const cells = new CellString(
    { ...SPEC, spread: { capacity: 0, resistance: 0, initialSoc: 0, selfDischarge: 0 } },
    new Prng(1),
  );
  cells.settle(TEMPERATURES);
  cells.bleedConductance_S[5] = 1 / 33;
  for (let s = 0; s < 3600; s++) cells.step(1, 0, TEMPERATURES);
  const lost_Ah = (cells.soc[4] - cells.soc[5]) * cells.capacity_Ah[5];
  assert.ok(Math.abs(lost_Ah - 3.29 / 33) < 0.005, `${lost_Ah} Ah in one hour`);
  assert.ok(cells.bleedHeat_W[5] > 0.3 && cells.bleedHeat_W[5] < 0.35);
});

test("hysteresis moves to the charge branch while charging and back while discharging", () => {
  const cells = new CellString(SPEC, new Prng(2));
  cells.settle(TEMPERATURES);
  assert.equal(cells.hysteresis[0], -1);
  for (let s = 0; s < 600; s++) cells.step(1, -140, TEMPERATURES); // 23 Ah, 8 % of capacity
  assert.ok(cells.hysteresis[0] > 0.8, `after charging h = ${cells.hysteresis[0]}`);
  for (let s = 0; s < 600; s++) cells.step(1, 140, TEMPERATURES);
  assert.ok(cells.hysteresis[0] < -0.8, `after discharging h = ${cells.hysteresis[0]}`);
});

test("a cold cell has a higher resistance and a larger voltage drop", () => {
  const cells = new CellString(
    { ...SPEC, spread: { capacity: 0, resistance: 0, initialSoc: 0, selfDischarge: 0 } },
    new Prng(1),
  );
  const temperatures = new Float64Array([25, 5, 25]);
  cells.settle(temperatures);
  const warm = cells.r0_ohm[0];
  const cold = cells.r0_ohm[16];
  assert.ok(cold > 1.8 * warm && cold < 2.2 * warm, `R0 ${warm} → ${cold}`);
  cells.step(1, 140, temperatures);
  assert.ok(cells.terminal_V[16] < cells.terminal_V[0]);
});

test("the spread is reproducible for a seed and differs between seeds", () => {
  const a = new CellString(SPEC, new Prng(42));
  const b = new CellString(SPEC, new Prng(42));
  const c = new CellString(SPEC, new Prng(43));
  assert.deepEqual(a.capacity_Ah, b.capacity_Ah);
  assert.notDeepEqual(a.capacity_Ah, c.capacity_Ah);
  const { min, max } = minMax(a.capacity_Ah);
  assert.ok(min < 280 && max > 280 && max - min < 0.1 * 280);
});
