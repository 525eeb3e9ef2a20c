import { test } from "node:test";
import assert from "node:assert/strict";
import { createBalancingState, stepBalancing, type BalancingOutput } from "../../../src/bcu/balancing/balancing.ts";
import {
  checkBalancingConfig,
  defaultBalancingConfig,
  type BalancingConfig,
} from "../../../src/bcu/balancing/balancing-config.ts";
import { RackFixture, TOPOLOGY } from "../protection/rack-fixture.ts";

class Run {
  readonly fx = new RackFixture();
  readonly state = createBalancingState(TOPOLOGY);
  t = 0;
  out!: BalancingOutput;
  constructor(readonly config: BalancingConfig = defaultBalancingConfig()) {
    this.fx.cells_mV.fill(3400);
  }
  step(): BalancingOutput {
    this.t += 1000;
    const m = this.fx.measure(this.t);
    this.out = stepBalancing(this.state, m, { current_A: m.current_A }, this.config, this.t);
    return this.out;
  }
  masks(): number[] {
    return [...this.out.masks];
  }
}

test("bleeds the cells more than 15 mV above the lowest, until they are within 5 mV (hysteresis)", () => {
  const run = new Run();
  run.fx.cells_mV[1] = 3416; // 16 mV above: bleeds
  run.fx.cells_mV[2] = 3415; // 15 mV: does not
  run.fx.cells_mV[6] = 3440; // module 2, cell 3
  run.step();
  assert.deepEqual(run.masks(), [0b0010, 0b0100]);
  assert.equal(run.out.activeCells, 2);
  assert.match(run.out.events[0].message, /balancing started: 2 cells above the lowest \(3400 mV\)/);
  // Inside the hysteresis band the bleeding cell goes on; the one that never started stays off.
  run.fx.cells_mV[1] = 3406;
  run.step();
  assert.deepEqual(run.masks(), [0b0010, 0b0100]);
  run.fx.cells_mV[1] = 3405;
  run.step();
  assert.deepEqual(run.masks(), [0, 0b0100]);
  run.fx.cells_mV[6] = 3405;
  run.step();
  assert.deepEqual(run.masks(), [0, 0]);
  assert.match(run.out.events[0].message, /balancing done/);
});

test("only at or above the minimum cell voltage (LFP: near full)", () => {
  const run = new Run();
  run.fx.cells_mV.fill(3300);
  run.fx.cells_mV[3] = 3339;
  run.fx.cells_mV[4] = 3340;
  run.step();
  assert.deepEqual(run.masks(), [0, 0b0001]);
});

test("at rest or while charging, never while discharging; rest-only when configured", () => {
  const run = new Run();
  run.fx.cells_mV[0] = 3450;
  run.fx.current_A = 20;
  run.step();
  assert.deepEqual(run.masks(), [0, 0], "discharging");
  run.fx.current_A = -100;
  run.step();
  assert.deepEqual(run.masks(), [1, 0], "charging");
  run.fx.current_A = 4;
  run.step();
  assert.deepEqual(run.masks(), [1, 0], "resting");

  const restOnly = new Run({ ...defaultBalancingConfig(), allowWhile: "rest" });
  restOnly.fx.cells_mV[0] = 3450;
  restOnly.fx.current_A = -100;
  restOnly.step();
  assert.deepEqual(restOnly.masks(), [0, 0]);
  restOnly.fx.current_A = 0;
  restOnly.step();
  assert.deepEqual(restOnly.masks(), [1, 0]);

  const unknown = new Run();
  unknown.fx.cells_mV[0] = 3450;
  unknown.fx.ivtError = true;
  unknown.step();
  assert.deepEqual(unknown.masks(), [0, 0], "current unknown");
});

test("at most N cells per BMU, the highest first", () => {
  const run = new Run({ ...defaultBalancingConfig(), maxCellsPerBmu: 2 });
  run.fx.cells_mV = [3400, 3430, 3450, 3440, 3400, 3400, 3400, 3400];
  run.step();
  assert.deepEqual(run.masks(), [0b1100, 0]);
  assert.equal(run.out.activeCells, 2);
});

