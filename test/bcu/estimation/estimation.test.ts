import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultEstimationConfig as config } from "../../../src/bcu/estimation/config.ts";
import { stepEstimation } from "../../../src/bcu/estimation/estimation.ts";
import { lfpOcv_mV } from "../../../src/bcu/estimation/lfp-ocv.ts";
import { createEstimationState, persistEstimation } from "../../../src/bcu/estimation/state.ts";
import { CELL, measurements, TOPOLOGY, uniform } from "./synthetic.ts";

const PLATEAU_mV = Math.round(lfpOcv_mV(0.5, 25, 0));

function start(cellVoltage_mV: number[], nowMs = 0) {
  return createEstimationState(TOPOLOGY, CELL, config, {
    measurements: measurements({ timeMs: nowMs, cellVoltage_mV, current_A: 0 }),
    persisted: null,
    nowMs,
  });
}

describe("stepEstimation: start-up", () => {
  it("starts from the OCV when nothing is persisted", () => {
    const state = start(uniform(Math.round(lfpOcv_mV(0.05, 25, 0))));
    const out = stepEstimation(
      state,
      measurements({ timeMs: 100, cellVoltage_mV: uniform(3168), current_A: 0 }),
      config,
      100,
    );
    assert.ok(Math.abs((out.packSoc_pct ?? NaN) - 5) < 0.5, `got ${out.packSoc_pct}`);
    assert.equal(out.socValid, true);
  });

  it("uses a fresh persisted state and ignores a stale one", () => {
    const state = start(uniform(PLATEAU_mV));
    state.soc.fill(0.8);
    const persisted = JSON.parse(JSON.stringify(persistEstimation(state)));
    const m = measurements({ timeMs: 0, cellVoltage_mV: uniform(3168), current_A: 0 });
    const fresh = createEstimationState(TOPOLOGY, CELL, config, { measurements: m, persisted, nowMs: 3_600_000 });
    assert.equal(fresh.soc[0], 0.8);
    const old = createEstimationState(TOPOLOGY, CELL, config, {
      measurements: m,
      persisted,
      nowMs: config.persistedMaxAge_ms + 1,
    });
    assert.ok(old.soc[0] < 0.1, "stale persisted state: SOC from the OCV");
  });

  it("has no SOC before the first usable measurements when nothing is persisted", () => {
    const state = createEstimationState(TOPOLOGY, CELL, config, { measurements: null, persisted: null, nowMs: 0 });
    const out = stepEstimation(
      state,
      measurements({ timeMs: 100, cellVoltage_mV: [NaN, ...uniform(3300, 7)], current_A: 0 }),
      config,
      100,
    );
    assert.equal(out.packSoc_pct, null);
    assert.equal(out.socValid, false);
  });
});

describe("stepEstimation: counting", () => {
  it("integrates the current over its own timestamps, once per sample", () => {
    const state = start(uniform(PLATEAU_mV));
    const before = state.soc[0];
    // 280 A for 36 s, samples every 100 ms, each seen by two cycles.
    for (let t = 0; t <= 36_000; t += 100) {
      const m = measurements({
        timeMs: t,
        cellVoltage_mV: uniform(PLATEAU_mV - 300),
        current_A: 280,
        currentTimeMs: t,
      });
      stepEstimation(state, m, config, t);
      stepEstimation(state, m, config, t + 50);
    }
    assert.ok(Math.abs(before - state.soc[0] - 0.01) < 1e-9, `moved ${before - state.soc[0]}`);
  });
});

describe("stepEstimation: fail safe", () => {
  it("holds the SOC, flags it and gives no SOP when a cell is invalid", () => {
    const state = start(uniform(PLATEAU_mV));
    const good = stepEstimation(
      state,
      measurements({ timeMs: 100, cellVoltage_mV: uniform(PLATEAU_mV), current_A: 0 }),
      config,
      100,
    );
    assert.ok(good.sop.dischargeCurrentContinuous_A > 0);
    const bad = stepEstimation(
      state,
      measurements({ timeMs: 200, cellVoltage_mV: [NaN, ...uniform(PLATEAU_mV, 7)], current_A: 0 }),
      config,
      200,
    );
    assert.equal(bad.socValid, false);
    assert.equal(bad.packSoc_pct, good.packSoc_pct);
    assert.equal(bad.sop.dischargeCurrentContinuous_A, 0);
    assert.equal(bad.sop.chargeCurrent10s_A, 0);
  });

  it("holds the SOC when the current sensor is lost", () => {
    const state = start(uniform(PLATEAU_mV));
    stepEstimation(
      state,
      measurements({ timeMs: 100, cellVoltage_mV: uniform(PLATEAU_mV), current_A: 100 }),
      config,
      100,
    );
    const out = stepEstimation(
      state,
      measurements({ timeMs: 5100, cellVoltage_mV: uniform(PLATEAU_mV), current_A: null }),
      config,
      5100,
    );
    assert.equal(out.socValid, false);
    assert.equal(out.sop.dischargeCurrentContinuous_A, 0);
  });
});

