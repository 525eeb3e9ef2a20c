import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { encodeBalancingCommand } from "../../src/can/codecs/bmu.ts";
import { makeRig, messagesOf } from "./rig.ts";

test("sends every BMU, IVT-S and contactor frame at its period, all decodable", () => {
  const rig = makeRig();
  rig.sim.start();
  rig.scheduler.runFor(10_000);
  assert.deepEqual(rig.errors, []);
  const count = (id: number) => rig.frames.filter((f) => f.id === id).length;
  assert.equal(count(0x201), 100 * 6, "cell voltages: 6 groups every 100 ms");
  assert.equal(count(0x20f), 100 * 6);
  assert.equal(count(0x181), 10 * 2, "temperatures: 2 groups every second");
  assert.equal(count(0x101), 10, "status every second");
  assert.equal(count(0x521), 100, "IVT current every 100 ms");
  assert.equal(count(0x522), 100);
  assert.equal(count(0x523), 100);
  assert.equal(count(0x528), 10);
  assert.equal(count(0x0a1), 100, "contactor feedback every 100 ms");
  const status = messagesOf(rig, "bmuStatus").filter((m) => m.node === 3);
  assert.deepEqual(
    status.map((m) => m.aliveCounter),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(status[0].cellCount, 16);
  assert.equal(status[0].sensorCount, 8);
  const feedback = messagesOf(rig, "contactorFeedback")[0];
  assert.equal(feedback.breakerClosed, true);
  assert.equal(feedback.hvilIntact, true);
  assert.equal(feedback.emergencyStop, false);
  assert.equal(feedback.fireAlarm, false);
  assert.equal(feedback.doorOpen, false);
});

test("cell voltages match the truth within noise and 1 mV steps; temperatures in whole degrees", () => {
  const rig = makeRig({ cellVoltageNoise_mV: 1 });
  rig.sim.start();
  rig.scheduler.runFor(1_000);
  const truth = rig.sim.truth();
  const last = messagesOf(rig, "bmuCellVoltages")
    .filter((m) => m.node === 2 && m.group === 0)
    .at(-1)!;
  for (let k = 0; k < 3; k++) {
    const reported = last.cellVoltages_mV[k]!;
    assert.ok(Number.isInteger(reported));
    assert.ok(
      Math.abs(reported - truth.cellVoltage_V[16 + k] * 1000) < 6,
      `${reported} vs ${truth.cellVoltage_V[16 + k]}`,
    );
  }
  const lastGroup = messagesOf(rig, "bmuCellVoltages")
    .filter((m) => m.node === 2 && m.group === 5)
    .at(-1)!;
  assert.deepEqual(lastGroup.cellVoltages_mV.slice(1), [null, null], "cells 17 and 18 do not exist");
  const temperatures = messagesOf(rig, "bmuTemperatures")
    .filter((m) => m.node === 2 && m.group === 1)
    .at(-1)!;
  assert.equal(temperatures.temperatures_degC.length, 6);
  assert.ok(temperatures.temperatures_degC.slice(0, 2).every((t) => t !== null && Math.abs(t - 25) <= 2));
  assert.deepEqual(temperatures.temperatures_degC.slice(2), [null, null, null, null]);
});

test("precharge brings the link to 95 % of the pack voltage in 3·R·C (450 ms)", () => {
  const rig = makeRig({ physicsStep_ms: 5 });
  rig.sim.start();
  rig.master.start();
  let prechargeClosedAt: number | null = null;
  let reached: number | null = null;
  for (let t = 0; t < 1000 && reached === null; t += 5) {
    rig.scheduler.runFor(5);
    const truth = rig.sim.truth();
    if (prechargeClosedAt === null && truth.contactors.precharge) prechargeClosedAt = truth.timeMs;
    if (truth.linkVoltage_V >= 0.95 * truth.packVoltage_V) reached = truth.timeMs;
  }
  assert.ok(prechargeClosedAt !== null && reached !== null);
  const elapsed = reached - prechargeClosedAt;
  assert.ok(elapsed >= 430 && elapsed <= 470, `95 % after ${elapsed} ms`);
  rig.scheduler.runFor(1000);
  const connected = rig.sim.truth();
  assert.deepEqual(connected.contactors, { mainPositive: true, mainNegative: true, precharge: false });
  assert.equal(connected.linkVoltage_V, connected.packVoltage_V);
});

test("opens everything 500 ms after the last valid command", () => {
  const rig = makeRig({ physicsStep_ms: 10 });
  rig.sim.start();
  rig.master.start();
  rig.scheduler.runFor(3000);
  assert.equal(rig.sim.truth().contactors.mainPositive, true);
  let lastCommandAt = 0;
  rig.bus.tap((frame) => {
    if (frame.id === 0x0a0) lastCommandAt = frame.timestampMs;
  });
  rig.scheduler.runFor(50);
  rig.master.stop();
  rig.scheduler.runUntil(lastCommandAt + 480);
  assert.equal(rig.sim.truth().contactors.mainPositive, true, "still closed before 500 ms");
  rig.scheduler.runUntil(lastCommandAt + 530);
  assert.deepEqual(rig.sim.truth().contactors, { mainPositive: false, mainNegative: false, precharge: false });
  rig.scheduler.runFor(100);
  const feedback = messagesOf(rig, "contactorFeedback").at(-1)!;
  assert.deepEqual(feedback.closed, { mainPositive: false, mainNegative: false, precharge: false });
});

test("frames with a bad CRC or a stuck alive counter do not keep the contactors closed", () => {
  const rig = makeRig({ physicsStep_ms: 10 });
  rig.sim.start();
  rig.master.start();
  rig.scheduler.runFor(3000);
  rig.master.stop();
  // Byte 7 = 0 is not the CRC-8 of these bytes: a corrupted frame.
  const corrupted = (counter: number) => new Uint8Array([0x03, counter, 0, 0, 0, 0, 0, 0]);
  let valid: Uint8Array | null = null;
  rig.bus.tap((frame) => {
    if (frame.id === 0x0a0) valid = frame.data;
  });
  rig.master.start(true);
  rig.scheduler.runFor(100);
  rig.master.stop();
  assert.ok(valid !== null);
  // A valid frame sent again and again: its alive counter is stuck.
  const stuck: Uint8Array = valid;
  for (let i = 0; i < 10; i++) {
    rig.scheduler.runFor(100);
    rig.bcu.send({ id: 0x0a0, data: corrupted(i) });
    rig.bcu.send({ id: 0x0a0, data: stuck });
  }
  assert.equal(rig.sim.truth().contactors.mainNegative, false);
  const rejections = rig.sim.contactorUnitRejections;
  assert.ok(rejections.badFrame >= 10 && rejections.aliveCounter >= 9, JSON.stringify(rejections));
});

test("a balancing command bleeds the cells it names until its timeout", () => {
  const rig = makeRig();
  rig.sim.start();
  rig.scheduler.runFor(1000);
  rig.bcu.send(
    encodeBalancingCommand({ kind: "balancingCommand", node: 2, mask: 0b101, timeout_s: 3, aliveCounter: 0 }),
  );
  rig.scheduler.runFor(1500);
  const truth = rig.sim.truth();
  assert.deepEqual(truth.cellBleeding.slice(16, 20), [true, false, true, false]);
  assert.equal(truth.cellBleeding.filter(Boolean).length, 2);
  assert.equal(
    messagesOf(rig, "bmuStatus")
      .filter((m) => m.node === 2)
      .at(-1)!.balancingActive,
    true,
  );
  rig.scheduler.runFor(3000);
  assert.equal(rig.sim.truth().cellBleeding.filter(Boolean).length, 0, "stopped after the 3 s timeout");
  assert.equal(
    messagesOf(rig, "bmuStatus")
      .filter((m) => m.node === 2)
      .at(-1)!.balancingActive,
    false,
  );
});

test("the PCS runs only with closed contactors and obeys the limits the BCU publishes", () => {
  const rig = makeRig();
  rig.sim.start();
  rig.sim.pcs.setManualPower_W(100_000);
  rig.scheduler.runFor(5000);
  assert.equal(rig.sim.truth().current_A, 0, "contactors open: no current");
  rig.master.start();
  rig.scheduler.runFor(10_000);
  const free = rig.sim.truth();
  assert.ok(Math.abs(free.current_A * free.linkVoltage_V - 100_000) < 1000, `${free.current_A} A`);
  rig.sim.pcs.setLimits({
    chargeCurrentMax_A: 140,
    dischargeCurrentMax_A: 50,
    chargePowerMax_W: 1e6,
    dischargePowerMax_W: 1e6,
    stop: false,
  });
  const since = rig.messages.length;
  let maxCurrent = 0;
  for (let i = 0; i < 100; i++) {
    rig.scheduler.runFor(100);
    maxCurrent = Math.max(maxCurrent, rig.sim.truth().current_A);
  }
  assert.ok(maxCurrent <= 50, `${maxCurrent} A`);
  const reported = messagesOf(rig, "ivtResult", since)
    .filter((m) => m.result === "current")
    .at(-1)!;
  assert.ok(Math.abs(reported.value - 50_000) < 500, `IVT reads ${reported.value} mA`);
});

function runDigest(seed: number): string {
  const rig = makeRig({ seed, profile: { name: "ci-day", scale: 1 } });
  rig.sim.start();
  rig.master.start();
  rig.scheduler.runFor(20_000);
  const hash = createHash("sha256");
  for (const frame of rig.frames)
    hash.update(`${frame.timestampMs} ${frame.id} ${Buffer.from(frame.data).toString("hex")}\n`);
  return hash.digest("hex");
}

test("the same seed gives the same frames; another seed gives others", () => {
  const a = runDigest(11);
  assert.equal(runDigest(11), a);
  assert.notEqual(runDigest(12), a);
});
