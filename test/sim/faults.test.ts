import { test } from "node:test";
import assert from "node:assert/strict";
import { makeRig, messagesOf, runLong, type Rig } from "./rig.ts";

function started(options = {}): Rig {
  const rig = makeRig(options);
  rig.sim.start();
  rig.scheduler.runFor(2000);
  return rig;
}

function lastCells(rig: Rig, node: number, group: number, since = 0) {
  return messagesOf(rig, "bmuCellVoltages", since)
    .filter((m) => m.node === node && m.group === group)
    .at(-1)!.cellVoltages_mV;
}

test("a silent BMU stops sending; the others go on", () => {
  const rig = started();
  rig.sim.faults.silenceBmu(4);
  const since = rig.frames.length;
  rig.scheduler.runFor(3000);
  const ids = new Set(rig.frames.slice(since).map((f) => f.id));
  for (const id of [0x105, 0x185, 0x205]) assert.equal(ids.has(id), false, `0x${id.toString(16)} still sent`);
  for (const id of [0x104, 0x184, 0x204, 0x106]) assert.equal(ids.has(id), true);
  rig.sim.faults.silenceBmu(4, false);
  rig.scheduler.runFor(1000);
  assert.ok(rig.frames.some((f) => f.id === 0x205 && f.timestampMs > rig.scheduler.nowMs() - 200));
});

test("an open cell sense wire reads invalid and sets the open-wire flag", () => {
  const rig = started();
  rig.sim.faults.openCellSenseWire(2, 4); // node 3, cell 5 = group 1, slot 1
  const since = rig.messages.length;
  rig.scheduler.runFor(1500);
  const group = lastCells(rig, 3, 1, since);
  assert.equal(group[1], null);
  assert.ok(group[0] !== null && group[2] !== null);
  assert.equal(
    messagesOf(rig, "bmuStatus", since)
      .filter((m) => m.node === 3)
      .at(-1)!.openWire,
    true,
  );
  assert.equal(
    messagesOf(rig, "bmuStatus", since)
      .filter((m) => m.node === 2)
      .at(-1)!.openWire,
    false,
  );
});

test("an open temperature sensor wire reads invalid and sets the sensor-fault flag", () => {
  const rig = started();
  rig.sim.faults.openTemperatureSensorWire(0, 7); // node 1, sensor 8 = group 1, slot 1
  const since = rig.messages.length;
  rig.scheduler.runFor(1500);
  const temperatures = messagesOf(rig, "bmuTemperatures", since)
    .filter((m) => m.node === 1 && m.group === 1)
    .at(-1)!;
  assert.equal(temperatures.temperatures_degC[1], null);
  assert.notEqual(temperatures.temperatures_degC[0], null);
  assert.equal(
    messagesOf(rig, "bmuStatus", since)
      .filter((m) => m.node === 1)
      .at(-1)!.temperatureSensorFault,
    true,
  );
});

test("a hot module heats up and its sensors report it", () => {
  // A light module (τ = 400 s) so that an hour reaches the steady state.
  const rig = started({ thermal: { moduleHeatCapacity_J_per_K: 10_000 } });
  rig.sim.faults.hotModule(6, 500);
  runLong(rig, 3_600_000);
  const truth = rig.sim.truth();
  assert.ok(truth.moduleTemperature_degC[6] > 25 + 0.8 * 500 * 0.04, `${truth.moduleTemperature_degC[6]} °C`);
  assert.ok(Math.abs(truth.moduleTemperature_degC[5] - 25) < 0.5);
  const hot = messagesOf(rig, "bmuTemperatures")
    .filter((m) => m.node === 7 && m.group === 0)
    .at(-1)!;
  const cool = messagesOf(rig, "bmuTemperatures")
    .filter((m) => m.node === 6 && m.group === 0)
    .at(-1)!;
  assert.ok(Math.min(...(hot.temperatures_degC as number[])) > Math.max(...(cool.temperatures_degC as number[])) + 10);
});

