import { test } from "node:test";
import assert from "node:assert/strict";
import { ModuleThermalModel } from "../../src/sim/thermal-model.ts";
import { Prng } from "../../src/util/prng.ts";

const SPEC = {
  moduleCount: 2,
  sensorsPerModule: 8,
  ambient_degC: 20,
  heatCapacity_J_per_K: 100_000,
  thermalResistance_K_per_W: 0.04,
};

test("steady state is ambient + P·Rth, reached with the time constant Rth·C", () => {
  const model = new ModuleThermalModel(SPEC, new Prng(1));
  const heat = new Float64Array([250, 0]);
  const tau_s = 0.04 * 100_000;
  for (let t = 0; t < tau_s; t += 10) model.step(10, heat);
  const afterOneTau = model.moduleTemperature_degC[0] - 20;
  assert.ok(Math.abs(afterOneTau - 10 * (1 - Math.exp(-1))) < 0.01, `${afterOneTau} K after τ`);
  for (let t = 0; t < 20 * tau_s; t += 60) model.step(60, heat);
  assert.ok(Math.abs(model.moduleTemperature_degC[0] - (20 + 250 * 0.04)) < 1e-6);
  assert.equal(model.moduleTemperature_degC[1], 20);
});

test("the result does not depend on the step size", () => {
  const fine = new ModuleThermalModel(SPEC, new Prng(1));
  const coarse = new ModuleThermalModel(SPEC, new Prng(1));
  const heat = new Float64Array([300, 100]);
  for (let t = 0; t < 3600; t += 1) fine.step(1, heat);
  for (let t = 0; t < 3600; t += 100) coarse.step(100, heat);
  assert.ok(Math.abs(fine.moduleTemperature_degC[0] - coarse.moduleTemperature_degC[0]) < 1e-9);
});

test("sensors spread around the module temperature and rise with it", () => {
  const model = new ModuleThermalModel(SPEC, new Prng(3));
  const cold = Array.from(model.sensorTemperature_degC.subarray(0, 8));
  for (const t of cold) assert.ok(Math.abs(t - 20) < 1.5);
  model.step(1e6, new Float64Array([250, 0]));
  const hot = Array.from(model.sensorTemperature_degC.subarray(0, 8));
  const mean = hot.reduce((a, b) => a + b, 0) / hot.length;
  assert.ok(Math.abs(mean - 30) < 1.5, `mean sensor ${mean}`);
  assert.ok(Math.max(...hot) - Math.min(...hot) > 0.1, "sensors are not all equal");
});
