import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rackCharge, stepPublishedSoc } from "../../../src/bcu/estimation/pack-soc.ts";

const limits = { rateFactor: 2, restRate_pct_per_min: 0.5, deadband_A: 3 };

describe("rackCharge", () => {
  const caps = Float64Array.from([280, 280, 280]);

  it("is the mean SOC when the cells agree", () => {
    const r = rackCharge(Float64Array.from([0.5, 0.5, 0.5]), caps);
    assert.ok(Math.abs(r.soc - 0.5) < 1e-12);
    assert.equal(r.discharge_Ah, 140);
  });

  it("follows the fullest cell near full and the emptiest near empty", () => {
    const nearFull = rackCharge(Float64Array.from([0.9, 0.95, 0.99]), caps);
    assert.ok(nearFull.soc > 0.98, `near full ${nearFull.soc}`);
    const nearEmpty = rackCharge(Float64Array.from([0.01, 0.05, 0.1]), caps);
    assert.ok(nearEmpty.soc < 0.02, `near empty ${nearEmpty.soc}`);
  });

  it("is exactly 100 % when a cell is full and 0 % when a cell is empty", () => {
    assert.equal(rackCharge(Float64Array.from([0.92, 1, 0.97]), caps).soc, 1);
    assert.equal(rackCharge(Float64Array.from([0.05, 0, 0.08]), caps).soc, 0);
  });

  it("counts each cell's own capacity: a small cell limits in Ah, not in %", () => {
    // Same SOC; the 250 Ah cell has the least charge to give and to take.
    const r = rackCharge(Float64Array.from([0.5, 0.5]), Float64Array.from([280, 250]));
    assert.equal(r.discharge_Ah, 125);
    assert.equal(r.charge_Ah, 125);
  });
});

describe("stepPublishedSoc", () => {
  it("never jumps: a 10-point correction at rest arrives at the rest rate", () => {
    let published = 0.5;
    published = stepPublishedSoc(published, 0.6, 0, 280, 60_000, limits);
    assert.ok(Math.abs(published - 0.505) < 1e-12);
  });

  it("moves faster when current flows, bounded by a multiple of what the current explains", () => {
    // 280 A for 36 s is 1 %; the bound is 2 × that + the rest rate (0.3 %).
    const published = stepPublishedSoc(0.5, 0.2, 280, 280, 36_000, limits);
    assert.ok(Math.abs(published - (0.5 - 0.02 - 0.003)) < 1e-12);
  });

  it("does not rise while discharging nor fall while charging", () => {
    assert.equal(stepPublishedSoc(0.5, 0.6, 100, 280, 1000, limits), 0.5);
    assert.equal(stepPublishedSoc(0.5, 0.4, -100, 280, 1000, limits), 0.5);
    // Inside the dead band (sensor offset at rest) it may move either way.
    assert.ok(stepPublishedSoc(0.5, 0.6, 1, 280, 1000, limits) > 0.5);
  });
});