test("a module too hot, or without a valid temperature, does not bleed", () => {
  const run = new Run();
  run.fx.cells_mV[0] = 3450;
  run.fx.cells_mV[4] = 3450;
  run.fx.temperatures_degC[1] = 51;
  run.fx.temperatures_degC[2] = null;
  run.fx.temperatures_degC[3] = null;
  run.step();
  assert.deepEqual(run.masks(), [0, 0]);
  run.fx.temperatures_degC[1] = 50;
  run.step();
  assert.deepEqual(run.masks(), [1, 0]);
});

test("a BMU reporting balancing over-temperature is left alone for the hold-off time", () => {
  const config = { ...defaultBalancingConfig(), overTemperatureHoldOff_ms: 10_000 };
  const run = new Run(config);
  run.fx.cells_mV[0] = 3450;
  run.fx.cells_mV[4] = 3450;
  run.step();
  assert.deepEqual(run.masks(), [1, 1]);
  run.fx.balancingOverTemperature[1] = true;
  run.step();
  assert.deepEqual(run.masks(), [1, 0]);
  assert.ok(run.out.events.some((e) => /module 2 \(BMU node 2\) reports balancing over-temperature/.test(e.message)));
  run.fx.balancingOverTemperature[1] = false;
  for (let i = 0; i < 9; i++) {
    run.step();
    assert.deepEqual(run.masks(), [1, 0], `held off at ${i + 1} s`);
  }
  run.step();
  assert.deepEqual(run.masks(), [1, 1], "resumes after the hold-off");
});

test("any invalid cell voltage stops balancing everywhere (the lowest cell is unknown)", () => {
  const run = new Run();
  run.fx.cells_mV[0] = 3450;
  run.step();
  assert.deepEqual(run.masks(), [1, 0]);
  run.fx.cells_mV[7] = null;
  run.step();
  assert.deepEqual(run.masks(), [0, 0]);
  assert.match(run.out.events[0].message, /balancing stopped: not every cell voltage is valid/);
  run.fx.cells_mV[7] = 3400;
  run.fx.silentBmus.add(1);
  run.step();
  assert.deepEqual(run.masks(), [0, 0], "a silent BMU");
});

test("disabled: nothing bleeds; the check rejects a release not below the threshold", () => {
  const run = new Run({ ...defaultBalancingConfig(), enabled: false });
  run.fx.cells_mV[0] = 3500;
  run.step();
  assert.deepEqual(run.masks(), [0, 0]);
  assert.deepEqual(checkBalancingConfig(defaultBalancingConfig()), []);
  const issues = checkBalancingConfig({ ...defaultBalancingConfig(), release_mV: 15 });
  assert.equal(issues[0].path, "release_mV");
});

test("cell 32 of a BMU is bit 31: the mask stays an unsigned 32-bit value", () => {
  const topology = { bmuCount: 1, firstBmuNode: 1, cellsPerBmu: 32, temperatureSensorsPerBmu: 1 };
  const state = createBalancingState(topology);
  const cells = new Float64Array(32).fill(3400);
  cells[31] = 3450;
  const m = {
    timeMs: 0,
    cellVoltage_mV: cells,
    cellVoltageValid: new Uint8Array(32).fill(1),
    validCellCount: 32,
    cellVoltageMin: { value: 3400, index: 0 },
    temperature_degC: new Float64Array([25]),
    temperatureValid: new Uint8Array([1]),
    bmus: [{ stale: false, status: { balancingOverTemperature: false } }],
  } as unknown as Parameters<typeof stepBalancing>[1];
  const out = stepBalancing(state, m, { current_A: 0 }, defaultBalancingConfig(), 0);
  assert.equal(out.masks[0], 0x80000000);
});