test("a cell reading offset shows at once; a leaking cell drifts low in truth and on the bus", () => {
  const rig = started({ cellVoltageNoise_mV: 0 });
  rig.sim.faults.offsetCellReading(0, 0, 40);
  rig.sim.faults.driftCell(1, 0, 200); // 200 A internal leak in node 2, cell 1
  const before = rig.sim.truth();
  const sinceOffset = rig.messages.length;
  rig.scheduler.runFor(500);
  const offsetGroup = lastCells(rig, 1, 0, sinceOffset);
  assert.ok(offsetGroup[0]! - offsetGroup[1]! > 30, `offset reading ${offsetGroup}`);
  runLong(rig, 12 * 60_000); // 40 Ah: 14 % of the cell
  const after = rig.sim.truth();
  const lost = (before.cellSoc[16] - after.cellSoc[16]) * after.cellCapacity_Ah[16];
  assert.ok(Math.abs(lost - 40) < 0.1, `${lost} Ah lost`);
  assert.ok(Math.abs(after.cellSoc[17] - before.cellSoc[17]) < 1e-3);
  const drifted = lastCells(rig, 2, 0);
  assert.ok(drifted[1]! - drifted[0]! > 5, `neighbour ${drifted[1]} mV, leaking cell ${drifted[0]} mV`);
});

test("a current sensor fault sets the error bits, and a silent sensor sends nothing", () => {
  const rig = started();
  rig.sim.faults.currentSensor({ measurementError: true, channelError: true });
  let since = rig.messages.length;
  rig.scheduler.runFor(300);
  const current = messagesOf(rig, "ivtResult", since)
    .filter((m) => m.result === "current")
    .at(-1)!;
  assert.equal(current.measurementError, true);
  assert.equal(current.channelError, true);
  assert.equal(current.systemError, false);
  rig.sim.faults.currentSensor({ silent: true });
  since = rig.frames.length;
  rig.scheduler.runFor(2000);
  assert.equal(rig.frames.slice(since).filter((f) => f.id >= 0x521 && f.id <= 0x528).length, 0);
});

test("a welded contactor stays closed after its coil drops and the feedback shows it", () => {
  const rig = started();
  rig.master.start();
  rig.scheduler.runFor(3000);
  rig.sim.faults.weldContactor("mainPositive");
  rig.master.open();
  rig.scheduler.runFor(1000);
  const truth = rig.sim.truth();
  assert.deepEqual(truth.contactors, { mainPositive: true, mainNegative: false, precharge: false });
  const feedback = messagesOf(rig, "contactorFeedback").at(-1)!;
  assert.equal(feedback.closed.mainPositive, true);
  assert.equal(feedback.closed.mainNegative, false);
});

test("a coil fault keeps the contactor open and sets its coil-fault bit", () => {
  const rig = started();
  rig.sim.faults.coilFault("mainNegative");
  rig.master.start();
  rig.scheduler.runFor(3000);
  const truth = rig.sim.truth();
  assert.equal(truth.contactors.mainNegative, false);
  assert.equal(truth.linkVoltage_V, 0, "no precharge path without main−");
  const feedback = messagesOf(rig, "contactorFeedback").at(-1)!;
  assert.deepEqual(feedback.coilFault, { mainPositive: false, mainNegative: true, precharge: false });
  assert.equal(feedback.closed.mainNegative, false);
});

test("cabinet inputs: e-stop cuts the coils, fire alarm and door reported", () => {
  const rig = started();
  rig.master.start();
  rig.scheduler.runFor(3000);
  rig.sim.faults.cabinet({ emergencyStop: true, fireAlarm: true, doorOpen: true, hvilIntact: false });
  rig.scheduler.runFor(300);
  const feedback = messagesOf(rig, "contactorFeedback").at(-1)!;
  assert.equal(feedback.emergencyStop, true);
  assert.equal(feedback.fireAlarm, true);
  assert.equal(feedback.doorOpen, true);
  assert.equal(feedback.hvilIntact, false);
  assert.deepEqual(feedback.closed, { mainPositive: false, mainNegative: false, precharge: false });
});
