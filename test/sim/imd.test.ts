/**
 * The simulated iso165C and DC breaker, through real frames on the virtual bus: the request/response protocol,
 * the start-up a BCU must run, the measurement delay, the degrading insulation, and the breaker's shunt trip.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ImdInfo, ImdRequest, ImdResponse } from "../../src/can/codecs/messages.ts";
import { IMD_COMMAND } from "../../src/can/codecs/messages.ts";
import { encodeImdRequest } from "../../src/can/codecs/imd.ts";
import { encodeContactorCommand } from "../../src/can/codecs/contactor.ts";
import { BREAKER_TRIP_DELAY_ms, CONTACTOR_BREAKING_CURRENT_A } from "../../src/sim/contactor-bank.ts";
import { SIM_IMD_ERROR } from "../../src/sim/sim-imd.ts";
import { makeRig as makeIdleRig, messagesOf, type Rig } from "./rig.ts";
import type { SimulatorOptionsInput } from "../../src/sim/options.ts";

function makeRig(options: SimulatorOptionsInput = {}): Rig {
  const rig = makeIdleRig(options);
  rig.sim.start();
  return rig;
}

const c = IMD_COMMAND;

function ask(rig: Rig, command: ImdRequest["command"], dw1 = 0, dw2 = 0): ImdResponse {
  const before = rig.messages.length;
  rig.bcu.send(encodeImdRequest({ kind: "imdRequest", command, dw1, dw2 }));
  rig.scheduler.runFor(100);
  const responses = messagesOf(rig, "imdResponse", before);
  assert.equal(responses.length, 1, `one response to 0x${command.toString(16)}`);
  return responses[0];
}

/** A minimal BCU stand-in: the contactor command (with the shunt-trip bit) every 100 ms. */
function commander(rig: Rig) {
  const command = { mainPositive: false, mainNegative: false, precharge: false, breakerShuntTrip: false };
  let alive = 0;
  rig.scheduler.every(100, () => {
    const { breakerShuntTrip, ...requestedClosed } = command;
    rig.bcu.send(
      encodeContactorCommand({ kind: "contactorCommand", requestedClosed, aliveCounter: alive, breakerShuntTrip }),
    );
    alive = (alive + 1) & 0xff;
  });
  return command;
}

/** Closes main− and precharge, then main+ once the link is charged, then drops the precharge. */
function closeRack(rig: Rig) {
  const command = commander(rig);
  command.mainNegative = command.precharge = true;
  rig.scheduler.runFor(1000);
  command.mainPositive = true;
  rig.scheduler.runFor(300);
  command.precharge = false;
  rig.scheduler.runFor(300);
  return command;
}

function lastInfo(rig: Rig): ImdInfo {
  const infos = messagesOf(rig, "imdInfo");
  assert.ok(infos.length > 0, "IMD_Info received");
  return infos.at(-1)!;
}

/** Unlock, both relays closed, measurement on: what the BCU's driver does at start-up. */
function startUp(rig: Rig): void {
  assert.equal(ask(rig, c.lock, 0, 0).response, "ack");
  assert.equal(ask(rig, c.setCouplingRelay, 0, 1).response, "ack");
  assert.equal(ask(rig, c.setCouplingRelay, 1, 1).response, "ack");
  assert.equal(ask(rig, c.measurement, 1).response, "ack");
}

test("iso165C powers up locked, decoupled, not measuring, self-test not run; IMD_Info every second", () => {
  const rig = makeRig();
  rig.scheduler.runFor(5000);
  const infos = messagesOf(rig, "imdInfo");
  assert.equal(infos.length, 5);
  const info = lastInfo(rig);
  assert.equal(info.measurementDeactivated, true);
  assert.equal(info.resistanceOutdated, true);
  assert.equal(info.overallSelfTestNotRun, true);
  // Parameters are refused while locked, with an error response naming the command.
  assert.deepEqual(ask(rig, c.measurement, 1), {
    kind: "imdResponse",
    response: "error",
    errorCode: SIM_IMD_ERROR.locked,
    refusedCommand: c.measurement,
  });
  assert.equal(ask(rig, c.lock, 0, 0x1234).response, "error", "wrong password");
  assert.deepEqual(rig.errors, []);
});

