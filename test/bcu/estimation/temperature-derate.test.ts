import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultEstimationConfig } from "../../../src/bcu/estimation/config.ts";
import {
  rackTemperatureLimit_C,
  socDerateFactor,
  temperatureLimit_C,
} from "../../../src/bcu/estimation/temperature-derate.ts";

const table = defaultEstimationConfig.temperatureDerate;

describe("datasheet temperature table", () => {
  it("allows no charge at or below 0 °C but still some discharge", () => {
    assert.equal(temperatureLimit_C(table, -5, "charge"), 0);
    assert.equal(temperatureLimit_C(table, 0, "charge"), 0);
    assert.ok(temperatureLimit_C(table, -5, "discharge") > 0);
  });

  it("gives the full rating in the comfortable range and interpolates between rows", () => {
    assert.equal(temperatureLimit_C(table, 25, "charge"), 1);
    assert.equal(temperatureLimit_C(table, 25, "discharge"), 1);
    assert.ok(Math.abs(temperatureLimit_C(table, 2.5, "charge") - 0.1) < 1e-12);
  });

  it("is 0 outside the table and for a missing temperature", () => {
    assert.equal(temperatureLimit_C(table, 61, "discharge"), 0);
    assert.equal(temperatureLimit_C(table, -25, "discharge"), 0);
    assert.equal(temperatureLimit_C(table, NaN, "discharge"), 0);
  });

  it("takes the worse of the coldest and the hottest cell", () => {
    assert.equal(rackTemperatureLimit_C(table, -2, 30, "charge"), 0);
    assert.equal(rackTemperatureLimit_C(table, 20, 50, "charge"), 0.5);
  });
});

describe("SOC derate", () => {
  it("is 1 until the start, then falls to the floor at the end, never to 0", () => {
    assert.equal(socDerateFactor(0.9, 0.95, 0.05), 1);
    assert.ok(Math.abs(socDerateFactor(0.975, 0.95, 0.05) - 0.525) < 1e-12);
    assert.equal(socDerateFactor(1, 0.95, 0.05), 0.05);
  });
});