describe("stepEstimation: end calibration", () => {
  it("sets the fullest cell to 100 % at the charge limit with the current tapered, and stops charge", () => {
    const state = start(uniform(PLATEAU_mV));
    state.soc.fill(0.9); // the counter thinks 90 %: wrong
    const volts = uniform(3400);
    volts[5] = 3590;
    const out = stepEstimation(
      state,
      measurements({ timeMs: 100, cellVoltage_mV: volts, current_A: -10 }),
      config,
      100,
    );
    assert.equal(out.cellSoc_pct[5], 100);
    assert.equal(out.cellSocMax_pct, 100);
    assert.equal(out.full, true);
    assert.equal(out.sop.chargeCurrentContinuous_A, 0);
    assert.ok(out.sop.dischargeCurrentContinuous_A > 0);
    assert.ok(out.events.some((e) => e.kind === "calibration" && e.message.startsWith("Full calibration on cell 6")));
    // The other cells moved with the common correction, and by their own (steep) voltage.
    assert.ok(out.cellSoc_pct[0] > 95 && out.cellSoc_pct[0] < 100, `cell 1 at ${out.cellSoc_pct[0]}`);
  });

  it("does not calibrate the top while the charge current is still high", () => {
    const state = start(uniform(PLATEAU_mV));
    state.soc.fill(0.9);
    const out = stepEstimation(
      state,
      measurements({ timeMs: 100, cellVoltage_mV: uniform(3590), current_A: -140 }),
      config,
      100,
    );
    assert.equal(out.full, false);
    assert.ok((out.cellSocMax_pct ?? 0) < 95);
  });

  it("sets the emptiest cell to 0 % at the discharge limit, stops discharge, and re-arms after a recharge", () => {
    const state = start(uniform(PLATEAU_mV));
    state.soc.fill(0.1);
    const volts = uniform(3000);
    volts[2] = 2820;
    const out = stepEstimation(state, measurements({ timeMs: 100, cellVoltage_mV: volts, current_A: 5 }), config, 100);
    assert.equal(out.cellSoc_pct[2], 0);
    assert.equal(out.empty, true);
    assert.equal(out.packSoc_pct !== null && out.rackSocRaw_pct, 0);
    assert.equal(out.sop.dischargeCurrentContinuous_A, 0);
    assert.ok(out.sop.chargeCurrentContinuous_A > 0);
    // Charge 5 % back in: re-armed.
    let t = 100;
    let last = out;
    for (; t <= 100 + 180_000; t += 1000) {
      last = stepEstimation(
        state,
        measurements({ timeMs: t, cellVoltage_mV: uniform(3250), current_A: -280 }),
        config,
        t,
      );
    }
    assert.equal(last.empty, false);
  });
});

describe("stepEstimation: rest calibration", () => {
  function restAt(mV: number, counted: number) {
    const state = start(uniform(PLATEAU_mV));
    state.soc.fill(counted);
    state.socSigma.fill(0.05);
    state.hysteresis = -1;
    const events = stepEstimation(
      state,
      measurements({ timeMs: 0, cellVoltage_mV: uniform(mV), current_A: 0 }),
      config,
      0,
    ).events;
    for (let t = 60_000; t <= config.restTime_ms + 60_000; t += 60_000) {
      const m = measurements({ timeMs: t, cellVoltage_mV: uniform(mV), current_A: 0.5 });
      events.push(...stepEstimation(state, m, config, t).events);
    }
    return { state, events };
  }

  it("pins the SOC where the OCV curve is steep", () => {
    const { state } = restAt(Math.round(lfpOcv_mV(0.04, 25, -1)), 0.12);
    assert.ok(Math.abs(state.soc[0] - 0.04) < 0.01, `got ${state.soc[0]}`);
  });

  it("hardly moves it on the plateau", () => {
    const { state, events } = restAt(Math.round(lfpOcv_mV(0.5, 25, -1)), 0.6);
    assert.ok(state.soc[0] > 0.57, `got ${state.soc[0]}`);
    assert.equal(events.filter((e) => e.message.startsWith("OCV calibration")).length, 1, "once per rest");
    assert.ok(events.some((e) => e.message.startsWith("OCV calibration after rest: 0 of 8")));
  });
});

describe("stepEstimation: SOH", () => {
  it("moves capacity only on evidence: plateau cycling leaves it alone", () => {
    const state = start(uniform(PLATEAU_mV));
    let t = 0;
    let out = stepEstimation(
      state,
      measurements({ timeMs: t, cellVoltage_mV: uniform(PLATEAU_mV), current_A: 0 }),
      config,
      t,
    );
    for (let cycle = 0; cycle < 3; cycle++) {
      for (const current of [140, -140]) {
        for (let k = 0; k < 3600; k++) {
          t += 1000;
          out = stepEstimation(
            state,
            measurements({ timeMs: t, cellVoltage_mV: uniform(PLATEAU_mV - current * 0.5), current_A: current }),
            config,
            t,
          );
        }
      }
    }
    assert.equal(out.capacity_Ah, 280);
    assert.equal(out.capacitySoh_pct, 100);
  });
});

describe("stepEstimation: current sensor offset", () => {
  it("learns the offset the sensor reads at a long rest, and stops counting it", () => {
    const state = start(uniform(PLATEAU_mV));
    // 0.5 A read while the true current is zero, for three hours.
    for (let t = 0; t <= 3 * 3_600_000; t += 100) {
      stepEstimation(
        state,
        measurements({ timeMs: t, cellVoltage_mV: uniform(PLATEAU_mV), current_A: 0.5 }),
        config,
        t,
      );
    }
    assert.ok(Math.abs(state.currentOffset_A - 0.5) < 0.01, `learned ${state.currentOffset_A}`);
    const before = state.soc[0];
    for (let t = 3 * 3_600_000 + 100; t <= 4 * 3_600_000; t += 100) {
      stepEstimation(
        state,
        measurements({ timeMs: t, cellVoltage_mV: uniform(PLATEAU_mV), current_A: 0.5 }),
        config,
        t,
      );
    }
    assert.ok(Math.abs(state.soc[0] - before) < 1e-4, `drifted ${before - state.soc[0]}`);
  });
});