test("after the start-up the value arrives after the measurement delay, both poles in parallel", () => {
  const rig = makeRig();
  rig.scheduler.runFor(1000);
  startUp(rig);
  assert.equal(ask(rig, c.errorThreshold, 77).response, "ack");
  assert.equal(ask(rig, c.warningThreshold, 384).response, "ack");
  assert.equal(ask(rig, c.errorThreshold, 20).response, "error", "below the device's range");
  const coupledAt = rig.scheduler.nowMs();
  rig.scheduler.runUntil(coupledAt + 3000);
  assert.equal(lastInfo(rig).resistanceOutdated, true, "no value inside the measurement delay");
  rig.scheduler.runUntil(coupledAt + rig.sim.imd.options.measurementDelay_ms + 1100);
  const info = lastInfo(rig);
  assert.equal(info.resistanceOutdated, false);
  assert.equal(info.resistance_kOhm, 10_000, "20 MOhm || 20 MOhm");
  assert.deepEqual(ask(rig, c.getCouplingRelay, 1), {
    kind: "imdResponse",
    response: "relay",
    relay: 1,
    relayState: 1,
  });
  const r = ask(rig, c.getResistance);
  assert.equal(r.response === "resistance" && r.resistance_kOhm, 10_000);

  // A low pole: fault location and the device's own warning and fault bits against the thresholds set.
  rig.sim.imd.setPoleResistance("negative", 60);
  rig.scheduler.runFor(7000);
  const low = lastInfo(rig);
  assert.equal(low.resistance_kOhm, Math.round((60 * 20_000) / 20_060));
  assert.equal(low.insulationWarning, true);
  assert.equal(low.insulationFault, true);
  const located = ask(rig, c.getResistance);
  assert.equal(located.response === "resistance" && located.faultLocation, 1, "towards HV-");

  // Self-test: running flag, value outdated while it runs, not-run flag cleared after it.
  assert.equal(ask(rig, c.selfTest, 1).response, "ack");
  rig.scheduler.runFor(1000);
  assert.equal(lastInfo(rig).selfTestRunning, true);
  assert.equal(lastInfo(rig).resistanceOutdated, true);
  rig.scheduler.runFor(rig.sim.imd.options.selfTestDuration_ms);
  assert.equal(lastInfo(rig).selfTestRunning, false);
  assert.equal(lastInfo(rig).overallSelfTestNotRun, false);
  assert.deepEqual(rig.errors, []);
});

test("degrading insulation: 2 MOhm to 50 kOhm in an hour, geometric, reported with the delay", () => {
  const rig = makeRig();
  startUp(rig);
  rig.sim.imd.setPoleResistance("negative", 1e9);
  rig.sim.imd.degradeInsulation("positive", 2000, 50, 3_600_000);
  const start = rig.scheduler.nowMs();
  rig.scheduler.runUntil(start + 1_800_000);
  const half = rig.sim.imd.trueResistance_kOhm();
  assert.ok(Math.abs(half - Math.sqrt(2000 * 50)) < 1, `half-way ${half} kOhm`);
  const delayed = rig.sim.imd.poleResistance_kOhm("positive", rig.scheduler.nowMs() - 5000);
  assert.ok(Math.abs(lastInfo(rig).resistance_kOhm - delayed) <= 1, "reported = true value 5 s ago");
  rig.scheduler.runUntil(start + 3_700_000);
  assert.equal(lastInfo(rig).resistance_kOhm, 50);
});

test("a silent device sends nothing; a refused command is an error response", () => {
  const rig = makeRig();
  rig.scheduler.runFor(2000);
  rig.sim.imd.refusedCommands.add(c.selfTest);
  const refused = ask(rig, c.selfTest, 1);
  assert.equal(refused.response === "error" && refused.refusedCommand, c.selfTest);
  rig.sim.imd.silent = true;
  const before = rig.messages.length;
  rig.bcu.send(encodeImdRequest({ kind: "imdRequest", command: c.getResistance, dw1: 0, dw2: 0 }));
  rig.scheduler.runFor(5000);
  assert.equal(messagesOf(rig, "imdInfo", before).length + messagesOf(rig, "imdResponse", before).length, 0);
});

