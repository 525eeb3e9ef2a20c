/**
 * The iso165C driver's timeouts, stepped cycle by cycle with literal IMD_Info and responses (the closed-loop test
 * runs it against the simulated device on the bus).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ImdInfo, ImdResponse } from "../../../src/can/codecs/messages.ts";
import { createImdDriverState, stepImdDriver, type ImdDriverOutput } from "../../../src/bcu/insulation/imd-driver.ts";
import { defaultInsulationConfig, resolveInsulationSettings } from "../../../src/bcu/insulation/insulation-config.ts";
import { defaultProtectionConfig } from "../../../src/bcu/protection/protection-defaults.ts";

const RACK = { bmuCount: 15, cellsPerBmu: 16, cell: { nominalVoltage_V: 3.2 } };
const settings = resolveInsulationSettings(defaultInsulationConfig(), RACK, defaultProtectionConfig());

const info: ImdInfo = {
  kind: "imdInfo",
  resistance_kOhm: 5000,
  insulationFault: false,
  groundFault: false,
  systemFailure: false,
  calibrationRunning: false,
  selfTestRunning: false,
  insulationWarning: false,
  measurementDeactivated: false,
  imcConnectionError: false,
  imcAliveError: false,
  commandError: false,
  resistanceOutdated: false,
  overallSelfTestNotRun: false,
  parameterSelfTestNotRun: false,
};

test("settings: 768 V basis, device thresholds 384 kΩ and 77 kΩ from the table's 500 and 100 Ω/V", () => {
  assert.equal(settings.basis_V, 768);
  assert.equal(settings.deviceWarning_kOhm, 384);
  assert.equal(settings.deviceError_kOhm, 77);
});

test("an unanswered request is sent 1 + requestRetries times, then the monitor is a fault, retried later", () => {
  const state = createImdDriverState();
  let out: ImdDriverOutput | undefined;
  let sent = 0;
  let t = 0;
  for (; t <= 10_000 && state.phase !== "fault"; t += 100) {
    out = stepImdDriver(state, { info, infoTimeMs: t, responses: [], contactorsClosed: false }, settings, t);
    sent += out.requests.length;
  }
  assert.equal(state.phase, "fault");
  assert.equal(sent, 1 + settings.requestRetries, "the unlock, and its repetitions");
  assert.match(state.faultReason, /no answer .* to 0xCA lock \(unlock\) after 4 tries of 500 ms/);
  assert.equal(out!.insulation.monitorFault, true);
  assert.equal(out!.insulation.resistance_ohmPerV, null, "a fault is never a value");
  const faultAt = t;
  for (; t < faultAt + settings.restartDelay_ms + 200; t += 100) {
    stepImdDriver(state, { info, infoTimeMs: t, responses: [], contactorsClosed: false }, settings, t);
  }
  assert.equal(state.phase, "configuring", "start-up tried again after the restart delay");
});

test("every step answered: monitoring; a reading during a self-test, outdated or with measurement off is not used", () => {
  const state = createImdDriverState();
  let pending: ImdResponse[] = [];
  let out!: ImdDriverOutput;
  let current: ImdInfo = info;
  let t = 0;
  const step = () => {
    out = stepImdDriver(
      state,
      { info: current, infoTimeMs: t, responses: pending, contactorsClosed: false },
      settings,
      t,
    );
    pending = out.requests.map((r) =>
      r.command === 0x35 || r.command === 0xdd
        ? ({ kind: "imdResponse", response: "relay", relay: r.dw1, relayState: 1 } as ImdResponse)
        : ({ kind: "imdResponse", response: "ack", command: r.command as 0xca, dw1: r.dw1, dw2: r.dw2 } as ImdResponse),
    );
    t += 100;
  };
  for (let i = 0; i < 20; i++) step();
  assert.equal(state.phase, "monitoring");
  assert.equal(out.insulation.resistance_ohmPerV, (5000 * 1000) / 768);
  for (const flag of ["selfTestRunning", "resistanceOutdated", "calibrationRunning", "systemFailure"] as const) {
    current = { ...info, [flag]: true };
    step();
    assert.equal(out.insulation.resistance_ohmPerV, null, flag);
  }
  current = { ...info, selfTestRunning: true, insulationFault: true };
  step();
  assert.equal(out.insulation.faultReported, null, "fault bits during a self-test are not used");
  current = { ...info, groundFault: true };
  step();
  assert.equal(out.insulation.faultReported, true);
  // A reading older than 3 s is not used, although the silence fault comes only at 5 s.
  const lastInfo = t;
  for (let i = 0; i < 35; i++) {
    out = stepImdDriver(
      state,
      { info: current, infoTimeMs: lastInfo, responses: [], contactorsClosed: false },
      settings,
      t,
    );
    t += 100;
  }
  assert.equal(out.insulation.resistance_ohmPerV, null);
  assert.equal(out.insulation.monitorFault, false);
  // Measurement off although it was switched on: the device restarted; no value, and the start-up runs again.
  current = { ...info, measurementDeactivated: true };
  step();
  assert.equal(out.insulation.resistance_ohmPerV, null);
  step();
  assert.equal(state.phase, "configuring");
});

test("a self-test that never finishes is a fault", () => {
  const state = createImdDriverState();
  const notRun = { ...info, overallSelfTestNotRun: true };
  let pending: ImdResponse[] = [];
  for (let t = 0; t < 40_000 && state.phase !== "fault"; t += 100) {
    const out = stepImdDriver(
      state,
      { info: notRun, infoTimeMs: t, responses: pending, contactorsClosed: false },
      settings,
      t,
    );
    pending = out.requests.map(
      (r) =>
        ({ kind: "imdResponse", response: "ack", command: r.command as 0xca, dw1: r.dw1, dw2: r.dw2 }) as ImdResponse,
    );
  }
  assert.equal(state.phase, "fault");
  assert.match(state.faultReason, /self-test did not finish within 30000 ms/);
});

test("disabled: no requests, no alarms", () => {
  const state = createImdDriverState();
  const out = stepImdDriver(
    state,
    { info: null, infoTimeMs: -Infinity, responses: [], contactorsClosed: false },
    { ...settings, enabled: false },
    60_000,
  );
  assert.deepEqual(out.requests, []);
  assert.equal(out.insulation.monitorFault, false);
});
