import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultConfig, defaultConfigDocument, validateConfig } from "../../src/config/index.ts";

test("the embedded default is one 1P240S rack of 280 Ah LFP cells, about 768 V and 215 kWh", () => {
  const { rack } = defaultConfig();
  const cells = rack.bmuCount * rack.cellsPerBmu;
  assert.equal(rack.bmuCount, 15);
  assert.equal(rack.cellsPerBmu, 16);
  assert.equal(rack.temperatureSensorsPerBmu, 8);
  assert.equal(rack.firstBmuNode, 1);
  assert.equal(cells, 240);
  assert.deepEqual(rack.cell, {
    chemistry: "LFP",
    capacity_Ah: 280,
    nominalVoltage_V: 3.2,
    maxVoltage_V: 3.65,
    minVoltage_V: 2.5,
  });
  assert.equal(Math.round(cells * rack.cell.nominalVoltage_V), 768);
  assert.equal(Math.round((cells * rack.cell.nominalVoltage_V * rack.cell.capacity_Ah) / 1000), 215);
});

test("the embedded default runs the simulator on the virtual bus, with the documented timeouts", () => {
  const config = defaultConfig();
  assert.deepEqual(config.can, { transport: "virtual", bitrate: 500000 });
  assert.equal(config.simulator.enabled, true);
  assert.deepEqual(config.measurements, {
    cellVoltageTimeout_ms: 500,
    temperatureTimeout_ms: 3000,
    bmuStatusTimeout_ms: 3000,
    currentSensorTimeout_ms: 300,
    contactorFeedbackTimeout_ms: 500,
  });
  assert.deepEqual(config.cycle, { period_ms: 100 });
  assert.deepEqual(config.daemon, {
    dataDir: "./data",
    controlSocket: "data/bcu.sock",
    logLevel: "info",
    logFormat: "json",
    contactorsAtStop: "open",
  });
});

test("the embedded default passes its own validation", () => {
  assert.deepEqual(validateConfig(defaultConfigDocument(), "<defaults>"), defaultConfig());
});

test("every call returns a fresh copy", () => {
  const first = defaultConfig() as { rack: { bmuCount: number } };
  first.rack.bmuCount = 3;
  assert.equal(defaultConfig().rack.bmuCount, 15);
});