test("breaker: a shunt trip opens it after its delay and cuts the current; it stays open until closed by hand", () => {
  const rig = makeRig({ physicsStep_ms: 10 });
  const command = closeRack(rig);
  rig.sim.pcs.setManualPower_W(100_000);
  rig.scheduler.runFor(5000);
  assert.ok(rig.sim.truth().current_A > 50, `current ${rig.sim.truth().current_A} A`);
  command.breakerShuntTrip = true;
  const from = rig.scheduler.nowMs();
  rig.scheduler.runFor(300);
  const truth = rig.sim.truth();
  assert.equal(truth.breakerClosed, false);
  assert.equal(truth.breakerTripped, true);
  assert.equal(truth.current_A, 0);
  const fb = messagesOf(rig, "contactorFeedback").at(-1)!;
  assert.equal(fb.breakerClosed, false);
  assert.equal(fb.breakerTripped, true);
  // The command frame goes out within 100 ms of `from`; the breaker opens its delay after the frame.
  const afterFrame = truth.breakerTrippedAtMs - from;
  assert.ok(afterFrame >= BREAKER_TRIP_DELAY_ms && afterFrame <= BREAKER_TRIP_DELAY_ms + 100, `${afterFrame} ms`);
  command.breakerShuntTrip = false;
  rig.scheduler.runFor(1000);
  assert.equal(rig.sim.truth().breakerClosed, false, "needs a hand");
  rig.sim.faults.cabinet({ breakerClosed: true });
  rig.scheduler.runFor(500);
  assert.equal(rig.sim.truth().breakerClosed, true);
  assert.equal(rig.sim.truth().breakerTripped, false);
  rig.scheduler.runFor(2000);
  assert.ok(rig.sim.truth().current_A > 50, "connected again");
});

test("breaker self-trip; contactors opened above their breaking current weld", () => {
  const rig = makeRig({ physicsStep_ms: 10 });
  closeRack(rig);
  rig.sim.faults.tripBreaker(rig.scheduler.nowMs());
  rig.scheduler.runFor(200);
  assert.equal(rig.sim.truth().breakerTripped, true);
  assert.equal(rig.sim.truth().current_A, 0);
  assert.equal(messagesOf(rig, "contactorFeedback").at(-1)!.breakerTripped, true);

  const short = makeRig({ physicsStep_ms: 10 });
  const command = closeRack(short);
  short.sim.faults.dcShortCircuit(CONTACTOR_BREAKING_CURRENT_A + 500);
  short.scheduler.runFor(100);
  assert.ok(short.sim.truth().current_A > CONTACTOR_BREAKING_CURRENT_A);
  command.mainPositive = command.mainNegative = false;
  short.scheduler.runFor(500);
  assert.deepEqual(short.sim.truth().contactorsWelded, { mainPositive: true, mainNegative: true, precharge: false });
  assert.ok(short.sim.truth().current_A > CONTACTOR_BREAKING_CURRENT_A, "the welded contacts still conduct");
  // Tripping the breaker first is what saves them: it interrupts, then they open without current.
  const saved = makeRig({ physicsStep_ms: 10 });
  const cmd = closeRack(saved);
  saved.sim.faults.dcShortCircuit(CONTACTOR_BREAKING_CURRENT_A + 500);
  saved.scheduler.runFor(100);
  cmd.breakerShuntTrip = true;
  saved.scheduler.runFor(300);
  cmd.mainPositive = cmd.mainNegative = false;
  saved.scheduler.runFor(500);
  assert.deepEqual(saved.sim.truth().contactorsWelded, { mainPositive: false, mainNegative: false, precharge: false });
  assert.deepEqual(saved.sim.truth().contactors, { mainPositive: false, mainNegative: false, precharge: false });
});
